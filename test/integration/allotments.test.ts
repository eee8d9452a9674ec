import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { relaySecrets } from '../../lambdas/adapters/relay-secrets.ts';
import { generateSigningKeyPem, localSigner } from '../../lambdas/adapters/signer-local.ts';
import { createCustomer } from '../../lambdas/domain/customers.ts';
import { IssueLicenseInput, issueLicense, suspendLicense } from '../../lambdas/domain/licenses.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct } from '../../lambdas/domain/products.ts';
import {
  authenticateRelay,
  createRelay,
  holdAllotment,
  listAllRelays,
  type RelayDeps,
  releaseAllotment,
} from '../../lambdas/domain/relays.ts';
import { reapSeats, reconcileSeats } from '../../lambdas/domain/seat-upkeep.ts';
import { checkout } from '../../lambdas/domain/seats.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { relayKeys } from '../../lambdas/store/keys.ts';
import { relayStore } from '../../lambdas/store/relays.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

/**
 * Relay allotments on DynamoDB Local: the pool's `used` counts them, so cloud leases plus every
 * allotment never pass the limit, whatever races; an allotment not renewed goes back by itself.
 */
const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ids = idGenerator();
const ctx = (now = new Date()) => ({ principal: admin, now, ids });
const always = { inTime: () => true };

let stores: Stores;
let deps: RelayDeps;
let table: Awaited<ReturnType<typeof createTestTable>>;

const poolOf = async (seatLimit: number) => {
  const customer = await createCustomer(stores.customers, ctx(), { name: `Relay ${seatLimit}` });
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
    }),
  );
  const projectId = customer.defaultProjectId;
  const relay = async (name: string) => {
    const made = await createRelay(deps, ctx(), customer.id, projectId, { name });
    return authenticateRelay(deps, made.credential);
  };
  const used = async () => (await stores.pools.get(projectId, 'AGENTS'))?.used;
  const cloudCheckout = (sessionId: string) =>
    codeOf(
      (async () => {
        const pool = await stores.seats.pool(projectId, 'AGENTS');
        return checkout(
          stores.seats,
          {
            projectId,
            productCode: 'AGENTS',
            aggregation: 'sum',
            leaseSeconds: 600,
            userId: sessionId,
            sessionId,
            activationId: 'act_cloud',
            licenseId: license.id,
          },
          new Date(),
          { pool, remembered: false },
        );
      })(),
    );
  return { customer, license, projectId, relay, used, cloudCheckout };
};

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  await createProduct(
    stores.products,
    ctx(),
    CreateProductInput.parse({ code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' }),
  );
  deps = {
    relays: relayStore(table.db, table.tableName),
    pools: { pool: (p, c) => stores.pools.get(p, c) },
    aggregationOf: async (code) => (await stores.products.get(code))?.aggregation,
    projectOf: (c, p) => stores.projects.get(c, p),
    customerOf: (c) => stores.customers.get(c),
    signer: localSigner({ privateKeyPem: generateSigningKeyPem() }),
    secrets: relaySecrets,
    ids,
    now: () => new Date(),
    allotmentSeconds: 3600,
  };
});

