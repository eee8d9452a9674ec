import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import type { ChangeContext } from '../../lambdas/domain/audit.ts';
import { type Customer, createCustomer } from '../../lambdas/domain/customers.ts';
import { generateLicenseKey } from '../../lambdas/domain/license-key.ts';
import {
  getLicense,
  IssueLicenseInput,
  importLicense,
  issueLicense,
  type LicenseDeps,
  listLicenses,
  reinstateLicense,
  revokeLicense,
  suspendLicense,
  updateLicense,
} from '../../lambdas/domain/licenses.ts';
import { poolLimit } from '../../lambdas/domain/pools.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct, getProduct } from '../../lambdas/domain/products.ts';
import { createProject, getProject } from '../../lambdas/domain/projects.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { licenseKeys } from '../../lambdas/store/keys.ts';
import { keyHash } from '../../lambdas/store/licenses.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ctx = (principal: Principal = admin, now = new Date()): ChangeContext => ({
  principal,
  now,
  ids: idGenerator(),
});
const bound = (customerId: string, role: 'customer-admin' | 'customer-user'): Principal => ({
  kind: 'token',
  tokenId: `tok_${role}`,
  role,
  customerId,
});

let stores: Stores;
let deps: LicenseDeps;
let table: Awaited<ReturnType<typeof createTestTable>>;
let acme: Customer;
let globex: Customer;

const issue = (extra: Record<string, unknown> = {}) =>
  issueLicense(
    deps,
    ctx(),
    IssueLicenseInput.parse({
      productCode: 'CALL_CENTER',
      customerId: acme.id,
      registeredEmail: 'it@acme.example',
      companyName: 'Acme Telecom',
      seatLimit: 10,
      maxActivations: 2,
      modules: ['ivr'],
      ...extra,
    }),
  );

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  deps = {
    licenses: stores.licenses,
    products: stores.products,
    customers: stores.customers,
    randomBytes,
  };
  await createProduct(
    stores.products,
    ctx(),
    CreateProductInput.parse({
      code: 'CALL_CENTER',
      name: 'Call Center',
      seatModel: 'concurrent',
      modules: [
        { code: 'ivr', name: 'IVR' },
        { code: 'recording', name: 'Recording' },
      ],
    }),
  );
  acme = await createCustomer(stores.customers, ctx(), { name: 'Acme' });
  globex = await createCustomer(stores.customers, ctx(), { name: 'Globex' });
});

