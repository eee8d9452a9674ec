import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { IdOf, type Page, type PageQuery, Timestamp } from './common.ts';
import { DomainError, forbidden, notFound } from './errors.ts';
import { assertCan, assertCustomerVisible, assertProjectVisible, customerScope } from './policy.ts';
import { type Aggregation, poolLimit } from './pools.ts';
import type { Principal } from './principal.ts';
import type { PoolState } from './seats.ts';
import * as z from './zod.ts';

/**
 * On-site relays (docs/relay.md): a customer-run program that serves seats on a LAN from an
 * **allotment**, seats moved out of a pool's free seats in one transaction. The pool's `used`
 * counts the allotment, so cloud leases + every allotment ≤ the limit, always, and the pool's
 * Used column shows them. An allotment lives the stage's `allotmentSeconds` (an hour by default)
 * unless renewed, and the relay renews after a quarter of it; the seat reaper returns the seats
 * of one that ran out.
 */
export const ALLOTMENT_TYP = 'tessera-allotment+jwt';
export const RELAY_TOKEN_PATTERN = /^tsy_([0-9a-z]{26})_([A-Za-z0-9_-]{43})$/;

export const RelayPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ customerId: IdOf('cus'), projectId: IdOf('prj') }),
);
export const OneRelayPath = /* @__PURE__ */ z.lazy(() =>
  RelayPath.unwrap().extend({ relayId: IdOf('rly') }),
);
export const CreateRelayInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ name: z.string().trim().min(1).max(100) }),
);
export const AllotmentPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ productCode: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/) }),
);
export const HoldAllotmentInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    seats: z.number().int().min(0).max(100_000).describe('Seats the relay wants to hold'),
    inUse: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .optional()
      .describe('Leases the relay serves now (shown in the console)'),
    cached: z.number().int().min(0).max(1_000_000).optional().describe('License files it caches'),
  }),
);

export const InstanceCheckInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ activationToken: z.string().min(1).max(200) }),
);
export const RelayInstanceView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    activationId: z.string(),
    licenseId: z.string(),
    productCode: z.string(),
    leaseSeconds: z.number().int().describe('How long a seat lasts without a heartbeat'),
  }),
);

export interface Relay {
  id: string;
  customerId: string;
  projectId: string;
  name: string;
  tokenHash: string;
  createdAt: string;
  lastContactAt?: string;
  /** What the relay said at its last contact. */
  report?: { inUse: number; cached: number; productCode: string };
}

export interface Allotment {
  relayId: string;
  projectId: string;
  productCode: string;
  seats: number;
  grantedAt: string;
  expiresAt: string;
}

export const RelayView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: z.string(),
    customerId: z.string(),
    projectId: z.string(),
    name: z.string(),
    customerName: z
      .string()
      .optional()
      .describe("The customer's name: in the listing of every customer's relays"),
    projectName: z
      .string()
      .optional()
      .describe("The project's name: in the listing of every customer's relays"),
    createdAt: Timestamp,
    lastContactAt: Timestamp.optional(),
    report: z
      .object({ inUse: z.number().int(), cached: z.number().int(), productCode: z.string() })
      .optional(),
    allotments: z.array(
      z.object({ productCode: z.string(), seats: z.number().int(), expiresAt: Timestamp }),
    ),
  }),
);
export const CreatedRelayView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    relay: RelayView,
    credential: z.string().describe('Shown once: the relay is configured with it'),
  }),
);
export const AllotmentView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    productCode: z.string(),
    projectId: z.string(),
    seats: z.number().int().describe('Granted: at most what was asked, at most what is free'),
    expiresAt: Timestamp,
    renewAfter: Timestamp,
    document: z.string().describe('The allotment signed under the license key (compact JWS)'),
  }),
);
export const AllotmentListView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    items: z.array(
      z.object({
        relayId: z.string(),
        relayName: z.string(),
        seats: z.number().int(),
        expiresAt: Timestamp,
        lastContactAt: Timestamp.optional(),
      }),
    ),
  }),
);

