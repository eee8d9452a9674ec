import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand, UpdateCommand } from '../adapters/dynamodb.ts';
import type { Page } from '../domain/common.ts';
import { DomainError } from '../domain/errors.ts';
import type { Allotment, Relay, RelayStore } from '../domain/relays.ts';
import type { PoolState } from '../domain/seats.ts';
import { auditWrite } from './audit.ts';
import { batchGet } from './batch.ts';
import { absent, all, type Condition, conditioned, exists } from './conditions.ts';
import { fromItem, type Item, toItem } from './items.ts';
import { poolKeys, queueKeys, relayKeys } from './keys.ts';
import { type PageRequest, queryPage } from './pagination.ts';
import { transact, type Write } from './transact.ts';

const raced = () =>
  new DomainError('CONCURRENT_MODIFICATION', 'The pool changed meanwhile; try again.');

/** The allotment exactly as it was read: a concurrent renewal or expiry makes the write lose. */
const unchanged = (a: Allotment): Condition => ({
  expression: '#seats = :seenSeats AND #expiresAt = :seenExpiry',
  names: { '#seats': 'seats', '#expiresAt': 'expiresAt' },
  values: { ':seenSeats': a.seats, ':seenExpiry': a.expiresAt },
});

/** Room for `delta` more seats under `limit`, with the pool's licenses as they were read. */
const roomFor = (delta: number, limit: number, licensesVersion: number): Condition => ({
  expression: '#used <= :maxBefore AND #licensesVersion = :seenLicenses',
  names: { '#used': 'used', '#licensesVersion': 'licensesVersion' },
  values: { ':maxBefore': limit - delta, ':seenLicenses': licensesVersion },
});

const enough = (seats: number): Condition => ({
  expression: '#used >= :giveBack',
  names: { '#used': 'used' },
  values: { ':giveBack': seats },
});

/** `used` moves by `delta`, and `seatVersion` with it (reconciliation's guard, as for leases). */
const moveUsed = (projectId: string, productCode: string, delta: number, condition: Condition) => ({
  update: poolKeys.pool(projectId, productCode),
  set: {
    expression:
      'SET #used = #used + :delta, #seatVersion = if_not_exists(#seatVersion, :zero) + :one',
    names: { '#used': 'used', '#seatVersion': 'seatVersion' },
    values: { ':delta': delta, ':zero': 0, ':one': 1 },
  },
  condition: all(exists, condition),
  onConflict: raced,
});

const allotmentItem = (a: Allotment) =>
  toItem(
    'allotment',
    {
      ...relayKeys.allotment(a.projectId, a.productCode, a.relayId),
      ...relayKeys.ofRelay(a.relayId, a.projectId, a.productCode),
      ...queueKeys.allotment(a.expiresAt, a.projectId, a.productCode, a.relayId),
    },
    a,
  );

/** Gives an allotment's seats back to its pool, only if it is still as read: one transaction. */
export const returnAllotment = (db: Db, tableName: string, a: Allotment) =>
  transact(db, tableName, [
    {
      remove: relayKeys.allotment(a.projectId, a.productCode, a.relayId),
      condition: all(exists, unchanged(a)),
      onConflict: raced,
    },
    moveUsed(a.projectId, a.productCode, -a.seats, enough(a.seats)),
  ]);

