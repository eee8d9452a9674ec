import { z } from 'zod';
import { DomainError, isDomainError } from './errors.ts';
import { type Aggregation, type PoolLicense, poolLimit } from './pools.ts';

/**
 * Concurrent seats. A checkout computes the pool's limit at the moment of the request from the
 * pool's own license entries, then one transaction raises `used` only while it is below that
 * limit and the entries are unchanged, and writes the lease. Heartbeats touch only the lease.
 */
export interface Lease {
  projectId: string;
  productCode: string;
  sessionId: string;
  userId: string;
  activationId: string;
  since: string;
  heartbeatAt: string;
  expiresAt: string;
}

/** A seat as its holder names it; with `activationId`, only that instance's lease matches. */
export type SeatRef = Pick<Lease, 'projectId' | 'productCode' | 'sessionId'> & {
  activationId?: string;
};

export interface PoolState {
  used: number;
  licensesVersion: number;
  licenses: PoolLicense[];
}

export interface SeatStore {
  pool(projectId: string, productCode: string): Promise<PoolState | undefined>;
  lease(projectId: string, productCode: string, sessionId: string): Promise<Lease | undefined>;
  /** Raises `used` below `limit` at `licensesVersion` and writes the lease; one transaction. */
  checkout(lease: Lease, limit: number, licensesVersion: number): Promise<void>;
  /** Deletes the lease and lowers `used`; false when the lease was already gone. */
  release(lease: SeatRef): Promise<boolean>;
  /** Releases leases that expired before `now`; returns how many it freed. */
  reclaimExpired(projectId: string, productCode: string, now: Date): Promise<number>;
  /** Moves the lease's expiry; false when the lease is gone (released, reclaimed, forced). */
  heartbeat(
    lease: Pick<Lease, 'projectId' | 'productCode' | 'sessionId'>,
    at: string,
    expiresAt: string,
  ): Promise<boolean>;
}

export interface CheckoutRequest {
  projectId: string;
  productCode: string;
  aggregation: Aggregation;
  leaseSeconds: number;
  userId: string;
  sessionId: string;
  activationId: string;
}

/** Lost races (another checkout moved the counter) are retried; the limit itself never is. */
const MAX_ROUNDS = 40;

const pause = (round: number) =>
  new Promise((r) => setTimeout(r, Math.random() * 10 * (round + 1)));

export const checkout = async (
  store: SeatStore,
  request: CheckoutRequest,
  now: Date,
): Promise<Lease> => {
  let reclaimed = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const existing = await store.lease(request.projectId, request.productCode, request.sessionId);
    if (existing && existing.activationId !== request.activationId) {
      throw new DomainError(
        'ALREADY_EXISTS',
        'Another instance holds a seat under this session id.',
      );
    }
    if (existing && new Date(existing.expiresAt) > now) return existing; // a retried checkout
    if (existing) await store.release(existing);
    const pool = await store.pool(request.projectId, request.productCode);
    const limit = pool ? poolLimit(pool.licenses, request.aggregation, now) : 0;
    if (!pool || limit === 0) {
      throw new DomainError(
        'NO_ENTITLEMENT',
        'No valid license gives seats for this product here.',
      );
    }
    const lease: Lease = {
      projectId: request.projectId,
      productCode: request.productCode,
      sessionId: request.sessionId,
      userId: request.userId,
      activationId: request.activationId,
      since: now.toISOString(),
      heartbeatAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + request.leaseSeconds * 1000).toISOString(),
    };
    try {
      await store.checkout(lease, limit, pool.licensesVersion);
      return lease;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      if (error.code === 'POOL_FULL') {
        // Expired leases still count until someone frees them: do it once, then decide.
        if (
          !reclaimed &&
          (await store.reclaimExpired(request.projectId, request.productCode, now)) > 0
        ) {
          reclaimed = true;
          continue;
        }
        throw new DomainError('POOL_FULL', 'Every seat of this pool is in use.', {
          used: error.details.used,
          limit,
        });
      }
      if (error.code !== 'CONCURRENT_MODIFICATION' && error.code !== 'ALREADY_EXISTS') throw error;
      await pause(round);
    }
  }
  throw new DomainError('CONCURRENT_MODIFICATION', 'The pool is busy; retry the checkout.');
};

export const heartbeat = async (
  store: SeatStore,
  lease: SeatRef,
  leaseSeconds: number,
  now: Date,
) => {
  const expiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  if (!(await store.heartbeat(lease, now.toISOString(), expiresAt))) {
    throw new DomainError('LEASE_GONE', 'This seat was released or taken back; check out again.');
  }
  return { expiresAt };
};

export const SeatSession = z.strictObject({
  sessionId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces'),
});
export const CheckoutInput = SeatSession.extend({
  userId: z.string().min(1).max(256).describe('Who takes the seat, as the instance knows them'),
});
export const LeaseView = z.object({
  sessionId: z.string(),
  userId: z.string(),
  productCode: z.string(),
  since: z.string(),
  heartbeatAt: z.string(),
  expiresAt: z.string(),
});
export const HeartbeatView = z.object({ expiresAt: z.string() });
export const ReleaseView = z.object({ released: z.boolean() });

/** Default lease length; heartbeats every few minutes keep a seat. */
export const DEFAULT_LEASE_SECONDS = 10 * 60;

/** The pool an activated instance draws from: its license's project and product. */
export const poolOf = (license: { projectId?: string; productCode: string }) => {
  if (!license.projectId) {
    throw new DomainError('NO_ENTITLEMENT', 'This license is not in any customer’s balance yet.');
  }
  return { projectId: license.projectId, productCode: license.productCode };
};
