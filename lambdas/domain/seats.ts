import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { IdOf, type Page, PageQuery } from './common.ts';
import { DomainError, isDomainError, notFound } from './errors.ts';
import { licenseRefusal, type Validity } from './license-status.ts';
import { assertCan, assertCustomerVisible, assertProjectVisible, projectScope } from './policy.ts';
import {
  type Aggregation,
  type LicenseActivations,
  type PoolLicense,
  poolFigures,
  poolLimit,
  type SeatModel,
} from './pools.ts';
import type { Principal } from './principal.ts';
import type { Product } from './products.ts';
import * as z from './zod.ts';

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
  /** Named seats assigned. */
  assigned: number;
  /** Move with every change of `used` / `assigned`, for reconciliation. */
  seatVersion: number;
  assignVersion: number;
}

export interface SeatStore {
  pool(projectId: string, productCode: string): Promise<PoolState | undefined>;
  /** The pool and its product in one consistent read (a checkout's only read). */
  poolWithProduct(
    projectId: string,
    productCode: string,
  ): Promise<{ pool: PoolState | undefined; product: Product | undefined }>;
  lease(projectId: string, productCode: string, sessionId: string): Promise<Lease | undefined>;
  /** Raises `used` below `limit` at `licensesVersion` and writes the lease; one transaction. */
  checkout(lease: Lease, limit: number, licensesVersion: number): Promise<void>;
  /** Deletes the lease and lowers `used`; false when the lease was already gone. */
  release(lease: SeatRef, event?: AuditEvent): Promise<boolean>;
  /** Releases the lease only while its expiry is still `seenExpiresAt` (no heartbeat since). */
  releaseIfUnchanged(lease: SeatRef, seenExpiresAt: string): Promise<boolean>;
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
  /** The caller's own license: it must be valid now, whatever the pool's other licenses say. */
  licenseId: string;
}

/**
 * The caller's own license as the pool item holds it. Read with the pool, and the checkout's
 * `licensesVersion` condition proves it unchanged at commit, so this costs no extra read.
 */
const ownLicenseAllows = (pool: PoolState, licenseId: string, now: Date) => {
  const own = pool.licenses.find((l) => l.licenseId === licenseId);
  if (!own) {
    throw new DomainError('NO_ENTITLEMENT', 'This license gives no seats in this pool.');
  }
  const refusal = licenseRefusal(own, now);
  if (refusal) throw new DomainError(refusal.code, refusal.message);
};

/** Lost races (another checkout moved the counter) are retried; the limit itself never is. */
const MAX_ROUNDS = 40;

/** A short random wait that grows with each lost race, so racing writers spread out. */
export const pause = (round: number) =>
  new Promise((r) => setTimeout(r, Math.random() * 10 * (round + 1)));

export const checkout = async (
  store: SeatStore,
  request: CheckoutRequest,
  now: Date,
  /**
   * The pool as read together with the product (one round trip), or remembered from an earlier
   * call (`remembered`): the first round uses it. A remembered pool may be stale; that is safe,
   * because the transaction holds only while the pool's licenses are still that version, and a
   * refusal it would cause is confirmed by a fresh read first. `onRead` learns every fresh read.
   */
  prefetched?: {
    pool: PoolState | undefined;
    remembered?: boolean;
    onRead?: (pool: PoolState | undefined) => void;
  },
): Promise<Lease> => {
  let reclaimed = false;
  // What the last lost transaction said this session holds (its ALL_OLD), so it is not re-read.
  let held: Lease | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // The first round goes straight to the transaction: its conditional put of the lease says
    // whether this session holds one already. Later rounds look (or use what it said).
    const existing =
      round === 0
        ? undefined
        : (held ?? (await store.lease(request.projectId, request.productCode, request.sessionId)));
    held = undefined;
    if (existing && existing.activationId !== request.activationId) {
      throw new DomainError(
        'ALREADY_EXISTS',
        'Another instance holds a seat under this session id.',
      );
    }
    if (existing && new Date(existing.expiresAt) > now) return existing; // a retried checkout
    if (existing) await store.release(existing);
    const guess = round === 0 && prefetched?.remembered === true;
    let pool: PoolState | undefined;
    if (round === 0 && prefetched) {
      pool = prefetched.pool;
    } else {
      pool = await store.pool(request.projectId, request.productCode);
      prefetched?.onRead?.(pool);
    }
    let limit = 0;
    try {
      if (pool) ownLicenseAllows(pool, request.licenseId, now);
      limit = pool ? poolLimit(pool.licenses, request.aggregation, now) : 0;
      if (!pool || limit === 0) {
        throw new DomainError(
          'NO_ENTITLEMENT',
          'No valid license gives seats for this product here.',
        );
      }
    } catch (error) {
      if (guess) continue; // refused on a remembered pool: read the pool itself, then decide
      throw error;
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
        // This session's own earlier request, still in flight when the client retried, may be
        // what filled the pool: the next round finds that lease and answers with it.
        if (await store.lease(request.projectId, request.productCode, request.sessionId)) continue;
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
      if (error.code === 'ALREADY_EXISTS') {
        held = error.details.lease as Lease | undefined;
        continue; // this session's own lease: no race lost, no pause
      }
      if (error.code !== 'CONCURRENT_MODIFICATION') throw error;
      await pause(round);
    }
  }
  throw new DomainError('CONCURRENT_MODIFICATION', 'The pool is busy; retry the checkout.');
};

