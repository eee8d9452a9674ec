import type { Db } from '../adapters/dynamodb.ts';
import { UpdateCommand } from '../adapters/dynamodb.ts';
import { isDomainError } from '../domain/errors.ts';
import type { CounterRepair, PoolCount, SeatUpkeepStore } from '../domain/seat-upkeep.ts';
import { all, conditionally, exists, toParams } from './conditions.ts';
import { assignmentKeys, leaseKeys, parseKeys, poolKeys, queueKeys, relayKeys } from './keys.ts';
import { countItems } from './pagination.ts';
import { poolStore } from './pools.ts';
import { queueReader } from './queues.ts';
import { relayStore, returnAllotment } from './relays.ts';
import { seatStore } from './seats.ts';

/** What the seat reaper and reconciliation read and write. */
export const seatUpkeepStore = (db: Db, tableName: string): SeatUpkeepStore => {
  const queues = queueReader(db, tableName);
  const seats = seatStore(db, tableName);
  const pools = poolStore(db, tableName);
  const relays = relayStore(db, tableName);
  return {
    async *expiredLeases(now) {
      for (const partition of queueKeys.leasePartitions) {
        for await (const entry of queues.entries(partition, { below: now.toISOString() })) {
          const lease = parseKeys.leaseEntry(entry.gsi3sk);
          if (lease) yield lease;
        }
      }
    },

    reapOrRequeue: async (queued, now) => {
      const lease = await seats.lease(queued.projectId, queued.productCode, queued.sessionId);
      if (!lease) return 'gone';
      if (new Date(lease.expiresAt) <= now) {
        // Only if no heartbeat lands between this read and the release.
        return (await seats.releaseIfUnchanged(lease, lease.expiresAt)) ? 'released' : 'gone';
      }
      const moved = await conditionally(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: leaseKeys.lease(lease.projectId, lease.productCode, lease.sessionId),
            UpdateExpression: 'SET #gsi3sk = :queued',
            ...toParams(
              all(exists, {
                expression: '#expiresAt = :seen',
                names: { '#expiresAt': 'expiresAt', '#gsi3sk': 'gsi3sk' },
                values: {
                  ':seen': lease.expiresAt,
                  ':queued': queueKeys.lease(
                    lease.projectId,
                    lease.productCode,
                    lease.sessionId,
                    lease.expiresAt,
                  ).gsi3sk,
                },
              }),
            ),
          }),
        ),
      );
      // A heartbeat that landed meanwhile left the entry where it was: the next run looks again.
      return moved ? 'requeued' : 'gone';
    },

    async *expiredAllotments(now) {
      for await (const entry of queues.entries(queueKeys.allotmentPartition, {
        below: now.toISOString(),
      })) {
        const queued = parseKeys.allotmentEntry(String(entry.gsi3sk));
        if (queued) yield queued;
      }
    },

    returnAllotment: async (queued, now) => {
      const allotment = await relays.allotment(
        queued.relayId,
        queued.projectId,
        queued.productCode,
      );
      // Renewed meanwhile (a later expiry) or given back: nothing to do.
      if (!allotment || new Date(allotment.expiresAt) > now) return false;
      try {
        await returnAllotment(db, tableName, allotment);
        return true;
      } catch (error) {
        if (isDomainError(error)) return false;
        throw error;
      }
    },

    async *pools() {
      for await (const entry of queues.entries(queueKeys.poolPartition)) {
        const pool = parseKeys.pool(entry.pk);
        if (pool) yield pool;
      }
    },

    count: async (projectId, productCode): Promise<PoolCount | undefined> => {
      const pool = await pools.get(projectId, productCode);
      if (!pool) return undefined;
      const pk = poolKeys.pool(projectId, productCode).pk;
      const [leases, assignments, allotted] = await Promise.all([
        countItems(db, tableName, pk, leaseKeys.sortPrefix),
        countItems(db, tableName, pk, assignmentKeys.sortPrefix),
        countItems(db, tableName, pk, relayKeys.allotmentSortPrefix, 'seats'),
      ]);
      // Relay allotments are seats in use too: `used` counts them (domain/relays.ts).
      return { pool, leases: leases + allotted, assignments };
    },

    repair: async (repair: CounterRepair) => {
      const version = repair.counter === 'used' ? 'seatVersion' : 'assignVersion';
      return conditionally(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: poolKeys.pool(repair.projectId, repair.productCode),
            UpdateExpression:
              'SET #counter = :value, #version = if_not_exists(#version, :zero) + :one',
            // Only if no seat moved since the count: otherwise the count may be stale.
            ConditionExpression:
              'attribute_exists(#pk) AND (#version = :seen OR (attribute_not_exists(#version) AND :seen = :zero))',
            ExpressionAttributeNames: {
              '#counter': repair.counter,
              '#version': version,
              '#pk': 'pk',
            },
            ExpressionAttributeValues: {
              ':value': repair.value,
              ':seen': repair.seenVersion,
              ':zero': 0,
              ':one': 1,
            },
          }),
        ),
      );
    },
  };
};
