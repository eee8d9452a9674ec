import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import { createToken } from '../../lambdas/domain/tokens.ts';
import { createStores } from '../../lambdas/store/index.ts';
import { invoke } from '../support/invoke.ts';
import { createTestTable } from '../support/table.ts';

const lines: string[] = [];
const capture = (chunk: unknown) => {
  lines.push(String(chunk));
  return true;
};

beforeAll(async () => {
  const table = await createTestTable();
  process.env.TABLE_NAME = table.tableName;
  process.env.DYNAMODB_ENDPOINT = table.endpoint;
  // The most talkative setting: if a secret were logged anywhere, it would be logged here.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const stores = createStores(table.db, table.tableName);
  const ctx = {
    principal: { kind: 'system' as const, name: 'test' },
    now: new Date(),
    ids: idGenerator(),
  };
  secrets.push(
    (await createToken(stores.tokens, tokenSecrets, ctx, { name: 'a', role: 'vendor-admin' }))
      .token,
  );
});

afterAll(() => vi.restoreAllMocks());

const secrets: string[] = [];

describe('logs', () => {
  it('carry request id, operation and principal but never a token, in success or failure', async () => {
    const admin = secrets[0] as string;
    const created = await invoke('POST', '/tokens', {
      token: admin,
      body: { name: 'b', role: 'vendor-support' },
    });
    secrets.push(created.json.token as string);
    await invoke('GET', '/products', { token: created.json.token as string });
    await invoke('GET', '/products', { token: `${admin}tampered` });
    await invoke('POST', '/products', {
      token: admin,
      rawBody: '{"code":',
      headers: { 'content-type': 'application/json' },
    });

    const output = lines.join('');
    expect(output).toContain('"operation":"listProducts"');
    expect(output).toContain('"principal":{"tokenId"');
    expect(output).toContain('"code":"UNAUTHENTICATED"');
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.slice(-43));
      expect(output).not.toContain(tokenSecrets.hash(secret));
    }
    expect(output).not.toMatch(/tsr_[0-9a-z]{16}_[A-Za-z0-9_-]{43}/);
  });
});
