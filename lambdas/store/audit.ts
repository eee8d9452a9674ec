import type { Db } from '../adapters/dynamodb.ts';
import type { AuditEvent, AuditQuery } from '../domain/audit.ts';
import type { Page } from '../domain/common.ts';
import { absent } from './conditions.ts';
import { fromItem, toItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './pagination.ts';
import type { Write } from './transact.ts';

/** Audit events are written inside the same transaction as the change they describe. */
export const auditWrite = (event: AuditEvent): Write => ({
  put: toItem(
    'audit',
    {
      ...keys.auditEvent(event.entityType, event.entityId, event.at, event.id),
      ...(event.customerId ? keys.customerAudit(event.customerId, event.at, event.id) : {}),
    },
    event,
  ),
  condition: absent,
});

export interface AuditStore {
  list(query: AuditQuery & { customerScope?: string }): Promise<Page<AuditEvent>>;
}

export const auditStore = (db: Db, tableName: string): AuditStore => ({
  list: async (query) => {
    const base = {
      tableName,
      limit: query.limit,
      newestFirst: true,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    };
    const customerId = query.customerScope ?? query.customerId;
    const page =
      query.entityType && query.entityId
        ? await queryPage(db, {
            ...base,
            partition: keys.auditEntityPartition(query.entityType, query.entityId),
          })
        : customerId
          ? await queryPage(db, {
              ...base,
              index: 'gsi2',
              partition: keys.customerAuditPartition(customerId),
            })
          : await queryPage(db, { ...base, index: 'gsi1', partition: keys.auditListPartition });
    return { items: page.items.map((i) => fromItem<AuditEvent>(i)), nextCursor: page.nextCursor };
  },
});