/**
 * Keeps a seat. A seat held under a license that is no longer valid (revoked, suspended, expired)
 * is freed here and answered 410 `LEASE_GONE` with the license's code, so an instance loses its
 * seats at its next heartbeat even while another license keeps the pool open.
 */
export const heartbeat = async (
  store: SeatStore,
  lease: SeatRef & { activationId: string },
  leaseSeconds: number,
  now: Date,
  license: Validity,
) => {
  const refusal = licenseRefusal(license, now);
  if (refusal) {
    await store.release(lease);
    throw new DomainError('LEASE_GONE', `The seat was freed: ${refusal.message}`, {
      licenseCode: refusal.code,
    });
  }
  const expiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  if (!(await store.heartbeat(lease, now.toISOString(), expiresAt))) {
    throw new DomainError('LEASE_GONE', 'This seat was released or taken back; check out again.');
  }
  return { expiresAt };
};

export const SeatSession = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    sessionId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces'),
  }),
);
export const CheckoutInput = /* @__PURE__ */ z.lazy(() =>
  SeatSession.unwrap().extend({
    userId: z.string().min(1).max(256).describe('Who takes the seat, as the instance knows them'),
  }),
);
const leaseShape = () => ({
  sessionId: z.string(),
  userId: z.string(),
  productCode: z.string(),
  since: z.string(),
  heartbeatAt: z.string(),
  expiresAt: z.string(),
});
export const LeaseView = /* @__PURE__ */ z.lazy(() => z.object(leaseShape()));
/** A seat as admins see it: the lease and the instance (activation) holding it. */
export const SeatView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    ...leaseShape(),
    activationId: z.string().describe('The activation (instance) holding the seat'),
  }),
);
export const HeartbeatView = /* @__PURE__ */ z.lazy(() => z.object({ expiresAt: z.string() }));
export const ReleaseView = /* @__PURE__ */ z.lazy(() => z.object({ released: z.boolean() }));

/** Default lease length; heartbeats every few minutes keep a seat. */
export const DEFAULT_LEASE_SECONDS = 10 * 60;

/** The pool an activated instance draws from: its license's project and product. */
export const poolOf = (license: { projectId?: string; productCode: string }) => {
  if (!license.projectId) {
    throw new DomainError('NO_ENTITLEMENT', 'This license is not in any customer’s balance yet.');
  }
  return { projectId: license.projectId, productCode: license.productCode };
};

export const PoolsPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    customerId: IdOf('cus'),
  }),
);
export const PoolPath = /* @__PURE__ */ z.lazy(() =>
  PoolsPath.unwrap().extend({
    projectId: IdOf('prj'),
    productCode: z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'Not a product code'),
  }),
);
export const SeatPath = /* @__PURE__ */ z.lazy(() =>
  PoolPath.unwrap().extend({
    sessionId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces'),
  }),
);

export const SeatListQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap().extend({
    userId: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Only this user’s seats (as the instance named the user at checkout)'),
  }),
);
export const UserSeatsPath = /* @__PURE__ */ z.lazy(() =>
  PoolPath.unwrap().extend({ userId: z.string().min(1).max(256) }),
);
export const UserSeatsReleasedView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    released: z.number().int().describe('Seats freed'),
  }),
);

/** Pool events are audited under `<projectId>:<productCode>`, visible to the customer. */
export const poolRef = (path: z.infer<typeof PoolPath>) => ({
  type: 'pool' as const,
  id: `${path.projectId}:${path.productCode}`,
  customerId: path.customerId,
});

export const PoolView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    projectId: z.string(),
    productCode: z.string(),
    seatModel: z.enum(['concurrent', 'named', 'instance']),
    used: z
      .number()
      .int()
      .describe('Users signed in now (concurrent), users assigned (named) or instances activated'),
    limit: z.number().int().describe('The most the pool allows now, by the product’s aggregation'),
    competitive: z.boolean().describe('True when seats are concurrent (counted while signed in)'),
    utilisation: z.number().describe('used / limit, 0 when the limit is 0'),
    licenses: z.number().int().describe('Licenses in the pool, valid now or not'),
  }),
);

/** The entitlements view: each pool's used, limit (valid now) and utilisation, by seat model. */
export const poolView = (
  pool: PoolState & { projectId: string; productCode: string },
  product: { seatModel: SeatModel; aggregation: Aggregation },
  activations: ReadonlyMap<string, LicenseActivations>,
  now: Date,
) => {
  const figures = poolFigures(product.seatModel, product.aggregation, pool, activations, now);
  return {
    projectId: pool.projectId,
    productCode: pool.productCode,
    seatModel: product.seatModel,
    ...figures,
    utilisation: figures.limit === 0 ? 0 : Math.round((figures.used / figures.limit) * 1000) / 1000,
    licenses: pool.licenses.length,
  };
};

