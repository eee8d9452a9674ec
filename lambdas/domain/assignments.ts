import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import type { Page } from './common.ts';
import { DomainError, isDomainError, notFound } from './errors.ts';
import { licenseRefusal, type Validity } from './license-status.ts';
import { assertCan, assertCustomerVisible, assertProjectVisible } from './policy.ts';
import { type Aggregation, poolLimit } from './pools.ts';
import { actorOf, type Principal } from './principal.ts';
import { PoolPath, type PoolState, pause, poolRef } from './seats.ts';
import * as z from './zod.ts';

/**
 * Named seats (seed 001: nominal licenses count the users assigned). An assignment holds one of
 * the pool's seats for one user until it is taken away, whether the user is signed in or not.
 * One transaction raises the pool's `assigned` only while it is below the limit valid now and the
 * pool's licenses are unchanged, and writes the assignment keyed by the user, so a user is never
 * counted twice and the limit is never exceeded.
 */
export interface Assignment {
  projectId: string;
  productCode: string;
  userId: string;
  assignedAt: string;
  assignedBy: string;
}

export interface AssignmentStore {
  pool(
    projectId: string,
    productCode: string,
  ): Promise<(PoolState & { customerId: string }) | undefined>;
  get(projectId: string, productCode: string, userId: string): Promise<Assignment | undefined>;
  /** Raises `assigned` below `limit` at `licensesVersion` and writes the assignment. */
  assign(
    assignment: Assignment,
    limit: number,
    licensesVersion: number,
    event: AuditEvent,
  ): Promise<void>;
  /** Deletes the assignment and lowers `assigned`; false when there was none. */
  unassign(assignment: Assignment, event: AuditEvent): Promise<boolean>;
  list(
    projectId: string,
    productCode: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<Assignment>>;
}

export interface AssignmentDeps {
  assignments: AssignmentStore;
  productOf(code: string): Promise<{ seatModel: string; aggregation: Aggregation } | undefined>;
}

export const UserId = /* @__PURE__ */ z.lazy(() =>
  z
    .string()
    .trim()
    .min(1)
    .max(256)
    .regex(/^[^\p{Cc}]+$/u, 'No control characters')
    .describe('The user as the product knows them (login or e-mail); compared case-insensitively'),
);

/** The same person written twice differently is still one user. */
export const userKey = (userId: string) => userId.trim().toLowerCase();

export const AssignInput = /* @__PURE__ */ z.lazy(() => z.strictObject({ userId: UserId }));
export const AssignmentPath = /* @__PURE__ */ z.lazy(() =>
  PoolPath.unwrap().extend({ userId: UserId }),
);
export const AssignmentView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    userId: z.string(),
    productCode: z.string(),
    assignedAt: z.string(),
    assignedBy: z.string(),
  }),
);
export const UnassignView = /* @__PURE__ */ z.lazy(() => z.object({ unassigned: z.boolean() }));
export const AssignmentCheckView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    assigned: z.boolean(),
    assignedAt: z.string().optional(),
  }),
);

const MAX_ROUNDS = 20;

const namedPool = async (
  deps: AssignmentDeps,
  principal: Principal,
  path: z.infer<typeof PoolPath>,
) => {
  assertCustomerVisible(principal, path.customerId);
  assertProjectVisible(principal, path.projectId, 'Pool');
  const pool = await deps.assignments.pool(path.projectId, path.productCode);
  if (!pool || pool.customerId !== path.customerId) throw notFound('Pool');
  const product = await deps.productOf(path.productCode);
  if (!product) throw notFound('Pool');
  return { pool, product };
};

const requireNamed = (product: { seatModel: string }) => {
  if (product.seatModel !== 'named') {
    throw new DomainError(
      'WRONG_SEAT_MODEL',
      `This product counts ${product.seatModel} seats; only named-seat products take assignments.`,
      { seatModel: product.seatModel },
    );
  }
};

const view = ({ projectId: _p, ...assignment }: Assignment) => assignment;

export const assignSeat = async (
  deps: AssignmentDeps,
  ctx: ChangeContext,
  path: z.infer<typeof PoolPath>,
  userId: string,
) => {
  const { principal, now } = ctx;
  assertCan(principal, 'activation:manage');
  const { product } = await namedPool(deps, principal, path);
  requireNamed(product);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const existing = await deps.assignments.get(path.projectId, path.productCode, userId);
    if (existing) {
      throw new DomainError('ALREADY_EXISTS', 'This user holds a seat of this pool already.', {
        assignedAt: existing.assignedAt,
      });
    }
    const pool = await deps.assignments.pool(path.projectId, path.productCode);
    const limit = pool ? poolLimit(pool.licenses, product.aggregation, now) : 0;
    if (!pool || limit === 0) {
      throw new DomainError(
        'NO_ENTITLEMENT',
        'No valid license gives seats for this product here.',
      );
    }
    const assignment: Assignment = {
      projectId: path.projectId,
      productCode: path.productCode,
      userId,
      assignedAt: now.toISOString(),
      assignedBy: actorOf(principal).id,
    };
    const event = auditEvent(ctx, 'pool.seat-assigned', poolRef(path), null, view(assignment));
    try {
      await deps.assignments.assign(assignment, limit, pool.licensesVersion, event);
      return view(assignment);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      if (error.code === 'POOL_FULL') {
        throw new DomainError('POOL_FULL', 'Every named seat of this pool is assigned.', {
          used: error.details.used,
          limit,
        });
      }
      // ALREADY_EXISTS: a parallel assignment of the same user won; the next round reports it.
      if (error.code !== 'CONCURRENT_MODIFICATION' && error.code !== 'ALREADY_EXISTS') throw error;
      await pause(round);
    }
  }
  throw new DomainError('CONCURRENT_MODIFICATION', 'The pool is busy; retry the assignment.');
};

export const unassignSeat = async (
  deps: AssignmentDeps,
  ctx: ChangeContext,
  path: z.infer<typeof AssignmentPath>,
) => {
  assertCan(ctx.principal, 'activation:manage');
  await namedPool(deps, ctx.principal, path);
  const existing = await deps.assignments.get(path.projectId, path.productCode, path.userId);
  const event =
    existing && auditEvent(ctx, 'pool.seat-unassigned', poolRef(path), view(existing), null);
  if (!existing || !event || !(await deps.assignments.unassign(existing, event))) {
    throw notFound('Assignment');
  }
  return { unassigned: true };
};

/** For an instance of a named-seat product: does this user hold a seat of the pool? */
export const checkAssignment = async (
  deps: AssignmentDeps,
  pool: { projectId: string; productCode: string; license: Validity },
  userId: string,
  now: Date,
) => {
  const product = await deps.productOf(pool.productCode);
  if (!product) throw new DomainError('NO_ENTITLEMENT', 'The product of this license is gone.');
  requireNamed(product);
  // The instance's own license decides, whatever other licenses keep the pool open.
  const refusal = licenseRefusal(pool.license, now);
  if (refusal) throw new DomainError(refusal.code, refusal.message);
  const found = await deps.assignments.get(pool.projectId, pool.productCode, userId);
  return found ? { assigned: true, assignedAt: found.assignedAt } : { assigned: false };
};

export const listAssignments = async (
  deps: AssignmentDeps,
  principal: Principal,
  path: z.infer<typeof PoolPath>,
  page: { limit: number; cursor?: string },
) => {
  assertCan(principal, 'license:read');
  await namedPool(deps, principal, path);
  const result = await deps.assignments.list(path.projectId, path.productCode, page);
  return { items: result.items.map(view), nextCursor: result.nextCursor };
};
