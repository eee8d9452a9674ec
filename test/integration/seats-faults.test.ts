import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../lambdas/adapters/dynamodb.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { createCustomer } from '../../lambdas/domain/customers.ts';
import { isDomainError } from '../../lambdas/domain/errors.ts';
import { IssueLicenseInput, issueLicense } from '../../lambdas/domain/licenses.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct } from '../../lambdas/domain/products.ts';
import {
  type CheckoutRequest,
  checkout,
  heartbeat,
  type Lease,
  type SeatStore,
} from '../../lambdas/domain/seats.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { countLeases } from '../../lambdas/store/seats.ts';
import { type FaultInjector, type FaultKind, injectFaults } from '../support/faults.ts';
import { createTestTable } from '../support/table.ts';

/**
 * The seat counter under failures between the steps of a seat operation: a DynamoDB call fails
 * before it is sent, or after it committed (the answer lost), or is throttled; the caller retries
 * the same operation with the same session. The writes go through the fault-injecting client;
 * what is stored is read back through a clean client on the same DynamoDB Local table.
 */
const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ids = idGenerator();
const ctx = () => ({ principal: admin, now: new Date(), ids });

const WRITE = 'TransactWriteItemsCommand';
const READ = 'GetItemCommand';
const QUERY = 'QueryCommand';
const UPDATE = 'UpdateItemCommand';

let clean: Stores;
let faulty: SeatStore;
let faults: FaultInjector;
let table: Awaited<ReturnType<typeof createTestTable>>;
let observer: ReturnType<typeof documentClient>;

beforeAll(async () => {
  table = await createTestTable();
  observer = documentClient({ endpoint: table.endpoint, region: 'us-east-1' });
  clean = createStores(observer, table.tableName);
  const injector = injectFaults();
  faults = injector.faults;
  const faultyDb = documentClient({
    endpoint: table.endpoint,
    region: 'us-east-1',
    ...injector.hooks,
  });
  faulty = createStores(faultyDb, table.tableName).seats;
  await createProduct(
    clean.products,
    ctx(),
    CreateProductInput.parse({ code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' }),
  );
});

afterEach(() => faults.clear());

const valid = { status: 'active' as const, validFrom: '2020-01-01T00:00:00.000Z' };

const poolWith = async (seatLimit: number) => {
  const customer = await createCustomer(clean.customers, ctx(), { name: `Faults ${seatLimit}` });
  const license = await issueLicense(
    { licenses: clean.licenses, products: clean.products, customers: clean.customers, randomBytes },
    ctx(),
    IssueLicenseInput.parse({
      productCode: 'AGENTS',
      customerId: customer.id,
      registeredEmail: 'it@acme.example',
      companyName: 'Acme',
      seatLimit,
    }),
  );
  const projectId = customer.defaultProjectId;
  const request = (sessionId: string, leaseSeconds = 600): CheckoutRequest => ({
    projectId,
    productCode: 'AGENTS',
    aggregation: 'sum',
    leaseSeconds,
    userId: `user-${sessionId}`,
    sessionId,
    activationId: 'act_faults',
    licenseId: license.id,
  });
  const state = async () => ({
    used: (await clean.pools.get(projectId, 'AGENTS'))?.used ?? 0,
    leases: await countLeases(observer, table.tableName, projectId, 'AGENTS'),
  });
  /** The guarantee of this file: the counter is the number of leases, and within the limit. */
  const expectConsistent = async () => {
    const now = await state();
    expect(now.used).toBe(now.leases);
    expect(now.used).toBeLessThanOrEqual(seatLimit);
    return now;
  };
  const leaseOf = (sessionId: string) =>
    clean.seats.lease(projectId, 'AGENTS', sessionId) as Promise<Lease | undefined>;
  return { projectId, request, state, expectConsistent, leaseOf };
};

/** Domain errors that are answers to the caller; anything else is a failure worth a retry. */
const FINAL = new Set(['POOL_FULL', 'NO_ENTITLEMENT', 'LEASE_GONE', 'ALREADY_EXISTS']);

/** A client that retries the same call until it gets an answer (a result or a final error). */
const retried = async <T>(call: () => Promise<T>, attempts = 60): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if ((isDomainError(error) && FINAL.has(error.code)) || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 5));
    }
  }
};

