import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_KIB, buildFunction, lambdaFunctions } from '../../bench/bundles.ts';
import { jobNames } from '../../lambdas/jobs/catalog.ts';
import { groups } from '../../lambdas/routes.ts';

/** Every function's bundle, built as CDK builds it (same options), with what went into it. */
const functions = lambdaFunctions();

const built = new Map<string, { bytes: number; inputs: string[] }>();

beforeAll(async () => {
  await Promise.all(
    functions.map(async ({ name, entry }) => {
      const result = await buildFunction(entry, { write: false });
      const output = Object.values((result.metafile as Metafile).outputs)[0];
      built.set(name, {
        bytes: output?.bytes ?? 0,
        inputs: Object.keys(output?.inputs ?? {}),
      });
    }),
  );
}, 120_000);

const inputsOf = (name: string) => built.get(name)?.inputs ?? [];

describe('function bundles', () => {
  it.each(functions.map((f) => f.name))(
    `%s stays within ${BUNDLE_BUDGET_KIB} KiB minified`,
    (name) => {
      expect((built.get(name)?.bytes ?? Infinity) / 1024).toBeLessThanOrEqual(BUNDLE_BUDGET_KIB);
    },
  );

  it('carry no AWS SDK client: the functions call AWS through lambdas/adapters/aws', () => {
    for (const { name } of functions) {
      const sdk = inputsOf(name).filter((i) =>
        /node_modules\/@aws-sdk\/client-|@smithy\/core/.test(i),
      );
      expect(sdk, name).toEqual([]);
    }
  });

  it("hold their own group's HTTP module and route file, and no other group's", () => {
    for (const group of Object.keys(groups)) {
      const others = Object.keys(groups).filter((g) => g !== group);
      const foreign = inputsOf(group).filter((i) =>
        others.some((g) => i === `lambdas/http/${g}.ts` || i === `lambdas/routes/${g}.ts`),
      );
      expect(inputsOf(group)).toContain(`lambdas/routes/${group}.ts`);
      // The meta function serves the OpenAPI document, so it alone reads every route file.
      if (group === 'meta') continue;
      expect(foreign, group).toEqual([]);
    }
  });

  it('sign only in the instance and relay functions, send e-mail only where codes, invitations or notices go out, and administer accounts only in people', () => {
    const holding = (file: string) =>
      functions.map((f) => f.name).filter((name) => inputsOf(name).includes(file));
    expect(holding('lambdas/wiring/signing.ts')).toEqual(['instance', 'relay']);
    expect(holding('lambdas/wiring/mailing.ts')).toEqual([
      'activation',
      'people',
      'job notifications',
    ]);
    expect(holding('lambdas/wiring/people-deps.ts')).toEqual(['people']);
  });

  it('leave jobs free of HTTP code', () => {
    for (const job of jobNames) {
      expect(inputsOf(`job ${job}`).filter((i) => i.startsWith('lambdas/http/'))).toEqual([]);
    }
  });

  it('build no code at run time while a function starts: zod parses its config jitless', async () => {
    // Arrange: the licenses function as CDK builds it, and a Function constructor that counts.
    const dir = mkdtempSync(join(tmpdir(), 'tessera-jitless-'));
    try {
      const outfile = join(dir, 'licenses.mjs');
      await buildFunction('lambdas/http/licenses.ts', { outfile });
      const script = `let built = 0;
        globalThis.Function = new Proxy(Function, {
          construct: (target, args) => { built++; return Reflect.construct(target, args); },
          apply: (target, self, args) => { built++; return Reflect.apply(target, self, args); },
        });
        const { handler } = await import(${JSON.stringify(outfile)});
        console.log(JSON.stringify({ built, handler: typeof handler }));`;
      // Act: the cold start, which parses the environment with zod.
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, POWERTOOLS_TRACE_ENABLED: 'false', AWS_REGION: 'us-east-1' },
        encoding: 'utf8',
      });
      // Assert
      expect(JSON.parse(out.trim().split('\n').pop() ?? '{}')).toEqual({
        built: 0,
        handler: 'function',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
