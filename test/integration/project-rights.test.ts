import { beforeAll, describe, expect, it } from 'vitest';
import { useHandlerTable } from '../support/handler-table.ts';
import { activatedInstance } from '../support/instances.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();

/**
 * Rights per project, through the handlers: someone limited to one project of their customer
 * sees and acts only there (licenses, instances, pools, seats, trials); everything in another
 * project answers 404, as another customer's would, and company-wide pages are refused.
 */
let admin: string;
const call = (method: string, path: string, token: string, body?: unknown) =>
  invoke(method, path, { token, ...(body === undefined ? {} : { body }) });

let customerId = '';
let home = ''; // the default project: outside the limit
let plant = ''; // the one project the limited tokens see
const licenses: Record<string, { id: string; serial: string; key: string }> = {};
let limitedAdmin = '';
let limitedUser = '';
let companyAdmin = '';

const issue = async (name: string, productCode: string, projectId: string, seatLimit = 5) => {
  const answer = await call('POST', '/licenses', admin, {
    productCode,
    customerId,
    projectId,
    registeredEmail: `${name}@acme.example`,
    companyName: 'Acme',
    seatLimit,
    maxActivations: 3,
    notify: false,
  });
  expect(answer.status).toBe(201);
  licenses[name] = {
    id: String(answer.json.id),
    serial: String(answer.json.serial),
    key: String(answer.json.key),
  };
};

const token = async (role: string, projectIds?: string[]) => {
  const answer = await call('POST', '/tokens', admin, {
    name: role,
    role,
    customerId,
    ...(projectIds ? { projectIds } : {}),
  });
  expect(answer.status).toBe(201);
  return String(answer.json.token);
};

beforeAll(async () => {
  const state = ready();
  admin = state.admin;
  await call('POST', '/products', admin, {
    code: 'PBX',
    name: 'PBX',
    seatModel: 'instance',
    trial: { days: 10 },
  });
  await call('POST', '/products', admin, {
    code: 'CRM',
    name: 'CRM',
    seatModel: 'instance',
    trial: { days: 10 },
  });
  await call('POST', '/products', admin, { code: 'CHAT', name: 'Chat', seatModel: 'named' });
  const customer = await call('POST', '/customers', admin, { name: 'Acme' });
  customerId = String(customer.json.id);
  home = String(customer.json.defaultProjectId);
  plant = String(
    (await call('POST', `/customers/${customerId}/projects`, admin, { name: 'Plant 2' })).json.id,
  );
  await issue('home', 'PBX', home);
  await issue('plant', 'PBX', plant);
  await issue('homeChat', 'CHAT', home);
  await issue('plantChat', 'CHAT', plant);
  await activatedInstance(state.stores, licenses.home?.id ?? '', 'home-box');
  await activatedInstance(state.stores, licenses.plant?.id ?? '', 'plant-box');
  limitedAdmin = await token('customer-admin', [plant]);
  limitedUser = await token('customer-user', [plant]);
  companyAdmin = await token('customer-admin');
});

