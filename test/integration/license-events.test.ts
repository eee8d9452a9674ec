import { beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../lambdas/store/index.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { activatedInstance } from '../support/instances.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();
/** GET /licenses/{id}/events: the license's history for whoever may see the license, else 404. */
let stores: Stores;
let admin: string;
let licenseId: string;
let ownToken: string;
let strangerToken: string;

beforeAll(async () => {
  ({ admin, stores } = ready());
  const post = async (path: string, body?: unknown) =>
    (await invoke('POST', path, { token: admin, ...(body ? { body } : {}) })).json;
  await post('/products', { code: 'PBX', name: 'PBX', seatModel: 'instance' });
  const acme = await post('/customers', { name: 'Acme' });
  const globex = await post('/customers', { name: 'Globex' });
  const license = await post('/licenses', {
    productCode: 'PBX',
    customerId: acme.id,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 1,
    maxActivations: 2,
    notify: false,
  });
  licenseId = license.id as string;
  await activatedInstance(stores, licenseId, 'pbx-history');
  await post(`/licenses/${licenseId}/suspend`);
  const token = async (customerId: unknown) =>
    (await post('/tokens', { name: 'c', role: 'customer-admin', customerId })).token as string;
  ownToken = await token(acme.id);
  strangerToken = await token(globex.id);
});

describe('a license’s events', () => {
  it('lists issue, activation and change newest first, for the vendor and the owning customer', async () => {
    for (const token of [admin, ownToken]) {
      const answer = await invoke('GET', `/licenses/${licenseId}/events`, { token });

      expect(answer.status).toBe(200);
      expect((answer.json.items as { action: string }[]).map((e) => e.action)).toEqual([
        'license.suspended',
        'license.instance-activated',
        'license.issued',
      ]);
    }
  });

  it('pages with a cursor', async () => {
    const first = await invoke('GET', `/licenses/${licenseId}/events?limit=2`, { token: admin });
    const next = await invoke(
      'GET',
      `/licenses/${licenseId}/events?limit=2&cursor=${first.json.nextCursor}`,
      { token: admin },
    );
    expect((next.json.items as unknown[]).length).toBe(1);
    expect(next.json.nextCursor).toBeNull();
  });

  it('is 404 for another customer and for a license that does not exist', async () => {
    const foreign = await invoke('GET', `/licenses/${licenseId}/events`, { token: strangerToken });
    const missing = await invoke('GET', '/licenses/lic_00000000000000000000000000/events', {
      token: admin,
    });
    expect([foreign.status, foreign.json.code]).toEqual([404, 'NOT_FOUND']);
    expect(missing.status).toBe(404);
  });

  it('is 400 for a malformed license id', async () => {
    const answer = await invoke('GET', '/licenses/nope/events', { token: admin });
    expect([answer.status, answer.json.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