describe('relay allotments', () => {
  it('moves seats out of the free ones into the allotment, counted in Used, and never more than are free', async () => {
    const { relay, used, cloudCheckout } = await poolOf(10);
    const site = await relay('Site A');
    expect(await cloudCheckout('c1')).toBe('resolved');
    const held = await holdAllotment(deps, site, 'AGENTS', { seats: 20 });
    expect(held.seats).toBe(9);
    expect(await used()).toBe(10);
    expect(await cloudCheckout('c2')).toBe('POOL_FULL');
    const shrunk = await holdAllotment(deps, site, 'AGENTS', { seats: 4 });
    expect(shrunk.seats).toBe(4);
    expect(await used()).toBe(5);
    expect(await releaseAllotment(deps, site, 'AGENTS')).toEqual({
      productCode: 'AGENTS',
      released: 4,
    });
    expect(await used()).toBe(1);
  });

  it('never passes the limit: cloud checkouts and two relays racing for one pool of 12', async () => {
    const { relay, used, cloudCheckout } = await poolOf(12);
    const [a, b] = [await relay('Site A'), await relay('Site B')];
    const outcomes = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => cloudCheckout(`race-${i}`)),
      ...Array.from({ length: 5 }, (_, i) =>
        holdAllotment(deps, i % 2 ? a : b, 'AGENTS', { seats: 4 + i }),
      ),
    ]);
    const cloudLeases = outcomes.slice(0, 30).filter((o) => o === 'resolved').length;
    const allotted = (await deps.relays.allotmentsOf(a.id)).concat(
      await deps.relays.allotmentsOf(b.id),
    );
    const allottedSeats = allotted.reduce((sum, x) => sum + x.seats, 0);
    expect(cloudLeases + allottedSeats).toBeLessThanOrEqual(12);
    expect(await used()).toBe(cloudLeases + allottedSeats);
  });

  it('returns the seats of an allotment nobody renewed, once, and reconciliation counts allotments', async () => {
    const { relay, used, projectId } = await poolOf(6);
    const site = await relay('Site C');
    await holdAllotment(deps, site, 'AGENTS', { seats: 5 });
    const reconciled = await reconcileSeats(
      stores.seatUpkeep,
      async () => 'sum',
      new Date(),
      always,
    );
    expect(reconciled.drifts.filter((d) => d.projectId === projectId)).toEqual([]);
    const later = new Date(Date.now() + 2 * 3_600_000);
    const [first, second] = [
      await reapSeats(stores.seatUpkeep, later, always),
      await reapSeats(stores.seatUpkeep, later, always),
    ];
    expect(first.details.allotmentsReturned).toBeGreaterThanOrEqual(1);
    expect(second.details.allotmentsReturned).toBe(0);
    expect(await used()).toBe(0);
    expect(await deps.relays.allotmentsOf(site.id)).toEqual([]);
  });

  it('a suspended license reaches the relay at its next renewal: nothing is granted', async () => {
    const { relay, used, license } = await poolOf(8);
    const site = await relay('Site D');
    expect((await holdAllotment(deps, site, 'AGENTS', { seats: 8 })).seats).toBe(8);
    await suspendLicense({ licenses: stores.licenses }, ctx(), license.id);
    expect((await holdAllotment(deps, site, 'AGENTS', { seats: 8 })).seats).toBe(0);
    expect(await used()).toBe(0);
  });
});

describe('the vendor-wide relay listing', () => {
  /** Every page of the listing, `limit` at a time. */
  const everyPage = async (principal: Principal, limit: number) => {
    const ids: string[] = [];
    const held = new Map<string, number>();
    const names = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const page = await listAllRelays(deps, principal, { limit, ...(cursor ? { cursor } : {}) });
      for (const r of page.items) {
        ids.push(r.id);
        held.set(
          r.id,
          r.allotments.reduce((n, a) => n + a.seats, 0),
        );
        names.set(r.id, `${r.customerName} / ${r.projectName}`);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { ids, held, names };
  };

  it('pages every customer’s relays newest first, with the seats each holds', async () => {
    // Arrange: relays of two customers, one holding seats.
    const north = await poolOf(5);
    const south = await poolOf(5);
    const relays = [];
    for (const [pool, name] of [
      [north, 'North 1'],
      [south, 'South 1'],
      [north, 'North 2'],
    ] as const) {
      relays.push(await pool.relay(name));
      await new Promise((r) => setTimeout(r, 5)); // distinct creation times
    }
    const made = relays.map((r) => r.id);
    await holdAllotment(deps, relays[1] as (typeof relays)[number], 'AGENTS', { seats: 3 });

    // Act
    const listed = await everyPage(admin, 2);

    // Assert
    expect(new Set(listed.ids).size).toBe(listed.ids.length);
    expect(listed.ids.filter((id) => made.includes(id))).toEqual([...made].reverse());
    expect(made.map((id) => listed.held.get(id))).toEqual([0, 3, 0]);
    expect(made.map((id) => listed.names.get(id))).toEqual([
      'Relay 5 / Default',
      'Relay 5 / Default',
      'Relay 5 / Default',
    ]);
  });

  it('refuses a customer’s people, who have their own projects’ listings', async () => {
    const company: Principal = {
      kind: 'token',
      tokenId: 'tok_company',
      role: 'customer-admin',
      customerId: 'cus_01jabcdefghjkmnpqrstvwxyz0',
    };
    expect(await codeOf(listAllRelays(deps, company, { limit: 10 }))).toBe('FORBIDDEN');
  });

  it('lists a relay made before the listing existed once it next reports', async () => {
    // Arrange: a relay whose item lacks the listing's keys, as ones made before it did.
    const pool = await poolOf(2);
    const old = await pool.relay('Before the listing');
    await table.sdk.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: relayKeys.relay(old.id),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      }),
    );
    expect((await everyPage(admin, 100)).ids).not.toContain(old.id);

    // Act: its next report.
    await holdAllotment(deps, old, 'AGENTS', { seats: 1 });

    // Assert
    expect((await everyPage(admin, 100)).ids).toContain(old.id);
  });
});
