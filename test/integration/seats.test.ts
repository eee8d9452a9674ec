import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { type Customer, createCustomer } from '../../lambdas/domain/customers.ts';
import { IssueLicenseInput, issueLicense, suspendLicense } from '../../lambdas/domain/licenses.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct } from '../../lambdas/domain/products.ts';
import {
  type CheckoutRequest,
  checkout,
  forceRelease,
  heartbeat,
  listPools,
  listSeats,
} from '../../lambdas/domain/seats.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { countLeases } from '../../lambdas/store/seats.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ids = idGenerator();
const ctx = () => ({ principal: admin, now: new Date(), ids });

const valid = { status: 'active' as const, validFrom: '2020-01-01T00:00:00.000Z' };

let stores: Stores;
let table: Awaited<ReturnType<typeof createTestTable>>;

const poolWith = async (seatLimit: number, extra: Record<string, unknown> = {}) => {
  const customer: Customer = await createCustomer(stores.customers, ctx(), {
    name: `Seats ${seatLimit}`,
  });
  const license = await issueLicense(
    {
      licenses: stores.licenses,
      products: stores.products,
      customers: stores.customers,
      randomBytes,
    },
    ctx(),
    IssueLicenseInput.parse({
      productCode: 'AGENTS',
      customerId: customer.id,
      registeredEmail: 'it@acme.example',
      companyName: 'Acme',
      seatLimit,
      ...extra,
    }),
  );
  const request = (sessionId: string): CheckoutRequest => ({
    projectId: customer.defaultProjectId,
    productCode: 'AGENTS',
    aggregation: 'sum',
    leaseSeconds: 600,
    userId: `user-${sessionId}`,
    sessionId,
    activationId: 'act_test',
    licenseId: license.id,
  });
  const state = async () => ({
    used: (await stores.pools.get(customer.defaultProjectId, 'AGENTS'))?.used,
    leases: await countLeases(table.db, table.tableName, customer.defaultProjectId, 'AGENTS'),
  });
  return { customer, license, request, state };
};

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  await createProduct(
    stores.products,
    ctx(),
    CreateProductInput.parse({ code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' }),
  );
});