export interface PoolAdminStore {
  get(
    projectId: string,
    productCode: string,
  ): Promise<
    (PoolState & { customerId: string; projectId: string; productCode: string }) | undefined
  >;
  listByCustomer(
    customerId: string,
    page: { limit: number; cursor?: string; projectIn?: readonly string[] },
  ): Promise<Page<PoolState & { customerId: string; projectId: string; productCode: string }>>;
  leases(
    projectId: string,
    productCode: string,
    page: { limit: number; cursor?: string },
    userId?: string,
  ): Promise<Page<Lease>>;
}

export interface PoolAdminDeps {
  pools: PoolAdminStore & {
    /** Instance figures of licenses, for instance-model pools. */
    activationsOf(licenseIds: readonly string[]): Promise<Map<string, LicenseActivations>>;
  };
  seats: SeatStore;
  productOf(
    productCode: string,
  ): Promise<{ seatModel: SeatModel; aggregation: Aggregation } | undefined>;
}

export const listPools = async (
  deps: PoolAdminDeps,
  principal: Principal,
  customerId: string,
  page: { limit: number; cursor?: string },
  now: Date,
) => {
  assertCustomerVisible(principal, customerId);
  assertCan(principal, 'license:read');
  const projects = projectScope(principal);
  const result = await deps.pools.listByCustomer(customerId, {
    ...page,
    ...(projects ? { projectIn: projects } : {}),
  });
  const items = await Promise.all(
    result.items.map(async (pool) => {
      const product = (await deps.productOf(pool.productCode)) ?? {
        seatModel: 'concurrent' as const,
        aggregation: 'sum' as const,
      };
      const activations =
        product.seatModel === 'instance'
          ? await deps.pools.activationsOf(pool.licenses.map((l) => l.licenseId))
          : new Map<string, LicenseActivations>();
      return poolView(pool, product, activations, now);
    }),
  );
  return { items, nextCursor: result.nextCursor };
};

const visiblePool = async (
  deps: PoolAdminDeps,
  principal: Principal,
  path: z.infer<typeof PoolPath>,
) => {
  assertCustomerVisible(principal, path.customerId);
  assertProjectVisible(principal, path.projectId, 'Pool');
  const pool = await deps.pools.get(path.projectId, path.productCode);
  if (!pool || pool.customerId !== path.customerId) throw notFound('Pool');
  return pool;
};

/** The seats of a pool: user, instance (activation), since, last heartbeat, expiry. */
export const listSeats = async (
  deps: PoolAdminDeps,
  principal: Principal,
  path: z.infer<typeof PoolPath>,
  query: z.infer<typeof SeatListQuery>,
) => {
  assertCan(principal, 'license:read');
  await visiblePool(deps, principal, path);
  const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
  const result = await deps.pools.leases(path.projectId, path.productCode, page, query.userId);
  return {
    items: result.items.map(({ projectId: _p, ...lease }) => lease),
    nextCursor: result.nextCursor,
  };
};

/** Frees one seat as an admin's act, audited with the seat as it was held. */
const releaseForced = (
  deps: PoolAdminDeps,
  ctx: ChangeContext,
  path: z.infer<typeof PoolPath>,
  lease: Lease,
  seat: SeatRef,
) => {
  const { projectId: _p, ...held } = lease;
  const event = auditEvent(ctx, 'pool.seat-force-released', poolRef(path), held, null);
  return deps.seats.release(seat, event);
};

/** The seeds' "forced logout": the seat is freed now; the instance learns it at its next heartbeat. */
export const forceRelease = async (
  deps: PoolAdminDeps,
  ctx: ChangeContext,
  path: z.infer<typeof SeatPath>,
) => {
  await visiblePool(deps, ctx.principal, path);
  assertCan(ctx.principal, 'activation:manage');
  const lease = await deps.seats.lease(path.projectId, path.productCode, path.sessionId);
  if (!lease) throw notFound('Seat');
  const seat = {
    projectId: path.projectId,
    productCode: path.productCode,
    sessionId: path.sessionId,
  };
  const released = await releaseForced(deps, ctx, path, lease, seat);
  if (!released) throw notFound('Seat');
  return { released };
};

/**
 * The seed's per-user "Used" switch: every seat one user holds in the pool is freed now, each
 * audited as a forced release; their instances learn it at their next heartbeat.
 */
export const forceReleaseUser = async (
  deps: PoolAdminDeps,
  ctx: ChangeContext,
  path: z.infer<typeof UserSeatsPath>,
) => {
  await visiblePool(deps, ctx.principal, path);
  assertCan(ctx.principal, 'activation:manage');
  let released = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.pools.leases(
      path.projectId,
      path.productCode,
      { limit: 100, ...(cursor ? { cursor } : {}) },
      path.userId,
    );
    for (const lease of page.items) {
      const { projectId: _p, ...held } = lease;
      const event = auditEvent(ctx, 'pool.seat-force-released', poolRef(path), held, null);
      if (await deps.seats.release({ ...lease, activationId: lease.activationId }, event))
        released++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { released };
};
