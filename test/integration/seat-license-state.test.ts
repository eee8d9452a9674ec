import { beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../lambdas/store/index.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { activatedInstance } from '../support/instances.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();
/**
 * An instance's own license decides whether it may hold seats, even while other licenses keep
 * the project's pool open: checkout and the named-seat check refuse with the license's code, and
 * a seat already held is freed at its next heartbeat (410 LEASE_GONE with the license's code).
 */
let stores: Stores;
let admin: string;
let customerId: string;

const post = async (path: string, body?: unknown, token = admin) =>
  invoke('POST', path, { token, ...(body === undefined ? {} : { body }) });

const issue = async (productCode: string, extra: Record<string, unknown> = {}) => {
  const answer = await post('/licenses', {
    productCode,
    customerId,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 5,
    maxActivations: 3,
    notify: false,
    ...extra,
  });
  expect(answer.status).toBe(201);
  return answer.json.id as string;
};

const used = async (projectId: string, productCode: string) =>
  (await stores.pools.get(projectId, productCode))?.used;

let projectId: string;

beforeAll(async () => {
  ({ admin, stores } = ready());
  await post('/products', { code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' });
  await post('/products', { code: 'CRM', name: 'CRM', seatModel: 'named' });
  const customer = await post('/customers', { name: 'Acme' });
  customerId = customer.json.id as string;
  projectId = customer.json.defaultProjectId as string;
});

describe("an instance's own license", () => {
  it.each([
    ['revoked', 'revoke', 'LICENSE_REVOKED'],
    ['suspended', 'suspend', 'LICENSE_SUSPENDED'],
  ] as const)(
    'once %s, refuses its checkouts (%s → %s) while an instance of another license of the pool still checks out',
    async (_state, action, code) => {
      const [kept, stopped] = [await issue('AGENTS'), await issue('AGENTS')];
      const keeper = await activatedInstance(stores, kept, `keeper-${action}`);
      const loser = await activatedInstance(stores, stopped, `loser-${action}`);
      expect((await post(`/licenses/${stopped}/${action}`)).status).toBe(200);

      const refused = await post(
        '/instance/seats/checkout',
        { sessionId: `l-${action}`, userId: 'u1' },
        loser.token,
      );
      const granted = await post(
        '/instance/seats/checkout',
        { sessionId: `k-${action}`, userId: 'u2' },
        keeper.token,
      );

      expect([refused.status, refused.json.code]).toEqual([409, code]);
      expect(granted.status).toBe(200);
    },
  );

  it('refuses checkouts once its end date has passed, with LICENSE_EXPIRED', async () => {
    const soon = new Date(Date.now() + 1500).toISOString();
    const open = await issue('AGENTS');
    const ending = await issue('AGENTS', { validTill: soon });
    await activatedInstance(stores, open, 'open-1');
    const instance = await activatedInstance(stores, ending, 'ending-1');
    await new Promise((r) => setTimeout(r, 1600));

    const refused = await post(
      '/instance/seats/checkout',
      { sessionId: 'e-1', userId: 'u' },
      instance.token,
    );

    expect([refused.status, refused.json.code]).toEqual([409, 'LICENSE_EXPIRED']);
  });

  it('frees a seat held under a revoked license at its next heartbeat: 410 with the license code', async () => {
    const [kept, stopped] = [await issue('AGENTS'), await issue('AGENTS')];
    await activatedInstance(stores, kept, 'hb-keeper');
    const holder = await activatedInstance(stores, stopped, 'hb-holder');
    const checkout = await post(
      '/instance/seats/checkout',
      { sessionId: 'hb-1', userId: 'u' },
      holder.token,
    );
    expect(checkout.status).toBe(200);
    const before = await used(projectId, 'AGENTS');
    await post(`/licenses/${stopped}/revoke`);

    const beat = await post('/instance/seats/heartbeat', { sessionId: 'hb-1' }, holder.token);

    expect(beat.status).toBe(410);
    expect(beat.json).toMatchObject({ code: 'LEASE_GONE', licenseCode: 'LICENSE_REVOKED' });
    expect(await used(projectId, 'AGENTS')).toBe((before ?? 0) - 1);
    expect(await stores.seats.lease(projectId, 'AGENTS', 'hb-1')).toBeUndefined();
    const again = await post('/instance/seats/release', { sessionId: 'hb-1' }, holder.token);
    expect(again.json).toEqual({ released: false });
  });

  it('refuses the named-seat check of a suspended license while another keeps the pool open', async () => {
    const [kept, stopped] = [await issue('CRM'), await issue('CRM')];
    const keeper = await activatedInstance(stores, kept, 'crm-keeper');
    const loser = await activatedInstance(stores, stopped, 'crm-loser');
    const path = `/customers/${customerId}/projects/${projectId}/pools/CRM/assignments`;
    expect((await post(path, { userId: 'ann' })).status).toBe(201);
    await post(`/licenses/${stopped}/suspend`);

    const refused = await post('/instance/seats/assignment', { userId: 'ann' }, loser.token);
    const answered = await post('/instance/seats/assignment', { userId: 'ann' }, keeper.token);

    expect([refused.status, refused.json.code]).toEqual([409, 'LICENSE_SUSPENDED']);
    expect(answered.json).toMatchObject({ assigned: true });
  });
});
