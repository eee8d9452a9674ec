import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { assignSeat, unassignSeat } from '../../lambdas/domain/assignments.ts';
import { createCustomer } from '../../lambdas/domain/customers.ts';
import type { FullestPools } from '../../lambdas/domain/dashboard.ts';
import { IssueLicenseInput, issueLicense } from '../../lambdas/domain/licenses.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct } from '../../lambdas/domain/products.ts';
import { reapSeats, reconcileSeats } from '../../lambdas/domain/seat-upkeep.ts';
import { checkout, heartbeat } from '../../lambdas/domain/seats.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { poolKeys } from '../../lambdas/store/keys.ts';
import { countLeases } from '../../lambdas/store/seats.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ids = idGenerator();
const ctx = (now = new Date()) => ({ principal: admin, now, ids });
const always = { inTime: () => true };
/** Licenses are valid from their issue: seats in these tests live a little in the future. */
const hoursAhead = (h: number) => new Date(Date.now() + h * 3_600_000);

let stores: Stores;
let table: Awaited<ReturnType<typeof createTestTable>>;

const poolOf = async (productCode: string, seatLimit: number) => {
  const customer = await createCustomer(stores.customers, ctx(), { name: `Upkeep ${productCode}` });
  const license = await issueLicense(
    {
      licenses: stores.licenses,
      products: stores.products,
      customers: stores.customers,
      randomBytes,
    },
    ctx(),
    IssueLicenseInput.parse({
      productCode,
      customerId: customer.id,
      registeredEmail: 'it@acme.example',
      companyName: 'Acme',
      seatLimit,
    }),
  );
  const path = { customerId: customer.id, projectId: customer.defaultProjectId, productCode };
  licenseOfProject.set(customer.defaultProjectId, license.id);
  const pool = async () => stores.pools.get(path.projectId, productCode);
  return { customer, path, pool };
};

/** The license each test pool was issued with, by project: checkouts name their own license. */
const licenseOfProject = new Map<string, string>();
const valid = { status: 'active' as const, validFrom: '2020-01-01T00:00:00.000Z' };

const request = (projectId: string, sessionId: string, leaseSeconds = 600) => ({
  projectId,
  productCode: 'FLOAT',
  aggregation: 'sum' as const,
  leaseSeconds,
  userId: `user-${sessionId}`,
  sessionId,
  activationId: 'act_test',
  licenseId: licenseOfProject.get(projectId) ?? 'lic_unknown',
});

const setCounter = (projectId: string, productCode: string, name: string, value: number) =>
  table.sdk.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: poolKeys.pool(projectId, productCode),
      UpdateExpression: 'SET #c = :v',
      ExpressionAttributeNames: { '#c': name },
      ExpressionAttributeValues: { ':v': value },
    }),
  );

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  for (const [code, seatModel] of [
    ['FLOAT', 'concurrent'],
    ['NAMED', 'named'],
  ] as const) {
    await createProduct(
      stores.products,
      ctx(),
      CreateProductInput.parse({ code, name: code, seatModel }),
    );
  }
});

describe('named seats', () => {
  it('never assigns more users than the limit under 60 concurrent assignments', async () => {
    const { path, pool } = await poolOf('NAMED', 7);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        codeOf(assignSeat(stores_(), ctx(), path, `user${i}@acme.example`)),
      ),
    );
    expect(results.filter((r) => r === 'resolved')).toHaveLength(7);
    expect((await pool())?.assigned).toBe(7);
    const listed = await stores.assignments.list(path.projectId, 'NAMED', { limit: 100 });
    expect(listed.items).toHaveLength(7);
  });

  it('counts the same user once, however it is spelled and however often it is sent', async () => {
    const { path, pool } = await poolOf('NAMED', 5);
    const results = await Promise.all(
      ['Ann@Acme.example', 'ann@acme.example', ' ann@acme.example ', 'ANN@ACME.EXAMPLE'].map((u) =>
        codeOf(assignSeat(stores_(), ctx(), path, u.trim())),
      ),
    );
    expect(results.filter((r) => r === 'resolved')).toHaveLength(1);
    expect(results.filter((r) => r === 'ALREADY_EXISTS')).toHaveLength(3);
    expect((await pool())?.assigned).toBe(1);
  });

  it('frees the seat on unassign exactly once and audits both changes', async () => {
    const { path, pool } = await poolOf('NAMED', 1);
    await assignSeat(stores_(), ctx(), path, 'bob');
    expect(await codeOf(assignSeat(stores_(), ctx(), path, 'carol'))).toBe('POOL_FULL');
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        codeOf(unassignSeat(stores_(), ctx(), { ...path, userId: 'BOB' })),
      ),
    );
    expect(outcomes.filter((o) => o === 'resolved')).toHaveLength(1);
    expect((await pool())?.assigned).toBe(0);
    await assignSeat(stores_(), ctx(), path, 'carol');
    const events = await stores.audit.list({
      entityType: 'pool',
      entityId: `${path.projectId}:NAMED`,
      limit: 10,
    });
    expect(events.items.map((e) => e.action).sort()).toEqual([
      'pool.seat-assigned',
      'pool.seat-assigned',
      'pool.seat-unassigned',
    ]);
  });

  it('refuses assignments on a concurrent-seat product', async () => {
    const { path } = await poolOf('FLOAT', 3);
    expect(await codeOf(assignSeat(stores_(), ctx(), path, 'dan'))).toBe('WRONG_SEAT_MODEL');
  });

  it('hides another customer’s pool behind 404', async () => {
    const { path } = await poolOf('NAMED', 3);
    const stranger: Principal = {
      kind: 'token',
      tokenId: 'tok_x',
      role: 'customer-admin',
      customerId: 'cus_00000000000000000000000000',
    };
    expect(
      await codeOf(assignSeat(stores_(), { ...ctx(), principal: stranger }, path, 'eve')),
    ).toBe('NOT_FOUND');
  });
});

