import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../adapters/dynamodb.ts';
import type {
  CounterRepair,
  ExpiredLease,
  PoolCount,
  SeatUpkeepStore,
} from '../domain/seat-upkeep.ts';
import { assignmentKeys, leaseKeys, poolKeys, queueKeys } from './keys.ts';
import { poolStore } from './pools.ts';
import { queueReader } from './queues.ts';
import { seatStore } from './seats.ts';

/** `<expiresAt>#<projectId>#<productCode>#<sessionId>`: session ids may themselves hold `#`. */
const parseLeaseEntry = (gsi3sk: string): ExpiredLease | undefined => {
  const [expiresAt, projectId, productCode, ...rest] = gsi3sk.split('#');
  if (!expiresAt || !projectId || !productCode || rest.length === 0) return undefined;
  return { expiresAt, projectId, productCode, sessionId: rest.join('#') };
};

const parsePoolKey = (pk: string) => {
  const [, projectId, productCode] = pk.split('#');
  return projectId && productCode ? { projectId, productCode } : undefined;
};

const countIn = async (db: Db, tableName: string, pk: string, prefix: string) => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        Select: 'COUNT',
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
};

/** What the seat reaper and reconciliation read and write. */
export const seatUpkeepStore = (db: Db, tableName: string): SeatUpkeepStore => {
  const queues = queueReader(db, tableName);
  const seats = seatStore(db, tableName);
  const pools = poolStore(db, tableName);
  return {
    async *expiredLeases(now) {
      for (const partition of queueKeys.leasePartitions) {
        for await (const entry of queues.entries(partition, { below: now.toISOString() })) {
          const lease = parseLeaseEntry(entry.gsi3sk);
          if (lease) yield lease;
        }
      }
    },

    releaseExpired: (lease) => seats.releaseIfUnchanged(lease, lease.expiresAt),

    async *pools() {
      for await (const entry of queues.entries(queueKeys.poolPartition)) {
        const pool = parsePoolKey(entry.pk);
        if (pool) yield pool;
      }
    },

    count: async (projectId, productCode): Promise<PoolCount | undefined> => {
      const pool = await pools.get(projectId, productCode);
      if (!pool) return undefined;
      const pk = poolKeys.pool(projectId, productCode).pk;
      const [leases, assignments] = await Promise.all([
        countIn(db, tableName, pk, leaseKeys.sortPrefix),
        countIn(db, tableName, pk, assignmentKeys.sortPrefix),
      ]);
      return { pool, leases, assignments };
    },

    repair: async (repair: CounterRepair) => {
      const version = repair.counter === 'used' ? 'seatVersion' : 'assignVersion';
      try {
        await db.send(
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
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
};