export interface RelayStore {
  create(relay: Relay, event: AuditEvent): Promise<void>;
  get(relayId: string): Promise<Relay | undefined>;
  listByProject(projectId: string): Promise<Relay[]>;
  /** Every customer's relays, newest first, a page at a time. */
  list(page: { limit: number; cursor?: string }): Promise<Page<Relay>>;
  /**
   * Deletes the relay: its credential stops working at once. Its allotments are left to run out
   * (the relay may be serving them until then); the seat reaper returns them.
   */
  remove(relay: Relay, event: AuditEvent): Promise<void>;
  allotmentsOf(relayId: string): Promise<Allotment[]>;
  /** One allotment, read consistently. */
  allotment(
    relayId: string,
    projectId: string,
    productCode: string,
  ): Promise<Allotment | undefined>;
  allotmentsOfPool(projectId: string, productCode: string): Promise<Allotment[]>;
  /**
   * Sets the relay's allotment of the pool to `next.seats` (0 removes it), moving the difference
   * into or out of the pool's `used` in the same transaction: a raise only while it fits under
   * `limit` with the licenses seen (`licensesVersion`), only from the allotment as it was read.
   */
  setAllotment(
    previous: Allotment | undefined,
    next: Allotment,
    limit: number,
    pool: PoolState,
  ): Promise<void>;
  contact(relay: Relay, at: string, report: Relay['report']): Promise<void>;
}

export interface RelayDeps {
  relays: RelayStore;
  pools: {
    pool(projectId: string, productCode: string): Promise<PoolState | undefined>;
  };
  aggregationOf(productCode: string): Promise<Aggregation | undefined>;
  projectOf(customerId: string, projectId: string): Promise<{ name: string } | undefined>;
  /** Customers by id: the vendor-wide listing names each relay's customer. */
  customerOf(customerId: string): Promise<{ name: string } | undefined>;
  signer: { signDocument(typ: string, payload: object): Promise<string> };
  secrets: {
    newToken(relayId: string): { token: string; hash: string };
    hash(v: string): string;
    equal(a: string, b: string): boolean;
  };
  ids: { next(prefix: string): string };
  now(): Date;
  /** How long an allotment lasts unless renewed. */
  allotmentSeconds: number;
}

/** A relay as answered: never its credential's hash. */
export const relayView = (relay: Relay, allotments: Allotment[]) => {
  const { tokenHash: _t, ...rest } = relay;
  return {
    ...rest,
    allotments: allotments.map(({ productCode, seats, expiresAt }) => ({
      productCode,
      seats,
      expiresAt,
    })),
  };
};

const visibleProject = async (
  deps: RelayDeps,
  principal: Principal,
  customerId: string,
  projectId: string,
) => {
  assertCustomerVisible(principal, customerId);
  assertProjectVisible(principal, projectId, 'Project');
  if (!(await deps.projectOf(customerId, projectId))) throw notFound('Project');
};

/** A relay credential for one project, made by vendor staff or the customer's company users. */
export const createRelay = async (
  deps: RelayDeps,
  ctx: ChangeContext,
  customerId: string,
  projectId: string,
  input: z.infer<typeof CreateRelayInput>,
) => {
  await visibleProject(deps, ctx.principal, customerId, projectId);
  assertCan(ctx.principal, 'relay:manage');
  const id = deps.ids.next('rly');
  const credential = deps.secrets.newToken(id);
  const relay: Relay = {
    id,
    customerId,
    projectId,
    name: input.name,
    tokenHash: credential.hash,
    createdAt: ctx.now.toISOString(),
  };
  const { tokenHash: _t, ...shown } = relay;
  await deps.relays.create(
    relay,
    auditEvent(ctx, 'relay.created', { type: 'customer', id: customerId, customerId }, null, shown),
  );
  return { relay: relayView(relay, []), credential: credential.token };
};

export const listRelays = async (
  deps: RelayDeps,
  principal: Principal,
  customerId: string,
  projectId: string,
) => {
  await visibleProject(deps, principal, customerId, projectId);
  assertCan(principal, 'relay:manage');
  const relays = await deps.relays.listByProject(projectId);
  return {
    items: await Promise.all(
      relays.map(async (r) => relayView(r, await deps.relays.allotmentsOf(r.id))),
    ),
  };
};