describe('concurrent seats on DynamoDB Local', () => {
  it('checkout never exceeds the pool limit under 300 concurrent requests', async () => {
    const pool = await poolWith(25);
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        codeOf(checkout(stores.seats, pool.request(`s${i}`), now)),
      ),
    );
    expect(results.filter((r) => r === 'resolved')).toHaveLength(25);
    expect(
      results.every((r) => ['resolved', 'POOL_FULL', 'CONCURRENT_MODIFICATION'].includes(r)),
    ).toBe(true);
    expect(await pool.state()).toEqual({ used: 25, leases: 25 });
  });

  it('does not take a second seat when the same session checks out again', async () => {
    const pool = await poolWith(3);
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => checkout(stores.seats, pool.request('same'), now)),
    );
    expect(new Set(results.map((l) => l.sessionId))).toEqual(new Set(['same']));
    expect(await pool.state()).toEqual({ used: 1, leases: 1 });
  });

  it('lowers the counter once however often a seat is released', async () => {
    const pool = await poolWith(3);
    const lease = await checkout(stores.seats, pool.request('twice'), new Date());
    const released = await Promise.all(
      Array.from({ length: 5 }, () => stores.seats.release(lease)),
    );
    expect(released.filter(Boolean)).toHaveLength(1);
    expect(await pool.state()).toEqual({ used: 0, leases: 0 });
    expect(await codeOf(heartbeat(stores.seats, lease, 600, new Date(), valid))).toBe('LEASE_GONE');
  });

  it('reclaims expired leases when the pool looks full, and only then', async () => {
    const pool = await poolWith(2);
    const then = new Date();
    await checkout(stores.seats, { ...pool.request('old-1'), leaseSeconds: 60 }, then);
    await checkout(stores.seats, { ...pool.request('old-2'), leaseSeconds: 600 }, then);
    const later = new Date(then.getTime() + 120_000);
    const fresh = await checkout(stores.seats, pool.request('new-1'), later);
    expect(fresh.sessionId).toBe('new-1');
    expect(await codeOf(checkout(stores.seats, pool.request('new-2'), later))).toBe('POOL_FULL');
    expect(await pool.state()).toEqual({ used: 2, leases: 2 });
  });

  it('refuses new checkouts at once, with the license’s own code, when it stops counting', async () => {
    const pool = await poolWith(5, { validTill: new Date(Date.now() + 60_000).toISOString() });
    await checkout(stores.seats, pool.request('before'), new Date());
    expect(
      await codeOf(checkout(stores.seats, pool.request('after'), new Date(Date.now() + 61_000))),
    ).toBe('LICENSE_EXPIRED');
    await suspendLicense({ licenses: stores.licenses }, ctx(), pool.license.id);
    expect(await codeOf(checkout(stores.seats, pool.request('suspended'), new Date()))).toBe(
      'LICENSE_SUSPENDED',
    );
    expect((await pool.state()).used).toBe(1);
  });

  it('ends storms of checkout, heartbeat and release with used equal to the live leases', async () => {
    const pool = await poolWith(10);
    const now = new Date();
    const ops = Array.from({ length: 150 }, async (_, i) => {
      const session = `storm-${i % 30}`;
      if (i % 3 === 0) return codeOf(stores.seats.release({ ...pool.request(session) }));
      if (i % 3 === 1)
        return codeOf(heartbeat(stores.seats, pool.request(session), 600, now, valid));
      return codeOf(checkout(stores.seats, pool.request(session), now));
    });
    await Promise.all(ops);
    const state = await pool.state();
    expect(state.used).toBe(state.leases);
    expect(state.used).toBeLessThanOrEqual(10);
  });

  it('shows a customer its pools and seats, and a forced release frees the seat at once', async () => {
    const pool = await poolWith(4);
    await checkout(stores.seats, pool.request('desk-a'), new Date());
    const deps = {
      pools: stores.pools,
      seats: stores.seats,
      productOf: (code: string) => stores.products.get(code),
    };
    const owner: Principal = {
      kind: 'token',
      tokenId: 'tok_o',
      role: 'customer-admin',
      customerId: pool.customer.id,
    };
    const pools = await listPools(deps, owner, pool.customer.id, { limit: 10 }, new Date());
    expect(pools.items).toEqual([
      expect.objectContaining({ productCode: 'AGENTS', used: 1, limit: 4, utilisation: 0.25 }),
    ]);
    const path = {
      customerId: pool.customer.id,
      projectId: pool.customer.defaultProjectId,
      productCode: 'AGENTS',
    };
    const seats = await listSeats(deps, owner, path, { limit: 10 });
    expect(seats.items.map((l) => [l.sessionId, l.userId])).toEqual([['desk-a', 'user-desk-a']]);

    const other = await createCustomer(stores.customers, ctx(), { name: 'Elsewhere' });
    const nosy: Principal = {
      kind: 'token',
      tokenId: 'tok_n',
      role: 'customer-admin',
      customerId: other.id,
    };
    expect(await codeOf(listSeats(deps, nosy, path, { limit: 10 }))).toBe('NOT_FOUND');
    expect(
      await codeOf(listSeats(deps, admin, { ...path, customerId: other.id }, { limit: 10 })),
    ).toBe('NOT_FOUND');
    const user: Principal = {
      kind: 'token',
      tokenId: 'tok_u',
      role: 'customer-user',
      customerId: pool.customer.id,
    };
    expect(
      await codeOf(
        forceRelease(deps, { ...ctx(), principal: user }, { ...path, sessionId: 'desk-a' }),
      ),
    ).toBe('FORBIDDEN');

    await forceRelease(deps, { ...ctx(), principal: owner }, { ...path, sessionId: 'desk-a' });
    expect(await pool.state()).toEqual({ used: 0, leases: 0 });
    const events = await stores.audit.list({
      entityType: 'pool',
      entityId: `${path.projectId}:${path.productCode}`,
      limit: 5,
    });
    expect(events.items.map((e) => [e.action, e.actor.id, e.before?.sessionId])).toEqual([
      ['pool.seat-force-released', 'tok_o', 'desk-a'],
    ]);
    expect(
      await codeOf(heartbeat(stores.seats, pool.request('desk-a'), 600, new Date(), valid)),
    ).toBe('LEASE_GONE');
    expect(
      await codeOf(
        forceRelease(deps, { ...ctx(), principal: owner }, { ...path, sessionId: 'desk-a' }),
      ),
    ).toBe('NOT_FOUND');
  });
});
