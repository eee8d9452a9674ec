import { type FullestPools, type FullPool, fullestOf } from './dashboard.ts';
import { drain, type Progress } from './job-progress.ts';
import { type Aggregation, poolLimit } from './pools.ts';
import type { Allotment } from './relays.ts';

export type QueuedAllotment = Pick<
  Allotment,
  'relayId' | 'projectId' | 'productCode' | 'expiresAt'
>;

import type { PoolState } from './seats.ts';

/**
 * Seat upkeep, run by jobs: the reaper frees leases that ran out without a release (a crashed
 * instance), and reconciliation recounts each pool's leases and assignments and repairs a counter
 * that drifted. Neither is needed for correctness of a checkout (a full pool reclaims expired
 * leases itself); they keep the counters honest and the entitlements view current.
 */
export interface ExpiredLease {
  projectId: string;
  productCode: string;
  sessionId: string;
  expiresAt: string;
}

export interface PoolCount {
  pool: PoolState & { customerId: string };
  leases: number;
  assignments: number;
}

export interface CounterRepair {
  projectId: string;
  productCode: string;
  counter: 'used' | 'assigned';
  value: number;
  /** The version read with the count; the repair is skipped if it moved. */
  seenVersion: number;
}

export interface SeatUpkeepStore {
  /** Leases queued with an expiry before `now` (heartbeats do not move a lease in the queue). */
  expiredLeases(now: Date): AsyncIterable<ExpiredLease>;
  /**
   * Frees the lease if it really ran out (no heartbeat moved its expiry past `now`), else moves
   * its queue entry to the expiry its heartbeats gave it; `gone` when it was released meanwhile.
   */
  reapOrRequeue(lease: ExpiredLease, now: Date): Promise<'released' | 'requeued' | 'gone'>;
  /** Relay allotments queued with an expiry before `now` (the queue follows renewals). */
  expiredAllotments(now: Date): AsyncIterable<QueuedAllotment>;
  /** Returns the allotment's seats to its pool if it really ran out; false if renewed or gone. */
  returnAllotment(queued: QueuedAllotment, now: Date): Promise<boolean>;
  pools(): AsyncIterable<{ projectId: string; productCode: string }>;
  count(projectId: string, productCode: string): Promise<PoolCount | undefined>;
  repair(repair: CounterRepair): Promise<boolean>;
}

/**
 * Heartbeats write only the lease, never its queue entry (an index key that moved would cost
 * two more writes on every heartbeat). So a queued expiry may be stale: the reaper frees the
 * leases that really ran out and re-queues the live ones once per lease length.
 */
export const reapSeats = async (store: SeatUpkeepStore, now: Date, progress: Progress) => {
  let requeued = 0;
  const tally = await drain(store.expiredLeases(now), progress, async (lease, t) => {
    const outcome = await store.reapOrRequeue(lease, now);
    if (outcome === 'released') t.changed++;
    if (outcome === 'requeued') requeued++;
  });
  // Allotments a relay stopped renewing: their seats go back to the pool by themselves.
  let allotmentsReturned = 0;
  if (!tally.truncated) {
    await drain(
      store.expiredAllotments(now),
      progress,
      async (a, t) => {
        if (await store.returnAllotment(a, now)) {
          allotmentsReturned++;
          t.changed++;
        }
      },
      tally,
    );
  }
  return { ...tally, details: { requeued, allotmentsReturned } };
};

export interface Drift {
  projectId: string;
  productCode: string;
  counter: 'used' | 'assigned';
  stored: number;
  counted: number;
  repaired: boolean;
}

/**
 * Recounts every pool. A counter that disagrees with its items is set to the count, on the
 * condition that nothing moved since the count; a pool that was busy is looked at next run.
 */
export const reconcileSeats = async (
  store: SeatUpkeepStore,
  aggregationOf: (productCode: string) => Promise<Aggregation>,
  now: Date,
  progress: Progress,
  /** Keeps the fullest pools for the dashboard, after a pass that saw every pool. */
  saveFullest?: (snapshot: FullestPools) => Promise<void>,
) => {
  const drifts: Drift[] = [];
  let utilisationMax = 0;
  let fullest: FullPool[] = [];
  const tally = await drain(store.pools(), progress, async ({ projectId, productCode }, t) => {
    const counted = await store.count(projectId, productCode);
    if (!counted) return;
    const { pool } = counted;
    const checks = [
      {
        counter: 'used' as const,
        stored: pool.used,
        counted: counted.leases,
        seen: pool.seatVersion,
      },
      {
        counter: 'assigned' as const,
        stored: pool.assigned,
        counted: counted.assignments,
        seen: pool.assignVersion,
      },
    ];
    for (const check of checks) {
      if (check.stored === check.counted) continue;
      const repaired = await store.repair({
        projectId,
        productCode,
        counter: check.counter,
        value: check.counted,
        seenVersion: check.seen,
      });
      drifts.push({
        projectId,
        productCode,
        counter: check.counter,
        stored: check.stored,
        counted: check.counted,
        repaired,
      });
      if (repaired) t.changed++;
    }
    const limit = poolLimit(pool.licenses, await aggregationOf(productCode), now);
    const inUse = Math.max(counted.leases, counted.assignments);
    if (limit === 0) return;
    const share = inUse / limit;
    utilisationMax = Math.max(utilisationMax, Math.round(share * 100));
    fullest = fullestOf(fullest, {
      customerId: pool.customerId,
      projectId,
      productCode,
      used: inUse,
      limit,
      utilisation: Math.round(share * 1000) / 1000,
    });
  });
  if (saveFullest && !tally.truncated) await saveFullest({ at: now.toISOString(), items: fullest });
  return {
    ...tally,
    details: {
      drifted: drifts.length,
      repaired: drifts.filter((d) => d.repaired).length,
      utilisationMaxPercent: utilisationMax,
    },
    drifts,
  };
};