/**
 * Every customer's relays with what each holds, newest first: for the vendor's staff, who
 * otherwise find them customer by customer. A customer's people are refused (they have their
 * projects' listings).
 */
export const listAllRelays = async (
  deps: RelayDeps,
  principal: Principal,
  query: z.infer<typeof PageQuery>,
) => {
  assertCan(principal, 'relay:manage');
  if (customerScope(principal) !== undefined) {
    throw forbidden('Only the vendor’s staff see every customer’s relays.');
  }
  const page = await deps.relays.list(query);
  const customers = new Map<string, Promise<{ name: string } | undefined>>();
  const customerOf = (id: string) => {
    if (!customers.has(id)) customers.set(id, deps.customerOf(id));
    return customers.get(id) as Promise<{ name: string } | undefined>;
  };
  return {
    items: await Promise.all(
      page.items.map(async (r) => {
        const [allotments, customer, project] = await Promise.all([
          deps.relays.allotmentsOf(r.id),
          customerOf(r.customerId),
          deps.projectOf(r.customerId, r.projectId),
        ]);
        return {
          ...relayView(r, allotments),
          ...(customer ? { customerName: customer.name } : {}),
          ...(project ? { projectName: project.name } : {}),
        };
      }),
    ),
    nextCursor: page.nextCursor,
  };
};

/**
 * Revokes the credential at once. The seats it holds come back when its allotments run out (at
 * most the allotment's lifetime): giving them back now would let the relay, still serving them
 * on its LAN, hand out seats the pool no longer counts.
 */
export const removeRelay = async (
  deps: RelayDeps,
  ctx: ChangeContext,
  customerId: string,
  projectId: string,
  relayId: string,
) => {
  await visibleProject(deps, ctx.principal, customerId, projectId);
  assertCan(ctx.principal, 'relay:manage');
  const relay = await deps.relays.get(relayId);
  if (!relay || relay.projectId !== projectId || relay.customerId !== customerId) {
    throw notFound('Relay');
  }
  const { tokenHash: _t, ...shown } = relay;
  await deps.relays.remove(
    relay,
    auditEvent(ctx, 'relay.removed', { type: 'customer', id: customerId, customerId }, shown, null),
  );
};

/** The calling relay as Tessera sees it (its own status call). */
export const relaySelf = async (deps: RelayDeps, relay: Relay) =>
  relayView(relay, await deps.relays.allotmentsOf(relay.id));

/** The relay behind a credential; every failure is the same 401. */
export const authenticateRelay = async (deps: RelayDeps, presented: string | undefined) => {
  const unauthenticated = new DomainError(
    'UNAUTHENTICATED',
    'A valid relay credential is required.',
  );
  const match = presented ? RELAY_TOKEN_PATTERN.exec(presented) : null;
  if (!match?.[1] || !presented) throw unauthenticated;
  const relay = await deps.relays.get(`rly_${match[1]}`);
  if (!relay || !deps.secrets.equal(relay.tokenHash, deps.secrets.hash(presented))) {
    throw unauthenticated;
  }
  return relay;
};

/** Rounds of reading the pool and trying again when another seat moved in between. */
const HOLD_ATTEMPTS = 6;

/**
 * Grants, renews, grows or shrinks the relay's allotment of one product in its project: as many of
 * the asked seats as are free (never more), for `allotmentSeconds` from now, signed. A suspended or
 * revoked license lowers the limit, and so what the next renewal grants.
 */