/** Fails with the injected error, so the test knows the first call really was disturbed. */
const failsOnce = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  expect(isDomainError(error)).toBe(false);
};

const ALL_KINDS: FaultKind[] = [
  'lost-request',
  'lost-response',
  'lost-attempt-response',
  'in-flight',
  'throttled',
  'throttled-transaction',
];
/** Faults that reach the caller; `lost-attempt-response` is absorbed by the SDK's own retry. */
const surfaces = (kind: FaultKind) => kind !== 'lost-attempt-response';

const late = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('checkout under injected DynamoDB faults', () => {
  // One seat: a retry that took its own committed write for someone else's would find the pool
  // full, so this is the strictest pool for "the retry finds its lease".
  // A first checkout reads only the pool: the transaction's conditional put says whether the
  // session holds a lease already (a retry reads it from there).
  const steps = [
    ['reading the pool', READ, 0],
    ['the counter-and-lease transaction', WRITE, 0],
  ] as const;
  for (const [step, command, skip] of steps) {
    for (const kind of ALL_KINDS) {
      if (command !== WRITE && kind === 'throttled-transaction') continue;
      it(`takes exactly one seat when ${step} meets ${kind} and the client retries`, async () => {
        const pool = await poolWith(1);
        const now = new Date();
        faults.once(command, kind, { skip });
        const first = checkout(faulty, pool.request('s1'), now);
        if (surfaces(kind)) await failsOnce(first);
        else await first;
        const lease = await retried(() => checkout(faulty, pool.request('s1'), now));
        expect(lease.sessionId).toBe('s1');
        expect(await pool.expectConsistent()).toEqual({ used: 1, leases: 1 });
        expect(await pool.leaseOf('s1')).toMatchObject(lease);
        expect(faults.injected.at(-1)).toEqual({ command, kind });
      });
    }
  }

  it('takes one seat when the same session renews its own expired lease through faults', async () => {
    const pool = await poolWith(1);
    const then = new Date();
    await checkout(clean.seats, pool.request('again', 60), then);
    const later = late(then, 120);
    // The checkout's transaction finds the expired lease (ALL_OLD); the release that follows
    // commits and its answer is lost; the retry finds no lease.
    faults.once(WRITE, 'lost-response', { skip: 1 });
    await failsOnce(checkout(faulty, pool.request('again'), later));
    expect(await pool.expectConsistent()).toEqual({ used: 0, leases: 0 });
    faults.once(WRITE, 'in-flight');
    await failsOnce(checkout(faulty, pool.request('again'), later));
    const lease = await retried(() => checkout(faulty, pool.request('again'), later));
    expect(lease.since).toBe(later.toISOString());
    expect(await pool.expectConsistent()).toEqual({ used: 1, leases: 1 });
  });

  it('surfaces throttling only after the SDK’s own retries, with nothing written', async () => {
    const pool = await poolWith(2);
    const now = new Date();
    faults.once(WRITE, 'throttled');
    const throttled = await checkout(faulty, pool.request('t1'), now).catch((e: unknown) => e);
    expect(throttled).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { attempts: 3 },
    });
    // A throttled transaction is cancelled, not retried by the SDK, and not a domain conflict.
    faults.once(WRITE, 'throttled-transaction');
    const cancelled = await checkout(faulty, pool.request('t1'), now).catch((e: unknown) => e);
    expect(cancelled).toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'ThrottlingError' }],
    });
    expect(isDomainError(cancelled)).toBe(false);
    expect(await pool.expectConsistent()).toEqual({ used: 0, leases: 0 });
    await retried(() => checkout(faulty, pool.request('t1'), now));
    expect(await pool.expectConsistent()).toEqual({ used: 1, leases: 1 });
  });
});

