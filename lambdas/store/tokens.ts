import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type { ApiToken, TokenStore } from '../domain/tokens.ts';
import { auditWrite } from './audit.ts';
import { absent, all, type Condition, exists } from './conditions.ts';
import { countOnCustomer } from './customer-counters.ts';
import { fromItem, toItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { projectsExist } from './projects.ts';
import { transact } from './transact.ts';

const item = (t: ApiToken) =>
  toItem(
    'token',
    {
      ...keys.token(t.id),
      ...keys.tokenList(t.createdAt, t.id),
      ...(t.customerId ? keys.customerTokens(t.customerId, t.createdAt, t.id) : {}),
    },
    t,
  );

const notRevoked: Condition = {
  expression: 'attribute_not_exists(#revokedAt)',
  names: { '#revokedAt': 'revokedAt' },
  values: {},
};

export const tokenStore = (db: Db, tableName: string): TokenStore => ({
  create: (token, event) =>
    transact(db, tableName, [
      ...(token.customerId ? [countOnCustomer(token.customerId, 'tokenCount', 1)] : []),
      ...(token.customerId && token.projectIds
        ? projectsExist(token.customerId, token.projectIds)
        : []),
      {
        put: item(token),
        condition: absent,
        onConflict: () => new DomainError('CONCURRENT_MODIFICATION', 'Token id collision; retry.'),
      },
      auditWrite(event),
    ]),

  get: async (tokenId) => {
    const out = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.token(tokenId), ConsistentRead: true }),
    );
    return out.Item ? fromItem<ApiToken>(out.Item) : undefined;
  },

  list: async (scope, { limit, cursor }) => {
    const page = await queryPage(db, {
      tableName,
      ...(scope.customerId
        ? { index: 'gsi2' as const, partition: keys.customerTokensPartition(scope.customerId) }
        : { index: 'gsi1' as const, partition: keys.tokenListPartition }),
      limit,
      newestFirst: true,
      ...(cursor ? { cursor } : {}),
    });
    return { items: page.items.map((i) => fromItem<ApiToken>(i)), nextCursor: page.nextCursor };
  },

  revoke: (before, after, event) =>
    transact(db, tableName, [
      {
        update: keys.token(before.id),
        set: {
          expression: 'SET #revokedAt = :revokedAt',
          names: { '#revokedAt': 'revokedAt' },
          values: { ':revokedAt': after.revokedAt },
        },
        condition: all(exists, notRevoked),
        onConflict: (old) =>
          old
            ? new DomainError('CONCURRENT_MODIFICATION', 'The token was revoked meanwhile.')
            : notFound('Token'),
      },
      ...(before.customerId ? [countOnCustomer(before.customerId, 'tokenCount', -1)] : []),
      auditWrite(event),
    ]),
});