const stores_ = () => ({
  assignments: stores.assignments,
  productOf: (code: string) => stores.products.get(code),
});

describe('seat reaper', () => {
  it('frees every lease that ran out and leaves live and heartbeated ones alone', async () => {
    const { path, pool } = await poolOf('FLOAT', 10);
    const start = hoursAhead(1);
    for (const s of ['gone1', 'gone2', 'alive']) {
      await checkout(stores.seats, request(path.projectId, s, 60), start);
    }
    await checkout(stores.seats, request(path.projectId, 'kept', 60), start);
    const later = new Date(start.getTime() + 90_000);
    await heartbeat(
      stores.seats,
      { ...path, sessionId: 'kept', activationId: 'act_test' },
      600,
      later,
      valid,
    );
    await checkout(stores.seats, request(path.projectId, 'fresh', 600), later);
    // 'alive' also ran out: the reaper sees only expiry, not who is still typing.
    const result = await reapSeats(stores.seatUpkeep, later, always);
    expect(result.changed).toBeGreaterThanOrEqual(3);
    expect((await pool())?.used).toBe(2);
    expect(await countLeases(table.db, table.tableName, path.projectId, 'FLOAT')).toBe(2);
    const again = await reapSeats(stores.seatUpkeep, later, always);
    expect(again.changed).toBe(0);
  });

  it('does not free a lease whose heartbeat raced the reaper', async () => {
    const { path, pool } = await poolOf('FLOAT', 10);
    const start = hoursAhead(2);
    await checkout(stores.seats, request(path.projectId, 'racer', 60), start);
    const later = new Date(start.getTime() + 61_000);
    // The heartbeat lands between the reaper's read of the queue and its release.
    const expired = [];
    for await (const lease of stores.seatUpkeep.expiredLeases(later)) {
      if (lease.projectId === path.projectId) expired.push(lease);
    }
    await heartbeat(
      stores.seats,
      { ...path, sessionId: 'racer', activationId: 'act_test' },
      600,
      later,
      valid,
    );
    expect(await stores.seatUpkeep.reapOrRequeue(expired[0] as (typeof expired)[0], later)).toBe(
      'requeued',
    );
    expect((await pool())?.used).toBe(1);
  });

  it('leaves the queue alone on heartbeats and re-queues a live lease once, at its real expiry', async () => {
    const { path, pool } = await poolOf('FLOAT', 10);
    const start = hoursAhead(4);
    await checkout(stores.seats, request(path.projectId, 'beating', 60), start);
    const queued = async (at: Date) => {
      const found = [];
      for await (const lease of stores.seatUpkeep.expiredLeases(at)) {
        if (lease.projectId === path.projectId) found.push(lease);
      }
      return found;
    };
    for (const seconds of [20, 40, 55]) {
      await heartbeat(
        stores.seats,
        { ...path, sessionId: 'beating', activationId: 'act_test' },
        60,
        new Date(start.getTime() + seconds * 1000),
        valid,
      );
    }
    const reaperAt = new Date(start.getTime() + 70_000);
    // Three heartbeats later the queue still holds the first expiry.
    expect((await queued(reaperAt)).map((l) => l.expiresAt)).toEqual([
      new Date(start.getTime() + 60_000).toISOString(),
    ]);

    const run = await reapSeats(stores.seatUpkeep, reaperAt, always);

    expect(run.details.requeued).toBeGreaterThanOrEqual(1);
    expect((await pool())?.used).toBe(1);
    expect(await queued(reaperAt)).toEqual([]);
    expect((await queued(new Date(start.getTime() + 116_000))).map((l) => l.expiresAt)).toEqual([
      new Date(start.getTime() + 115_000).toISOString(),
    ]);
    const afterExpiry = await reapSeats(
      stores.seatUpkeep,
      new Date(start.getTime() + 116_000),
      always,
    );
    expect(afterExpiry.changed).toBe(1);
    expect((await pool())?.used).toBe(0);
  });

  it('stops taking work at its deadline and reports the run as truncated', async () => {
    const { path } = await poolOf('FLOAT', 10);
    const start = hoursAhead(3);
    for (const s of ['t1', 't2'])
      await checkout(stores.seats, request(path.projectId, s, 60), start);
    const result = await reapSeats(stores.seatUpkeep, new Date(start.getTime() + 120_000), {
      inTime: () => false,
    });
    expect(result).toMatchObject({ truncated: true, changed: 0 });
  });
});

