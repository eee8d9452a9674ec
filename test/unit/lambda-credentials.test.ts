import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../lambdas/adapters/lambda-credentials.ts';
import { bundleAliases, bundlingOptions } from '../../lib/constructs/tessera-function.ts';

/** The Lambda bundles take their credentials from the environment, as Lambda provides them. */
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('Lambda credentials in the bundles', () => {
  it('come from the environment Lambda sets, session token included', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
    });
    expect(await defaultProvider()()).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'session',
    });
  });

  it('replace the SDK’s default chain in CDK’s bundling and in the bundle benchmark alike', () => {
    const target = bundleAliases['@aws-sdk/credential-provider-node'] as string;
    expect(existsSync(new URL(`../../${target}`, import.meta.url))).toBe(true);
    expect(bundlingOptions.esbuildArgs).toEqual({
      '--alias:@aws-sdk/credential-provider-node': target,
    });
  });
});
