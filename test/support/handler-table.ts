import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import { createToken } from '../../lambdas/domain/tokens.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { createTestTable } from './table.ts';

/**
 * For a file that calls the handlers (through `invoke`): its own table on the shared DynamoDB
 * Local, the handlers pointed at it, its stores, and a vendor-admin token. Registered first, so
 * the file's own `beforeAll` can use `ready()`.
 */
export const useHandlerTable = () => {
  let state: { table: Awaited<ReturnType<typeof createTestTable>>; stores: Stores; admin: string };
  beforeAll(async () => {
    const table = await createTestTable();
    process.env.TABLE_NAME = table.tableName;
    // Attachments land in a folder of this file's own, never in the repository's `.tessera`.
    process.env.FILES_DIR ??= mkdtempSync(join(tmpdir(), 'tessera-files-'));
    process.env.DYNAMODB_ENDPOINT = table.endpoint;
    const stores = createStores(table.db, table.tableName);
    const ctx = {
      principal: { kind: 'system' as const, name: 'test' },
      now: new Date(),
      ids: idGenerator(),
    };
    const { token } = await createToken(stores.tokens, tokenSecrets, ctx, {
      name: 'admin',
      role: 'vendor-admin',
    });
    state = { table, stores, admin: token };
  });
  return () => {
    if (!state) throw new Error('the table is not ready yet');
    return state;
  };
};