describe('licenses on DynamoDB Local', () => {
  it('issues a license with a checkable key and a serial into the default project, counting it on product and project', async () => {
    const license = await issue();
    expect(license).toMatchObject({
      key: expect.stringMatching(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/),
      serial: expect.stringMatching(/^TS\d{8}$/),
      projectId: acme.defaultProjectId,
      status: 'active',
      daysLeft: null,
      activationCount: 0,
    });
    expect(
      (await getProduct(stores.products, admin, 'CALL_CENTER')).licenseCount,
    ).toBeGreaterThanOrEqual(1);
    expect(
      (await getProject(stores.projects, admin, acme.id, acme.defaultProjectId)).licenseCount,
    ).toBeGreaterThanOrEqual(1);
  });

  it('never writes the key into the audit trail, and indexes it only by hash', async () => {
    const license = await issue();
    const trail = await stores.audit.list({
      limit: 5,
      entityType: 'license',
      entityId: license.id,
    });
    expect(trail.items[0]?.action).toBe('license.issued');
    expect(JSON.stringify(trail.items)).not.toContain(license.key);
    const index = await table.sdk.send(
      new GetCommand({ TableName: table.tableName, Key: licenseKeys.byKey(keyHash(license.key)) }),
    );
    expect(index.Item?.licenseId).toBe(license.id);
    expect(index.Item?.pk).not.toContain(license.key);
  });

  it('hands out distinct serials under 20 concurrent issues', async () => {
    const issued = await Promise.all(Array.from({ length: 20 }, () => issue()));
    expect(new Set(issued.map((l) => l.serial)).size).toBe(20);
    expect(new Set(issued.map((l) => l.key)).size).toBe(20);
  });

  it('refuses modules the product does not have, unknown products, and inverted validity', async () => {
    expect(await codeOf(issue({ modules: ['fax'] }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(issue({ productCode: 'NOPE' }))).toBe('VALIDATION_FAILED');
    expect(
      await codeOf(issue({ validFrom: '2027-01-01T00:00:00Z', validTill: '2026-01-01T00:00:00Z' })),
    ).toBe('VALIDATION_FAILED');
    expect(
      await codeOf(issue({ customerId: acme.id, projectId: 'prj_00000000000000000000000000' })),
    ).toBe('VALIDATION_FAILED');
  });

  it('derives expired and not-yet-valid from the dates and shows days left', async () => {
    const now = new Date();
    const later = await issue({ validFrom: new Date(now.getTime() + 86_400_000).toISOString() });
    expect(later.status).toBe('not_yet_valid');
    const running = await issue({
      validTill: new Date(now.getTime() + 10.5 * 86_400_000).toISOString(),
    });
    expect(running.daysLeft).toBe(10);
    const tomorrow = new Date(now.getTime() + 11 * 86_400_000);
    expect((await getLicense(stores.licenses, admin, running.id, tomorrow)).status).toBe('expired');
  });

  it('suspends, reinstates and revokes, with revocation final and every step audited', async () => {
    const license = await issue();
    expect((await suspendLicense(deps, ctx(), license.id)).status).toBe('suspended');
    expect((await reinstateLicense(deps, ctx(), license.id)).status).toBe('active');
    expect((await revokeLicense(deps, ctx(), license.id)).status).toBe('revoked');
    expect(await codeOf(reinstateLicense(deps, ctx(), license.id))).toBe('LICENSE_REVOKED');
    expect(await codeOf(updateLicense(deps, ctx(), license.id, { seatLimit: 3 }))).toBe(
      'LICENSE_REVOKED',
    );
    const trail = await stores.audit.list({
      limit: 10,
      entityType: 'license',
      entityId: license.id,
    });
    expect(trail.items.map((e) => e.action)).toEqual([
      'license.revoked',
      'license.reinstated',
      'license.suspended',
      'license.issued',
    ]);
  });

  it('extends validity, changes limits and modules, and makes a license perpetual with null', async () => {
    const license = await issue({ validTill: '2030-01-01T00:00:00Z' });
    const changed = await updateLicense(deps, ctx(), license.id, {
      validTill: '2031-01-01T00:00:00Z',
      seatLimit: 25,
      modules: ['ivr', 'recording'],
    });
    expect(changed).toMatchObject({
      validTill: '2031-01-01T00:00:00.000Z',
      seatLimit: 25,
      version: 2,
    });
    const perpetual = await updateLicense(deps, ctx(), license.id, { validTill: null });
    expect(perpetual.validTill).toBeUndefined();
    expect(perpetual.daysLeft).toBeNull();
  });

  it('imports an unassigned key into a customer’s balance exactly once', async () => {
    const loose = await issueLicense(
      deps,
      ctx(),
      IssueLicenseInput.parse({
        productCode: 'CALL_CENTER',
        registeredEmail: 'x@y.example',
        companyName: 'Reseller stock',
        seatLimit: 5,
      }),
    );
    expect(loose.customerId).toBeUndefined();
    const extra = await createProject(stores.projects, ctx(), globex.id, { name: 'Branch' });
    const typed = loose.key.toLowerCase().replaceAll('-', ' ');
    const imported = await importLicense(deps, ctx(bound(globex.id, 'customer-admin')), globex.id, {
      key: typed,
      projectId: extra.id,
    });
    expect(imported).toMatchObject({ customerId: globex.id, projectId: extra.id });
    expect((await getProject(stores.projects, admin, globex.id, extra.id)).licenseCount).toBe(1);
    expect(await codeOf(importLicense(deps, ctx(), acme.id, { key: loose.key }))).toBe(
      'LICENSE_ALREADY_ASSIGNED',
    );
  });

  it('lets exactly one of two racing imports of the same key win', async () => {
    const loose = await issueLicense(
      deps,
      ctx(),
      IssueLicenseInput.parse({
        productCode: 'CALL_CENTER',
        registeredEmail: 'x@y.example',
        companyName: 'Race',
        seatLimit: 1,
      }),
    );
    const results = await Promise.all([
      codeOf(importLicense(deps, ctx(), acme.id, { key: loose.key })),
      codeOf(importLicense(deps, ctx(), globex.id, { key: loose.key })),
    ]);
    expect(results.sort()).toEqual(['LICENSE_ALREADY_ASSIGNED', 'resolved'].sort());
  });

  it('tells a typo from an unknown key from a revoked one', async () => {
    const loose = await issueLicense(
      deps,
      ctx(),
      IssueLicenseInput.parse({
        productCode: 'CALL_CENTER',
        registeredEmail: 'x@y.example',
        companyName: 'Gone',
        seatLimit: 1,
      }),
    );
    const typo = `${loose.key.slice(0, -1)}${loose.key.endsWith('0') ? '1' : '0'}`;
    expect(await codeOf(importLicense(deps, ctx(), acme.id, { key: typo }))).toBe(
      'LICENSE_KEY_INVALID',
    );
    expect(await codeOf(importLicense(deps, ctx(), acme.id, { key: 'hello' }))).toBe(
      'LICENSE_KEY_INVALID',
    );
    await revokeLicense(deps, ctx(), loose.id);
    expect(await codeOf(importLicense(deps, ctx(), acme.id, { key: loose.key }))).toBe(
      'LICENSE_REVOKED',
    );
    const neverIssued = generateLicenseKey(randomBytes);
    expect(await codeOf(importLicense(deps, ctx(), acme.id, { key: neverIssued }))).toBe(
      'NOT_FOUND',
    );
  });

  it('shows a customer its own licenses only, and the full key only to those who may copy it', async () => {
    const own = await issue();
    const other = await issue({ customerId: globex.id });
    const user = bound(acme.id, 'customer-user');
    const listed = await listLicenses(stores.licenses, user, { limit: 100 }, new Date());
    expect(listed.items.every((l) => l.customerId === acme.id)).toBe(true);
    expect(listed.items.find((l) => l.id === own.id)?.key).toMatch(/^[0-9A-Z]{5}-•/);
    expect(
      (await getLicense(stores.licenses, bound(acme.id, 'customer-admin'), own.id, new Date())).key,
    ).toBe(own.key);
    expect(await codeOf(getLicense(stores.licenses, user, other.id, new Date()))).toBe('NOT_FOUND');
    expect(
      await codeOf(
        listLicenses(stores.licenses, user, { limit: 5, customerId: globex.id }, new Date()),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(suspendLicense(deps, ctx(bound(acme.id, 'customer-admin')), own.id))).toBe(
      'FORBIDDEN',
    );
  });

  it('filters by status and product, finds by exact key, and pages without repeats', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Filter Co' });
    const mk = (extra: Record<string, unknown>) => issue({ customerId: customer.id, ...extra });
    const active = await mk({});
    const expired = await mk({
      validFrom: '2020-01-01T00:00:00Z',
      validTill: '2021-01-01T00:00:00Z',
    });
    const suspended = await mk({});
    await suspendLicense(deps, ctx(), suspended.id);
    const now = new Date();
    const scope = { limit: 100, customerId: customer.id };
    const ids = async (q: Record<string, unknown>) =>
      (await listLicenses(stores.licenses, admin, { ...scope, ...q }, now)).items.map((l) => l.id);
    expect(await ids({ status: 'active' })).toEqual([active.id]);
    expect(await ids({ status: 'expired' })).toEqual([expired.id]);
    expect(await ids({ status: 'suspended' })).toEqual([suspended.id]);
    expect(await ids({ q: active.key.replaceAll('-', '').toLowerCase() })).toEqual([active.id]);
    expect(
      await ids({ productCode: 'CALL_CENTER', projectId: customer.defaultProjectId }),
    ).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listLicenses(
        stores.licenses,
        admin,
        { limit: 1, customerId: customer.id, ...(cursor ? { cursor } : {}) },
        now,
      );
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([active.id, expired.id, suspended.id].sort());
  });

  it('keeps each pool’s licenses current in the same transactions, so its limit is never stale', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Pool Co' });
    const a = await issue({ customerId: customer.id, seatLimit: 10 });
    const b = await issue({ customerId: customer.id, seatLimit: 15 });
    const limitNow = async () => {
      const pool = await stores.pools.get(customer.defaultProjectId, 'CALL_CENTER');
      return pool ? poolLimit(pool.licenses, 'sum', new Date()) : undefined;
    };
    expect(await limitNow()).toBe(25);
    await suspendLicense(deps, ctx(), b.id);
    expect(await limitNow()).toBe(10);
    await updateLicense(deps, ctx(), a.id, { seatLimit: 12 });
    expect(await limitNow()).toBe(12);
    await revokeLicense(deps, ctx(), a.id);
    expect(await limitNow()).toBe(0);
    const pool = await stores.pools.get(customer.defaultProjectId, 'CALL_CENTER');
    expect(pool).toMatchObject({ customerId: customer.id, used: 0, licensesVersion: 5 });
  });
});
