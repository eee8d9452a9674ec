import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand, QueryCommand, UpdateCommand } from '../adapters/dynamodb.ts';
import type { AuditEvent } from '../domain/audit.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import type { Product } from '../domain/products.ts';
import { type Lease, pause, type SeatRef, type SeatStore } from '../domain/seats.ts';
import { auditWrite } from './audit.ts';
import { batchGet } from './batch.ts';
import { absent, all, type Condition, conditionally, conditioned, exists } from './conditions.ts';
import { fromItem, toItem } from './items.ts';
import { keys, leaseKeys, poolKeys, queueKeys } from './keys.ts';
import { countItems } from './pagination.ts';
import { poolStore, toRecord } from './pools.ts';
import { transact, type Write } from './transact.ts';

const usedBelow = (limit: number, licensesVersion: number): Condition => ({
  expression: '#used < :limit AND #licensesVersion = :licensesVersion',
  names: { '#used': 'used', '#licensesVersion': 'licensesVersion' },
  values: { ':limit': limit, ':licensesVersion': licensesVersion },
});

/**
 * Every change of `used` also moves `seatVersion`, so reconciliation can repair the counter only
 * if no seat moved between its count and its write.
 */
const bumpSeatVersion = '#seatVersion = if_not_exists(#seatVersion, :zero) + :one';

const lowerUsed = (projectId: string, productCode: string): Write => ({
  update: poolKeys.pool(projectId, productCode),
  set: {
    expression: `SET #used = #used - :one, ${bumpSeatVersion}`,
    names: { '#used': 'used', '#seatVersion': 'seatVersion' },
    values: { ':one': 1, ':zero': 0 },
  },
  condition: { expression: '#used > :zero', names: { '#used': 'used' }, values: { ':zero': 0 } },
});

const expiresAtIs = (seen: string): Condition => ({
  expression: '#expiresAt = :seen',
  names: { '#expiresAt': 'expiresAt' },
  values: { ':seen': seen },
});

const heldBy = (activationId: string): Condition => ({
  expression: '#activationId = :holder',
  names: { '#activationId': 'activationId' },
  values: { ':holder': activationId },
});

/** A release that keeps losing races on the pool item answers 409 after this many tries. */
const RELEASE_ATTEMPTS = 8;

/** GC only: DynamoDB TTL deletes long-dead leases; seats are freed by release and reclaim. */
const ttlOf = (expiresAt: string) => Math.floor(new Date(expiresAt).getTime() / 1000) + 86_400;

