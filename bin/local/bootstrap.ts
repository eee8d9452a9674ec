import { documentClient } from '../../lambdas/adapters/dynamodb.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import { createToken } from '../../lambdas/domain/tokens.ts';
import { createStores } from '../../lambdas/store/index.ts';
import { readStateRecord, type StatePaths, writeStateRecord } from './state.ts';

export { loadOrCreateLocalSigningKey } from '../../lambdas/adapters/signer-local.ts';

/**
 * Mints the first vendor-admin token when the table holds no token at all. The secret is returned
 * to be shown once; state.json records only which token it was.
 */
export const bootstrapAdmin = async (paths: StatePaths, endpoint: string, tableName: string) => {
  const db = documentClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
  try {
    const { tokens } = createStores(db, tableName);
    const existing = await tokens.list({}, { limit: 1 });
    if (existing.items.length > 0) return undefined;
    const now = new Date();
    const created = await createToken(
      tokens,
      tokenSecrets,
      { principal: { kind: 'system', name: 'local-bootstrap' }, now, ids: idGenerator() },
      { name: 'local bootstrap admin', role: 'vendor-admin' },
    );
    const record = await readStateRecord(paths);
    await writeStateRecord(paths, {
      version: 1,
      createdAt: record?.createdAt ?? now.toISOString(),
      tableName,
      bootstrap: {
        tokenId: created.id,
        name: created.name,
        role: created.role,
        createdAt: now.toISOString(),
      },
    });
    return created.token;
  } finally {
    db.destroy();
  }
};
