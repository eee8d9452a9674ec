import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { generateSigningKeyPem } from '../../lambdas/adapters/signer-local.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import { createToken } from '../../lambdas/domain/tokens.ts';
import { createStores } from '../../lambdas/store/index.ts';
import { type FakeAws, startFakeAws } from './fake-aws.ts';
import { createTestTable } from './table.ts';

/**
 * The handlers configured as in AWS (SES at a fake endpoint, no outbox, metrics on, logs at DEBUG) for one
 * test file, with everything they write to stdout and stderr captured in `lines`, and a
 * vendor-admin token. Set before the first handler loads: Powertools reads the environment when
 * its objects are built.
 */
export const useAwsConfiguredHandlers = () => {
  const lines: string[] = [];
  const state: {
    admin: string;
    table?: Awaited<ReturnType<typeof createTestTable>>;
    ses?: FakeAws;
  } = { admin: '' };
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  beforeAll(async () => {
    const table = await createTestTable();
    state.table = table;
    const ses = await startFakeAws();
    state.ses = ses;
    ses.on('SendEmail', () => ({ MessageId: 'm-1' }));
    const dir = await mkdtemp(join(tmpdir(), 'tessera-keys-'));
    const keyFile = join(dir, 'signing-key.pem');
    await writeFile(keyFile, generateSigningKeyPem());
    Object.assign(process.env, {
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: table.endpoint,
      SIGNING_KEY_FILE: keyFile,
      SENDER_ADDRESS: 'licensing@vendor.example',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      POWERTOOLS_METRICS_DISABLED: 'false',
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    });
    const stores = createStores(table.db, table.tableName);
    const ctx = {
      principal: { kind: 'system' as const, name: 'test' },
      now: new Date(),
      ids: idGenerator(),
    };
    state.admin = (
      await createToken(stores.tokens, tokenSecrets, ctx, { name: 'a', role: 'vendor-admin' })
    ).token;
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    delete process.env.AWS_ENDPOINT_URL_SESV2;
    await state.ses?.close();
  });
  const table = () => {
    if (!state.table) throw new Error('the table is not created yet');
    return state.table;
  };
  const ses = () => {
    if (!state.ses) throw new Error('the fake SES is not started yet');
    return state.ses;
  };
  /** The TemplateData of every e-mail sent through SES so far, oldest first. */
  const mailed = () =>
    ses()
      .callsOf('SendEmail')
      .map((c) => {
        const content = c.input.Content as { Template?: { TemplateData?: string } } | undefined;
        return content?.Template?.TemplateData ?? '';
      });
  return { lines, ses, mailed, admin: () => state.admin, table };
};