export const seatStore = (db: Db, tableName: string): SeatStore => {
  const pools = poolStore(db, tableName);
  /**
   * False only when the lease is gone (or held by another instance, or heartbeated since): a
   * transaction that lost a race on the pool item wrote nothing, so it is tried again.
   */
  const release = async (
    lease: SeatRef,
    onlyIfExpiresAt?: string,
    event?: AuditEvent,
  ): Promise<boolean> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await transact(db, tableName, [
          {
            remove: leaseKeys.lease(lease.projectId, lease.productCode, lease.sessionId),
            condition: all(
              exists,
              ...(onlyIfExpiresAt ? [expiresAtIs(onlyIfExpiresAt)] : []),
              ...(lease.activationId ? [heldBy(lease.activationId)] : []),
            ),
            onConflict: () => new DomainError('NOT_FOUND', 'The lease is gone.'),
          },
          lowerUsed(lease.projectId, lease.productCode),
          ...(event ? [auditWrite(event)] : []),
        ]);
        return true;
      } catch (error) {
        if (!isDomainError(error)) throw error;
        if (error.code === 'NOT_FOUND') return false;
        if (error.code !== 'CONCURRENT_MODIFICATION' || attempt >= RELEASE_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  };

  return {
    pool: (projectId, productCode) => pools.get(projectId, productCode),

    poolWithProduct: async (projectId, productCode) => {
      const poolKey = poolKeys.pool(projectId, productCode);
      const items = await batchGet(db, tableName, [poolKey, keys.product(productCode)]);
      const pool = items.find((i) => i.pk === poolKey.pk && i.sk === poolKey.sk);
      const product = items.find((i) => i !== pool);
      return {
        pool: pool ? toRecord(pool) : undefined,
        product: product ? fromItem<Product>(product) : undefined,
      };
    },

    lease: async (projectId, productCode, sessionId) => {
      const out = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: leaseKeys.lease(projectId, productCode, sessionId),
          ConsistentRead: true,
        }),
      );
      return out.Item ? fromItem<Lease>(out.Item) : undefined;
    },

    checkout: (lease, limit, licensesVersion) =>
      transact(db, tableName, [
        {
          update: poolKeys.pool(lease.projectId, lease.productCode),
          set: {
            expression: `SET #used = #used + :one, ${bumpSeatVersion}`,
            names: { '#used': 'used', '#seatVersion': 'seatVersion' },
            values: { ':one': 1, ':zero': 0 },
          },
          condition: all(exists, usedBelow(limit, licensesVersion)),
          onConflict: (old) =>
            old && Number(old.licensesVersion) === licensesVersion
              ? new DomainError('POOL_FULL', 'Every seat of this pool is in use.', {
                  used: Number(old.used),
                  limit,
                })
              : new DomainError('CONCURRENT_MODIFICATION', 'The pool’s licenses changed; retry.'),
        },
        {
          put: toItem(
            'lease',
            leaseKeys.lease(lease.projectId, lease.productCode, lease.sessionId),
            lease,
            {
              ttl: ttlOf(lease.expiresAt),
              ...queueKeys.lease(
                lease.projectId,
                lease.productCode,
                lease.sessionId,
                lease.expiresAt,
              ),
            },
          ),
          condition: absent,
          // The lease as it is (ALL_OLD), so the checkout needs no read to decide.
          onConflict: (old) =>
            new DomainError(
              'ALREADY_EXISTS',
              'This session holds a seat already.',
              old ? { lease: fromItem<Lease>(old) } : {},
            ),
        },
      ]),

    release: (lease, event) => release(lease, undefined, event),

    releaseIfUnchanged: (lease, seenExpiresAt) => release(lease, seenExpiresAt),

    reclaimExpired: async (projectId, productCode, now) => {
      const out = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          FilterExpression: '#expiresAt < :now',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':pk': poolKeys.pool(projectId, productCode).pk,
            ':prefix': leaseKeys.sortPrefix,
            ':now': now.toISOString(),
          },
          ConsistentRead: true,
        }),
      );
      let freed = 0;
      for (const item of out.Items ?? []) {
        const lease = fromItem<Lease>(item);
        if (await release(lease, lease.expiresAt)) freed++;
      }
      return freed;
    },

    heartbeat: (lease, at, expiresAt) =>
      conditionally(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: leaseKeys.lease(lease.projectId, lease.productCode, lease.sessionId),
            // The lease only: no index key moves, so a heartbeat costs one write unit. The queue
            // entry keeps its older expiry; the reaper re-queues live leases (seat-upkeep).
            UpdateExpression: 'SET #expiresAt = :expiresAt, #heartbeatAt = :at, #ttl = :ttl',
            ...conditioned(exists, {
              names: { '#expiresAt': 'expiresAt', '#heartbeatAt': 'heartbeatAt', '#ttl': 'ttl' },
              values: { ':expiresAt': expiresAt, ':at': at, ':ttl': ttlOf(expiresAt) },
            }),
          }),
        ),
      ),
  };
};

/** The leases of a pool as stored (expired ones too, until freed). */
export const countLeases = (db: Db, tableName: string, projectId: string, productCode: string) =>
  countItems(db, tableName, poolKeys.pool(projectId, productCode).pk, leaseKeys.sortPrefix);