describe('release under injected DynamoDB faults', () => {
  const answers: Record<FaultKind, boolean> = {
    'lost-request': true,
    'lost-response': false, // the first call released it; the retry finds it gone
    'lost-attempt-response': true, // the SDK's retry is answered from the committed transaction
    'in-flight': false,
    throttled: true,
    'throttled-transaction': true,
  };
  for (const kind of ALL_KINDS) {
    it(`lowers the counter exactly once when the release meets ${kind} and is retried`, async () => {
      const pool = await poolWith(2);
      const now = new Date();
      await checkout(clean.seats, pool.request('keep'), now);
      const lease = await checkout(clean.seats, pool.request('r1'), now);
      faults.once(WRITE, kind);
      const first = faulty.release(lease);
      if (surfaces(kind)) await failsOnce(first);
      else expect(await first).toBe(true);
      if (surfaces(kind)) expect(await retried(() => faulty.release(lease))).toBe(answers[kind]);
      // Later retries, as a client that never heard back would send, change nothing.
      expect(await retried(() => faulty.release(lease))).toBe(false);
      expect(await pool.leaseOf('r1')).toBeUndefined();
      expect(await pool.expectConsistent()).toEqual({ used: 1, leases: 1 });
    });
  }
});

describe('reclaiming expired leases under injected DynamoDB faults', () => {
  const steps = [
    ['the query for expired leases', QUERY, 0],
    ['the first release', WRITE, 0],
    ['the second release', WRITE, 1],
  ] as const;
  for (const [step, command, skip] of steps) {
    for (const kind of ALL_KINDS) {
      if (command !== WRITE && kind === 'throttled-transaction') continue;
      it(`frees each expired lease once when ${step} meets ${kind} and the sweep is retried`, async () => {
        const pool = await poolWith(4);
        const then = new Date();
        for (const session of ['x1', 'x2', 'x3']) {
          await checkout(clean.seats, pool.request(session, 60), then);
        }
        await checkout(clean.seats, pool.request('live'), then);
        const later = late(then, 120);
        faults.once(command, kind, { skip });
        let freed = await faulty.reclaimExpired(pool.projectId, 'AGENTS', later).catch(() => 0);
        freed += await retried(() => faulty.reclaimExpired(pool.projectId, 'AGENTS', later));
        expect(freed).toBeLessThanOrEqual(3);
        expect(await pool.expectConsistent()).toEqual({ used: 1, leases: 1 });
        expect(await pool.leaseOf('live')).toBeDefined();
      });
    }
  }

  for (const kind of ALL_KINDS) {
    it(`a checkout that must reclaim first takes one seat when the reclaim meets ${kind}`, async () => {
      const pool = await poolWith(2);
      const then = new Date();
      await checkout(clean.seats, pool.request('old-1', 60), then);
      await checkout(clean.seats, pool.request('old-2', 60), then);
      const later = late(then, 120);
      // Transactions of this checkout: its own (pool full), the reclaim's two releases, its own.
      faults.once(WRITE, kind, { skip: 1 });
      const lease = await retried(() => checkout(faulty, pool.request('new'), later));
      expect(lease.sessionId).toBe('new');
      expect(faults.injected.at(-1)).toEqual({ command: WRITE, kind });
      // Whatever the reclaim left behind is expired and goes at the next sweep.
      await retried(() => faulty.reclaimExpired(pool.projectId, 'AGENTS', later));
      expect(await pool.expectConsistent()).toEqual({ used: 1, leases: 1 });
    });
  }
});