export const holdAllotment = async (
  deps: RelayDeps,
  relay: Relay,
  productCode: string,
  input: z.infer<typeof HoldAllotmentInput>,
) => {
  const aggregation = await deps.aggregationOf(productCode);
  if (!aggregation) throw notFound('Product');
  for (let attempt = 0; ; attempt++) {
    const now = deps.now();
    const pool = await deps.pools.pool(relay.projectId, productCode);
    if (!pool) throw new DomainError('NO_ENTITLEMENT', 'This project has no license for it.');
    const previous = await deps.relays.allotment(relay.id, relay.projectId, productCode);
    const limit = poolLimit(pool.licenses, aggregation, now);
    const heldBefore = previous?.seats ?? 0;
    const free = Math.max(0, limit - (pool.used - heldBefore));
    const seats = Math.min(input.seats, free);
    const expiresAt = new Date(now.getTime() + deps.allotmentSeconds * 1000).toISOString();
    const next: Allotment = {
      relayId: relay.id,
      projectId: relay.projectId,
      productCode,
      seats,
      grantedAt: now.toISOString(),
      expiresAt,
    };
    try {
      await deps.relays.setAllotment(previous, next, limit, pool);
    } catch (error) {
      const raced = error instanceof DomainError && error.code === 'CONCURRENT_MODIFICATION';
      if (!raced || attempt >= HOLD_ATTEMPTS) throw error;
      continue;
    }
    await deps.relays.contact(relay, now.toISOString(), {
      inUse: input.inUse ?? 0,
      cached: input.cached ?? 0,
      productCode,
    });
    const document = await deps.signer.signDocument(ALLOTMENT_TYP, {
      iss: 'tessera',
      sub: relay.id,
      prj: relay.projectId,
      product: productCode,
      seats,
      iat: Math.floor(now.getTime() / 1000),
      exp: Math.floor(Date.parse(expiresAt) / 1000),
    });
    return {
      productCode,
      projectId: relay.projectId,
      seats,
      expiresAt,
      renewAfter: new Date(now.getTime() + (deps.allotmentSeconds / 4) * 1000).toISOString(),
      document,
    };
  }
};

/** The relay gives its seats of one product back (it stops, or needs none). */
export const releaseAllotment = async (deps: RelayDeps, relay: Relay, productCode: string) => {
  const aggregation = await deps.aggregationOf(productCode);
  if (!aggregation) throw notFound('Product');
  for (let attempt = 0; ; attempt++) {
    const previous = await deps.relays.allotment(relay.id, relay.projectId, productCode);
    const pool = await deps.pools.pool(relay.projectId, productCode);
    if (!previous || !pool) return { productCode, released: 0 };
    const now = deps.now().toISOString();
    try {
      await deps.relays.setAllotment(previous, { ...previous, seats: 0, grantedAt: now }, 0, pool);
      return { productCode, released: previous.seats };
    } catch (error) {
      const raced = error instanceof DomainError && error.code === 'CONCURRENT_MODIFICATION';
      if (!raced || attempt >= HOLD_ATTEMPTS) throw error;
    }
  }
};

/**
 * An instance that calls the relay, checked once online: its activation token is valid and its
 * license draws from the relay's project (an instance of another project gets 404, and so can
 * never spend this project's seats). The relay keeps the answer for when the cloud is away.
 */
export const checkRelayInstance = async (
  deps: {
    authenticate(
      token: string,
    ): Promise<{ id: string; licenseId: string; projectId?: string; productCode?: string }>;
    leaseSecondsOf(productCode: string): Promise<number>;
  },
  relay: Relay,
  activationToken: string,
) => {
  const activation = await deps.authenticate(activationToken).catch(() => undefined);
  if (!activation?.productCode || activation.projectId !== relay.projectId) {
    throw notFound('Instance');
  }
  return {
    activationId: activation.id,
    licenseId: activation.licenseId,
    productCode: activation.productCode,
    leaseSeconds: await deps.leaseSecondsOf(activation.productCode),
  };
};

/** A pool's allotments, for those who see the pool (the console's Used breakdown). */
export const poolAllotments = async (
  deps: RelayDeps,
  principal: Principal,
  customerId: string,
  projectId: string,
  productCode: string,
) => {
  await visibleProject(deps, principal, customerId, projectId);
  assertCan(principal, 'license:read');
  const allotments = await deps.relays.allotmentsOfPool(projectId, productCode);
  const items = [];
  for (const a of allotments) {
    // A removed relay's seats still count until they run out: listed, without its name.
    const relay = await deps.relays.get(a.relayId);
    items.push({
      relayId: a.relayId,
      relayName: relay?.name ?? '(removed relay)',
      seats: a.seats,
      expiresAt: a.expiresAt,
      ...(relay?.lastContactAt ? { lastContactAt: relay.lastContactAt } : {}),
    });
  }
  return { items };
};