describe('seat reconciliation', () => {
  it('repairs a drifted counter in either direction and reports the drift', async () => {
    const high = await poolOf('FLOAT', 10);
    const low = await poolOf('FLOAT', 10);
    const named = await poolOf('NAMED', 10);
    await checkout(stores.seats, request(high.path.projectId, 'h1'), new Date());
    await checkout(stores.seats, request(low.path.projectId, 'l1'), new Date());
    await checkout(stores.seats, request(low.path.projectId, 'l2'), new Date());
    await assignSeat(stores_(), ctx(), named.path, 'zoe');
    await setCounter(high.path.projectId, 'FLOAT', 'used', 4); // seats lost to drift
    await setCounter(low.path.projectId, 'FLOAT', 'used', 0); // over-selling possible
    await setCounter(named.path.projectId, 'NAMED', 'assigned', 3);

    const result = await reconcileSeats(stores.seatUpkeep, async () => 'sum', new Date(), always);

    const drifted = result.drifts.map((d) => [d.projectId, d.counter, d.stored, d.counted]);
    expect(drifted).toEqual(
      expect.arrayContaining([
        [high.path.projectId, 'used', 4, 1],
        [low.path.projectId, 'used', 0, 2],
        [named.path.projectId, 'assigned', 3, 1],
      ]),
    );
    expect((await high.pool())?.used).toBe(1);
    expect((await low.pool())?.used).toBe(2);
    expect((await named.pool())?.assigned).toBe(1);
    const again = await reconcileSeats(stores.seatUpkeep, async () => 'sum', new Date(), always);
    expect(again.drifts).toEqual([]);
  });

  it('keeps the fullest pools for the dashboard after a complete pass, and nothing after a cut-short one', async () => {
    // Full, and with more seats in use than any other pool of this file's table: first.
    const busy = await poolOf('FLOAT', 60);
    for (let i = 0; i < 60; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          checkout(stores.seats, request(busy.path.projectId, `f${i + j}`), new Date()),
        ),
      );
    }
    const saved: FullestPools[] = [];
    const keep = async (snapshot: FullestPools) => void saved.push(snapshot);

    await reconcileSeats(
      stores.seatUpkeep,
      async () => 'sum',
      new Date(),
      { inTime: () => false },
      keep,
    );
    await reconcileSeats(stores.seatUpkeep, async () => 'sum', new Date(), always, keep);

    expect(saved).toHaveLength(1);
    expect(saved[0]?.items.length).toBeLessThanOrEqual(10);
    expect(saved[0]?.items[0]).toMatchObject({
      projectId: busy.path.projectId,
      productCode: 'FLOAT',
      used: 60,
      limit: 60,
      utilisation: 1,
      customerId: expect.stringMatching(/^cus_/),
    });
    const utilisations = saved[0]?.items.map((p) => p.utilisation) ?? [];
    expect(utilisations).toEqual([...utilisations].sort((a, b) => b - a));
  });

  it('never repairs from a stale count while seats move in parallel', async () => {
    const { path, pool } = await poolOf('FLOAT', 50);
    const busy = Array.from({ length: 40 }, async (_, i) => {
      const lease = await checkout(stores.seats, request(path.projectId, `b${i}`), new Date());
      if (i % 2 === 0) await stores.seats.release({ ...lease });
    });
    const runs = Array.from({ length: 5 }, () =>
      reconcileSeats(stores.seatUpkeep, async () => 'sum', new Date(), always),
    );
    const results = await Promise.all([...runs, ...busy]);
    const state = await pool();
    expect(state?.used).toBe(await countLeases(table.db, table.tableName, path.projectId, 'FLOAT'));
    expect(state?.used).toBe(20);
    // Whatever a run saw mid-flight, it never wrote a wrong count.
    expect(results.length).toBe(45);
  });
});