describe('heartbeat under injected DynamoDB faults', () => {
  for (const kind of ALL_KINDS) {
    if (kind === 'throttled-transaction') continue;
    it(`a heartbeat that meets ${kind} and is retried keeps the seat and never moves the counter`, async () => {
      const pool = await poolWith(1);
      const then = new Date();
      await checkout(clean.seats, pool.request('hb', 60), then);
      const later = late(then, 30);
      faults.once(UPDATE, kind);
      const first = heartbeat(faulty, pool.request('hb'), 600, later, valid);
      if (surfaces(kind)) await failsOnce(first);
      else await first;
      const kept = await retried(() => heartbeat(faulty, pool.request('hb'), 600, later, valid));
      expect(kept.expiresAt).toBe(late(later, 600).toISOString());
      expect((await pool.leaseOf('hb'))?.expiresAt).toBe(kept.expiresAt);
      expect(await pool.expectConsistent()).toEqual({ used: 1, leases: 1 });
    });
  }
});

describe('random faults at random steps', () => {
  it('ends with used equal to the live leases, never above the limit, every client answered truly', async () => {
    const LIMIT = 8;
    const pool = await poolWith(LIMIT);
    const t0 = new Date();
    const t1 = late(t0, 120);

    let maxUsed = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        maxUsed = Math.max(maxUsed, (await pool.state()).used);
        await sleep(5);
      }
    })();

    /** What each client was told: the seat it holds (and until when) or that the pool was full. */
    const holds = new Map<string, string>();
    const full = new Set<string>();
    const releasedButKept: string[] = [];
    const client = async (sessionId: string, now: Date, leaseSeconds: number, leave: boolean) => {
      let lease: Lease;
      try {
        lease = await retried(() => checkout(faulty, pool.request(sessionId, leaseSeconds), now));
      } catch (error) {
        if (isDomainError(error) && error.code === 'POOL_FULL') {
          full.add(sessionId);
          return;
        }
        throw error;
      }
      holds.set(sessionId, lease.expiresAt);
      await sleep(Math.random() * 20);
      if (leaseSeconds > 60) {
        const kept = await retried(() => heartbeat(faulty, lease, leaseSeconds, now, valid));
        holds.set(sessionId, kept.expiresAt);
      }
      if (!leave) return;
      await retried(() => faulty.release(lease));
      holds.delete(sessionId);
      if (await pool.leaseOf(sessionId)) releasedButKept.push(sessionId);
    };

    faults.randomly({ p: 0.25, commands: [READ, WRITE, QUERY, UPDATE] });
    // First wave at t0: short leases are abandoned (their instances crashed), some others leave.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        client(`a${i}`, t0, i % 3 === 0 ? 60 : 600, i % 3 === 1),
      ),
    );
    // Second wave two minutes later: the abandoned short leases are reclaimable now.
    await Promise.all([
      ...Array.from({ length: 24 }, (_, i) => client(`b${i}`, t1, 600, i % 2 === 0)),
      retried(() => faulty.reclaimExpired(pool.projectId, 'AGENTS', t1)),
    ]);
    faults.clear();
    watching = false;
    await watcher;

    const end = await pool.expectConsistent();
    expect(maxUsed).toBeLessThanOrEqual(LIMIT);
    expect(releasedButKept).toEqual([]);
    // Every client told it holds a seat holds it, unless its lease expired and was reclaimed.
    const stored = await clean.pools.leases(pool.projectId, 'AGENTS', { limit: 100 });
    const stillHeld = new Set(stored.items.map((l) => l.sessionId));
    for (const [sessionId, expiresAt] of holds) {
      if (new Date(expiresAt) > t1) expect(stillHeld.has(sessionId)).toBe(true);
    }
    // A client told the pool was full holds nothing.
    for (const sessionId of full) expect(stillHeld.has(sessionId)).toBe(false);
    expect(end.leases).toBe(stillHeld.size);

    const kinds = new Set(faults.injected.map((f) => f.kind));
    expect(faults.injected.length).toBeGreaterThan(30);
    expect(kinds.size).toBe(ALL_KINDS.length);
    console.info(
      `random faults: ${faults.injected.length} injected, ${full.size} POOL_FULL answers, max used ${maxUsed}/${LIMIT}, end ${JSON.stringify(end)}`,
    );
  }, 120_000);
});
