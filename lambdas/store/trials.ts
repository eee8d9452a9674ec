import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import type { AuditEvent } from '../domain/audit.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import {
  alreadyUsed,
  type IssuedTrialLicense,
  notPending,
  type Trial,
  type TrialStore,
} from '../domain/trials.ts';
import { auditWrite } from './audit.ts';
import { absent, all, attributeIn, attributeIs, exists, versionIs } from './conditions.ts';
import { countOnCustomer } from './customer-counters.ts';
import { fromItem, type Item, toItem } from './items.ts';
import { trialKeys } from './keys.ts';
import { issueWrites } from './licenses.ts';
import { queryPage } from './pagination.ts';
import { transact, type Write } from './transact.ts';
import { noticeItem } from './upkeep.ts';

const trialItem = (t: Trial) =>
  toItem(
    'trial',
    {
      ...trialKeys.trial(t.customerId, t.productCode),
      ...trialKeys.byStatus(t.status, t.requestedAt, t.customerId, t.productCode),
    },
    t,
  );

const licenseWrites = (issued?: IssuedTrialLicense): Write[] =>
  issued ? issueWrites(issued.license, issued.event, issued.notice) : [];

const trialsOf = (page: { items: Item[]; nextCursor: string | null }) => ({
  items: page.items.map((i) => fromItem<Trial>(i)),
  nextCursor: page.nextCursor,
});

export const trialStore = (db: Db, tableName: string): TrialStore => ({
  get: async (customerId, productCode) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: trialKeys.trial(customerId, productCode),
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<Trial>(out.Item) : undefined;
  },

  create: (trial: Trial, event: AuditEvent, issued?: IssuedTrialLicense) =>
    transact(db, tableName, [
      {
        put: trialItem(trial),
        condition: absent,
        // Two requests racing for the same product: the loser learns what the winner made.
        onConflict: (old) => (old ? alreadyUsed(fromItem<Trial>(old)) : alreadyUsed(trial)),
      },
      auditWrite(event),
      ...licenseWrites(issued),
      ...(trial.status === 'pending'
        ? [countOnCustomer(trial.customerId, 'pendingTrialCount', 1)]
        : []),
    ]),

  decide: (before, after, event, { issued, notice }) =>
    transact(db, tableName, [
      {
        put: trialItem(after),
        condition: all(exists, versionIs(before.version), attributeIs('status', 'pending')),
        onConflict: (old) => {
          if (!old) return notFound('Trial');
          const status = fromItem<Trial>(old).status;
          return status === 'pending'
            ? new DomainError('CONCURRENT_MODIFICATION', 'The trial changed meanwhile; retry.')
            : notPending(status);
        },
      },
      auditWrite(event),
      ...licenseWrites(issued),
      ...(notice ? [{ put: noticeItem(notice), condition: absent }] : []),
      countOnCustomer(before.customerId, 'pendingTrialCount', -1),
    ]),

  listForCustomer: async (customerId, { limit, cursor, projectIn }) =>
    trialsOf(
      await queryPage(db, {
        tableName,
        partition: trialKeys.customerPartition(customerId),
        sortPrefix: trialKeys.sortPrefix,
        ...(projectIn ? { filter: attributeIn('projectId', projectIn) } : {}),
        limit,
        ...(cursor ? { cursor } : {}),
      }),
    ),

  listByStatus: async (status, { limit, cursor }) =>
    trialsOf(
      await queryPage(db, {
        tableName,
        index: 'gsi1',
        partition: trialKeys.statusPartition(status),
        limit,
        ...(cursor ? { cursor } : {}),
      }),
    ),
});