describe('rights per project', () => {
  it('shows a limited person the licenses of their project and no other, whatever they ask', async () => {
    for (const who of [limitedAdmin, limitedUser]) {
      expect((await call('GET', `/licenses/${licenses.plant?.id}`, who)).status).toBe(200);
      const other = await call('GET', `/licenses/${licenses.home?.id}`, who);
      expect([other.status, other.json.code]).toEqual([404, 'NOT_FOUND']);
      const listed = await call('GET', `/licenses?customerId=${customerId}`, who);
      expect((listed.json.items as { projectId: string }[]).map((l) => l.projectId).sort()).toEqual(
        [plant, plant],
      );
      const found = await call('GET', `/licenses?q=${licenses.home?.serial}`, who);
      expect(found.json.items).toEqual([]);
      const byEnd = await call('GET', `/licenses?sort=validTill`, who);
      expect((byEnd.json.items as unknown[]).length).toBe(2);
      const elsewhere = await call(
        'GET',
        `/licenses?customerId=${customerId}&projectId=${home}`,
        who,
      );
      expect(elsewhere.status).toBe(404);
    }
    // The company user without a limit still sees both projects.
    const all = await call('GET', `/licenses?customerId=${customerId}`, companyAdmin);
    expect((all.json.items as unknown[]).length).toBe(4);
  });

  it('hides another project’s instances, history, pools and seats (404), and shows their own', async () => {
    const homeLicense = licenses.home?.id;
    for (const path of [
      `/licenses/${homeLicense}/activations`,
      `/licenses/${homeLicense}/events`,
    ]) {
      expect((await call('GET', path, limitedAdmin)).status).toBe(404);
    }
    expect(
      (await call('GET', `/licenses/${licenses.plant?.id}/activations`, limitedAdmin)).json.items,
    ).toHaveLength(1);
    expect((await call('GET', `/licenses/${licenses.plant?.id}/events`, limitedAdmin)).status).toBe(
      200,
    );

    const pools = await call('GET', `/customers/${customerId}/pools`, limitedAdmin);
    expect((pools.json.items as { projectId: string }[]).every((p) => p.projectId === plant)).toBe(
      true,
    );
    expect((pools.json.items as unknown[]).length).toBe(2);
    const base = `/customers/${customerId}/projects`;
    const hidden = [
      await call('GET', `${base}/${home}/pools/CHAT/assignments`, limitedAdmin),
      await call('POST', `${base}/${home}/pools/CHAT/assignments`, limitedAdmin, { userId: 'ann' }),
      await call('GET', `${base}/${home}/pools/PBX/seats`, limitedAdmin),
      await call('GET', `${base}/${home}`, limitedAdmin),
    ];
    expect(hidden.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    expect(
      (await call('GET', `${base}/${plant}/pools/CHAT/assignments`, limitedAdmin)).status,
    ).toBe(200);
    const projects = await call('GET', base, limitedAdmin);
    expect((projects.json.items as { id: string }[]).map((p) => p.id)).toEqual([plant]);
  });

  it('imports and requests trials only into their own project', async () => {
    const unassigned = await call('POST', '/licenses', admin, {
      productCode: 'PBX',
      registeredEmail: 'spare@acme.example',
      companyName: 'Acme',
      seatLimit: 1,
      notify: false,
    });
    const key = String(unassigned.json.key);
    const intoHome = await call('POST', `/customers/${customerId}/licenses/import`, limitedAdmin, {
      key,
    });
    expect(intoHome.status).toBe(404); // no projectId: the default project, which they cannot see
    const intoPlant = await call('POST', `/customers/${customerId}/licenses/import`, limitedAdmin, {
      key,
      projectId: plant,
    });
    expect(intoPlant.json).toMatchObject({ projectId: plant });

    const trials = `/customers/${customerId}/trials`;
    expect(
      (
        await call('POST', trials, limitedAdmin, {
          productCode: 'PBX',
          registeredEmail: 'a@acme.example',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST', trials, limitedAdmin, {
          productCode: 'PBX',
          projectId: plant,
          registeredEmail: 'a@acme.example',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('POST', trials, companyAdmin, {
          productCode: 'CRM',
          registeredEmail: 'b@acme.example',
        })
      ).status,
    ).toBe(201);
    const listed = await call('GET', trials, limitedUser);
    expect((listed.json.items as { productCode: string }[]).map((t) => t.productCode)).toEqual([
      'PBX',
    ]);
    expect((await call('GET', `${trials}/CRM`, limitedUser)).status).toBe(404);
  });

  it('refuses a limited person the company-wide pages: tokens, people, the audit trail, new projects', async () => {
    const answers = [
      await call('GET', '/tokens', limitedAdmin),
      await call('POST', '/tokens', limitedAdmin, { name: 'x', role: 'customer-user' }),
      await call('GET', '/people', limitedAdmin),
      await call('GET', '/audit-events', limitedAdmin),
      await call('POST', `/customers/${customerId}/projects`, limitedAdmin, { name: 'Mine' }),
    ];
    expect(answers.map((a) => [a.status, a.json.code])).toEqual(
      answers.map(() => [403, 'FORBIDDEN']),
    );
  });

  it('limits only to the customer’s own existing projects, and only customer roles', async () => {
    const other = await call('POST', '/customers', admin, { name: 'Other' });
    const theirs = String(other.json.defaultProjectId);
    const foreign = await call('POST', '/tokens', admin, {
      name: 'x',
      role: 'customer-user',
      customerId,
      projectIds: [theirs],
    });
    expect(foreign.status).toBe(400);
    expect(foreign.json.errors).toEqual([expect.objectContaining({ path: 'body.projectIds' })]);
    const staff = await call('POST', '/tokens', admin, {
      name: 'x',
      role: 'vendor-support',
      projectIds: [plant],
    });
    expect(staff.status).toBe(400);
    const listed = await call('GET', '/tokens', admin);
    expect(
      (listed.json.items as { role: string; projectIds?: string[] }[]).filter((t) => t.projectIds),
    ).toEqual([
      expect.objectContaining({ role: 'customer-user', projectIds: [plant] }),
      expect.objectContaining({ role: 'customer-admin', projectIds: [plant] }),
    ]);
  });
});
