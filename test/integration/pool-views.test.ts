import { beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../lambdas/store/index.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { activatedInstance } from '../support/instances.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();
/**
 * Seed 001's registry columns for every seat model: Used = users signed in now (competitive),
 * users assigned (nominal), instances activated (instance model); Limit = the maximum;
 * Competitive = whether seats are concurrent. For pools and for every license row.
 */
let stores: Stores;
let admin: string;
let customerId: string;
let projectId: string;

const post = (path: string, body?: unknown, token = admin) =>
  invoke('POST', path, { token, ...(body === undefined ? {} : { body }) });

const issue = async (productCode: string, seatLimit: number, maxActivations: number) => {
  const answer = await post('/licenses', {
    productCode,
    customerId,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit,
    maxActivations,
    notify: false,
  });
  expect(answer.status).toBe(201);
  return answer.json.id as string;
};

beforeAll(async () => {
  ({ admin, stores } = ready());
  await post('/products', { code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' });
  await post('/products', { code: 'CHAT', name: 'Chat', seatModel: 'named', aggregation: 'max' });
  await post('/products', { code: 'PBX', name: 'PBX', seatModel: 'instance' });
  const customer = await post('/customers', { name: 'Acme' });
  customerId = customer.json.id as string;
  projectId = customer.json.defaultProjectId as string;

  const agents = await issue('AGENTS', 10, 1);
  const agentBox = await activatedInstance(stores, agents, 'agents-box');
  for (const session of ['s1', 's2', 's3']) {
    await post('/instance/seats/checkout', { sessionId: session, userId: session }, agentBox.token);
  }
  await issue('CHAT', 5, 1);
  await issue('CHAT', 8, 1);
  for (const user of ['ann', 'bob', 'cid', 'dee']) {
    await post(`/customers/${customerId}/projects/${projectId}/pools/CHAT/assignments`, {
      userId: user,
    });
  }
  const pbxA = await issue('PBX', 0, 3);
  const pbxB = await issue('PBX', 0, 4);
  await activatedInstance(stores, pbxA, 'pbx-1');
  await activatedInstance(stores, pbxA, 'pbx-2');
  await activatedInstance(stores, pbxB, 'pbx-3');
});

describe('pool and registry figures', () => {
  it('give every pool used, limit and competitive as its seat model means them', async () => {
    const pools = await invoke('GET', `/customers/${customerId}/pools`, { token: admin });

    const byProduct = Object.fromEntries(
      (pools.json.items as { productCode: string }[]).map((p) => [p.productCode, p]),
    );
    expect(byProduct.AGENTS).toMatchObject({
      seatModel: 'concurrent',
      used: 3,
      limit: 10,
      competitive: true,
    });
    expect(byProduct.CHAT).toMatchObject({
      seatModel: 'named',
      used: 4,
      limit: 8,
      competitive: false,
    });
    expect(byProduct.PBX).toMatchObject({
      seatModel: 'instance',
      used: 3,
      limit: 7,
      competitive: false,
    });
  });

  it('give every license row used, limit and competitive, in listings and single reads', async () => {
    const list = await invoke('GET', `/licenses?customerId=${customerId}&limit=100`, {
      token: admin,
    });
    const rows = list.json.items as { id: string; productCode: string; maxActivations: number }[];

    const figures = rows.map((r) => [r.productCode, r]).sort() as [
      string,
      Record<string, unknown>,
    ][];
    for (const [product, row] of figures) {
      if (product === 'AGENTS')
        expect(row).toMatchObject({ used: 3, limit: 10, competitive: true });
      if (product === 'CHAT') expect(row).toMatchObject({ used: 4, competitive: false });
      if (product === 'PBX') {
        expect(row).toMatchObject({ limit: row.maxActivations, competitive: false });
        expect(row.used).toBe(row.maxActivations === 3 ? 2 : 1);
      }
    }
    const one = rows.find((r) => r.productCode === 'PBX' && r.maxActivations === 3);
    const single = await invoke('GET', `/licenses/${one?.id}`, { token: admin });
    expect(single.json).toMatchObject({ used: 2, limit: 3, competitive: false });
  });
});