export const relayStore = (db: Db, tableName: string): RelayStore => {
  /** Every item of a small listing (a project's relays, a pool's allotments), page by page. */
  const allOf = async (request: Omit<PageRequest, 'tableName' | 'limit' | 'cursor'>) => {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Item> = await queryPage(db, {
        ...request,
        tableName,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };

  const allotment = async (relayId: string, projectId: string, productCode: string) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: relayKeys.allotment(projectId, productCode, relayId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<Allotment>(out.Item) : undefined;
  };

  return {
    create: (relay, event) =>
      transact(db, tableName, [
        {
          put: toItem(
            'relay',
            {
              ...relayKeys.relay(relay.id),
              ...relayKeys.byProject(relay.projectId, relay.createdAt, relay.id),
              ...relayKeys.everywhere(relay.createdAt, relay.id),
            },
            relay,
          ),
          condition: absent,
        },
        auditWrite(event),
      ]),

    get: async (relayId) => {
      const out = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: relayKeys.relay(relayId),
          ConsistentRead: true,
        }),
      );
      return out.Item ? fromItem<Relay>(out.Item) : undefined;
    },

    list: async ({ limit, cursor }) => {
      const page = await queryPage(db, {
        tableName,
        index: 'gsi2',
        partition: relayKeys.everywherePartition,
        limit,
        newestFirst: true,
        ...(cursor ? { cursor } : {}),
      });
      return { items: page.items.map((i) => fromItem<Relay>(i)), nextCursor: page.nextCursor };
    },

    listByProject: async (projectId) =>
      (await allOf({ index: 'gsi1', partition: relayKeys.projectPartition(projectId) })).map((i) =>
        fromItem<Relay>(i),
      ),

    // The index is eventually consistent: the allotments it lists are read again, consistently.
    allotmentsOf: async (relayId) => {
      const listed = await allOf({ index: 'gsi1', partition: relayKeys.relayPartition(relayId) });
      const keys = listed.map((entry) => {
        const a = fromItem<Allotment>(entry);
        return relayKeys.allotment(a.projectId, a.productCode, a.relayId);
      });
      return (await batchGet(db, tableName, keys)).map((i) => fromItem<Allotment>(i));
    },

    allotment,

    allotmentsOfPool: async (projectId, productCode) =>
      (
        await allOf({
          partition: poolKeys.pool(projectId, productCode).pk,
          sortPrefix: relayKeys.allotmentSortPrefix,
        })
      ).map((i) => fromItem<Allotment>(i)),

    setAllotment: async (previous, next, limit, pool: PoolState) => {
      const delta = next.seats - (previous?.seats ?? 0);
      const writes: Write[] = [];
      if (delta > 0) {
        writes.push(
          moveUsed(
            next.projectId,
            next.productCode,
            delta,
            roomFor(delta, limit, pool.licensesVersion),
          ),
        );
      } else if (delta < 0) {
        writes.push(moveUsed(next.projectId, next.productCode, delta, enough(-delta)));
      }
      const key = relayKeys.allotment(next.projectId, next.productCode, next.relayId);
      if (next.seats > 0) {
        writes.push({
          put: allotmentItem(next),
          condition: previous ? all(exists, unchanged(previous)) : absent,
          onConflict: raced,
        });
      } else if (previous) {
        writes.push({
          remove: key,
          condition: all(exists, unchanged(previous)),
          onConflict: raced,
        });
      }
      if (writes.length > 0) await transact(db, tableName, writes);
    },

    // The allotments stay until they run out: the relay may still be serving them, and the
    // reaper returns them then. The credential stops working at once.
    remove: (relay, event) =>
      transact(db, tableName, [
        { remove: relayKeys.relay(relay.id), condition: exists },
        auditWrite(event),
      ]),

    contact: async (relay, at, report) => {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: relayKeys.relay(relay.id),
          // The vendor-wide listing's keys too: a relay made before that listing joins it here.
          UpdateExpression:
            'SET #lastContactAt = :at, #report = :report, #gsi2pk = :gsi2pk, #gsi2sk = :gsi2sk',
          ...conditioned(exists, {
            names: {
              '#lastContactAt': 'lastContactAt',
              '#report': 'report',
              '#gsi2pk': 'gsi2pk',
              '#gsi2sk': 'gsi2sk',
            },
            values: {
              ':at': at,
              ':report': report,
              ...Object.fromEntries(
                Object.entries(relayKeys.everywhere(relay.createdAt, relay.id)).map(([k, v]) => [
                  `:${k}`,
                  v,
                ]),
              ),
            },
          }),
        }),
      );
    },
  };
};
