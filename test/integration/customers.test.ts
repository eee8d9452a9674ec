import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import type { ChangeContext } from '../../lambdas/domain/audit.ts';
import { listAuditEvents } from '../../lambdas/domain/audit-queries.ts';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../lambdas/domain/customers.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  updateProject,
} from '../../lambdas/domain/projects.ts';
import { createToken, revokeToken } from '../../lambdas/domain/tokens.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { keys } from '../../lambdas/store/keys.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const bound = (
  customerId: string,
  role: 'customer-admin' | 'customer-user' = 'customer-admin',
): Principal => ({
  kind: 'token',
  tokenId: `tok_${role}`,
  role,
  customerId,
});
const ctx = (principal: Principal = admin): ChangeContext => ({
  principal,
  now: new Date(),
  ids: idGenerator(),
});
const search = { limit: 25 };

let stores: Stores;
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
});

describe('customers and projects on DynamoDB Local', () => {
  it('gives every new customer a default project, both audited in one transaction', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Acme' });
    const projects = await listProjects(stores.projects, admin, customer.id, search);
    expect(projects.items).toEqual([
      expect.objectContaining({ id: customer.defaultProjectId, name: 'Default', isDefault: true }),
    ]);
    const trail = await listAuditEvents(stores.audit, admin, {
      limit: 10,
      customerId: customer.id,
    });
    expect(trail.items.map((e) => e.action).sort()).toEqual([
      'customer.created',
      'project.created',
    ]);
  });

  it('finds customers by a case-insensitive name search', async () => {
    await createCustomer(stores.customers, ctx(), { name: 'Zebra Telecom' });
    const page = await listCustomers(stores.customers, admin, { limit: 25, q: 'ZEBRA' });
    expect(page.items.map((c) => c.name)).toEqual(['Zebra Telecom']);
  });

  it('shows a customer-bound caller only its own customer, and 404 for any other', async () => {
    const mine = await createCustomer(stores.customers, ctx(), { name: 'Mine Ltd' });
    const theirs = await createCustomer(stores.customers, ctx(), { name: 'Theirs Ltd' });
    const me = bound(mine.id, 'customer-user');
    expect(
      (await listCustomers(stores.customers, me, { limit: 25 })).items.map((c) => c.id),
    ).toEqual([mine.id]);
    expect(await codeOf(getCustomer(stores.customers, me, theirs.id))).toBe('NOT_FOUND');
    expect(await codeOf(listProjects(stores.projects, me, theirs.id, search))).toBe('NOT_FOUND');
    expect(await codeOf(getProject(stores.projects, me, theirs.id, theirs.defaultProjectId))).toBe(
      'NOT_FOUND',
    );
    expect(
      await codeOf(createProject(stores.projects, ctx(bound(mine.id)), theirs.id, { name: 'x' })),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(listAuditEvents(stores.audit, me, { limit: 5, customerId: theirs.id })),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        listAuditEvents(stores.audit, bound(mine.id), { limit: 5, customerId: theirs.id }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('filters a customer admin’s audit reads to its own customer even by entity', async () => {
    const mine = await createCustomer(stores.customers, ctx(), { name: 'Audit Mine' });
    const theirs = await createCustomer(stores.customers, ctx(), { name: 'Audit Theirs' });
    const page = await listAuditEvents(stores.audit, bound(mine.id), {
      limit: 10,
      entityType: 'customer',
      entityId: theirs.id,
    });
    expect(page.items).toEqual([]);
  });

  it('lets a customer admin create and rename projects, but a customer user not', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Projects Inc' });
    const project = await createProject(stores.projects, ctx(bound(customer.id)), customer.id, {
      name: 'Milan site',
    });
    expect(
      await codeOf(
        createProject(stores.projects, ctx(bound(customer.id, 'customer-user')), customer.id, {
          name: 'x',
        }),
      ),
    ).toBe('FORBIDDEN');
    const renamed = await updateProject(
      stores.projects,
      ctx(bound(customer.id)),
      customer.id,
      project.id,
      { name: 'Rome site' },
    );
    expect(renamed).toMatchObject({ name: 'Rome site', version: 2 });
    expect((await getCustomer(stores.customers, admin, customer.id)).projectCount).toBe(2);
  });

  it('refuses to delete the default project, a project with licenses, or a customer with projects', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Deps Co' });
    const extra = await createProject(stores.projects, ctx(), customer.id, { name: 'Extra' });
    expect(
      await codeOf(deleteProject(stores.projects, ctx(), customer.id, customer.defaultProjectId)),
    ).toBe('HAS_DEPENDENTS');
    expect(
      await codeOf(deleteCustomer(stores.customers, stores.projects.get, ctx(), customer.id)),
    ).toBe('HAS_DEPENDENTS');
    await table.sdk.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.project(customer.id, extra.id),
        UpdateExpression: 'SET licenseCount = :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    expect(await codeOf(deleteProject(stores.projects, ctx(), customer.id, extra.id))).toBe(
      'HAS_DEPENDENTS',
    );
  });

  it('refuses to delete a customer with live tokens until they are revoked', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Token Holder' });
    const token = await createToken(stores.tokens, tokenSecrets, ctx(), {
      name: 'portal',
      role: 'customer-user',
      customerId: customer.id,
    });
    expect(
      await codeOf(deleteCustomer(stores.customers, stores.projects.get, ctx(), customer.id)),
    ).toBe('HAS_DEPENDENTS');
    await revokeToken(stores.tokens, ctx(), token.id);
    await deleteCustomer(stores.customers, stores.projects.get, ctx(), customer.id);
    expect(await codeOf(getCustomer(stores.customers, admin, customer.id))).toBe('NOT_FOUND');
    expect(
      await codeOf(getProject(stores.projects, admin, customer.id, customer.defaultProjectId)),
    ).toBe('NOT_FOUND');
  });

  it('deletes a project and lowers the project count in the same transaction', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Shrink AG' });
    const extra = await createProject(stores.projects, ctx(), customer.id, { name: 'Temp' });
    await deleteProject(stores.projects, ctx(), customer.id, extra.id);
    expect((await getCustomer(stores.customers, admin, customer.id)).projectCount).toBe(1);
  });

  it('counts projects exactly under 20 concurrent creations', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Busy GmbH' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        codeOf(createProject(stores.projects, ctx(), customer.id, { name: `P${i}` })),
      ),
    );
    const created = results.filter((r) => r === 'resolved').length;
    const projects = await listProjects(stores.projects, admin, customer.id, { limit: 100 });
    expect(projects.items).toHaveLength(1 + created);
    expect((await getCustomer(stores.customers, admin, customer.id)).projectCount).toBe(
      1 + created,
    );
  });

  it('keeps the project count when a customer is renamed while a project is created', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Rename Race' });
    await Promise.all([
      updateCustomer(stores.customers, ctx(), customer.id, { name: 'Renamed' }),
      createProject(stores.projects, ctx(), customer.id, { name: 'Concurrent' }),
    ]);
    const after = await getCustomer(stores.customers, admin, customer.id);
    expect(after).toMatchObject({ name: 'Renamed', projectCount: 2 });
  });

  it('clears optional fields set to null on update', async () => {
    const customer = await createCustomer(stores.customers, ctx(), {
      name: 'Nullable',
      externalRef: 'CRM-1',
    });
    const after = await updateCustomer(stores.customers, ctx(), customer.id, { externalRef: null });
    expect(after.externalRef).toBeUndefined();
    expect((await getCustomer(stores.customers, admin, customer.id)).externalRef).toBeUndefined();
  });

  it('refuses a project for a customer that does not exist', async () => {
    expect(
      await codeOf(
        createProject(stores.projects, ctx(), 'cus_00000000000000000000000000', { name: 'x' }),
      ),
    ).toBe('NOT_FOUND');
  });
});
