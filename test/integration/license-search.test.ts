import { beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../lambdas/store/index.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { activatedInstance } from '../support/instances.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();
/**
 * Search support staff can rely on: exact lookups through an index (serial, key, e-mail,
 * instance fingerprint or hostname), end-of-validity filters and order, pages that are never
 * empty before a cursor, and a pool's seats by user.
 */
let stores: Stores;
let admin: string;
let acme: { id: string; defaultProjectId: string };
let globex: { id: string; defaultProjectId: string };
const day = 86_400_000;

const call = (method: string, url: string, body?: unknown, token = admin) =>
  invoke(method, url, { token, ...(body === undefined ? {} : { body }) });

const issue = async (customerId: string | undefined, extra: Record<string, unknown> = {}) => {
  const answer = await call('POST', '/licenses', {
    productCode: 'AGENTS',
    ...(customerId ? { customerId } : {}),
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 5,
    maxActivations: 5,
    notify: false,
    ...extra,
  });
  expect(answer.status).toBe(201);
  return answer.json as { id: string; key: string; serial: string };
};

const ids = async (query: string, token = admin) => {
  const answer = await call('GET', `/licenses?${query}`, undefined, token);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return (answer.json.items as { id: string }[]).map((l) => l.id);
};

beforeAll(async () => {
  ({ admin, stores } = ready());
  await call('POST', '/products', { code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' });
  acme = (await call('POST', '/customers', { name: 'Acme' })).json as typeof acme;
  globex = (await call('POST', '/customers', { name: 'Globex' })).json as typeof globex;
});

describe('exact lookup', () => {
  it('finds a license by serial, by key in any spelling, by e-mail, by fingerprint and by hostname', async () => {
    const target = await issue(acme.id, { registeredEmail: 'Ops.Desk@Acme.example' });
    await issue(acme.id);
    await activatedInstance(stores, target.id, 'PBX-7F3A9C01');
    await activatedInstance(stores, target.id, 'fp-with-hostname', 'pbx-milano-1');

    for (const q of [
      target.serial,
      target.serial.toLowerCase(),
      target.key,
      target.key.replaceAll('-', '').toLowerCase(),
      'ops.desk@acme.example',
      'pbx-7f3a9c01',
      'PBX-MILANO-1',
    ]) {
      expect(await ids(`q=${encodeURIComponent(q)}`), q).toEqual([target.id]);
    }
    expect(await ids('q=nothing-like-this')).toEqual([]);
  });

  it('follows an e-mail change: the old address finds nothing, the new one finds the license', async () => {
    const license = await issue(acme.id, { registeredEmail: 'old@acme.example' });
    await call('PATCH', `/licenses/${license.id}`, { registeredEmail: 'new@acme.example' });

    expect(await ids('q=old%40acme.example')).toEqual([]);
    expect(await ids('q=new%40acme.example')).toEqual([license.id]);
  });

  it('pages an e-mail shared by many licenses and applies the other filters to what it finds', async () => {
    const shared = 'reseller@partner.example';
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await issue(acme.id, { registeredEmail: shared }));
    const suspended = made[4] as { id: string };
    await call('POST', `/licenses/${suspended.id}/suspend`);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        'GET',
        `/licenses?q=${encodeURIComponent(shared)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...(page.json.items as { id: string }[]).map((l) => l.id));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    expect(seen.sort()).toEqual(made.map((l) => l.id).sort());
    expect(await ids(`q=${encodeURIComponent(shared)}&status=suspended`)).toEqual([suspended.id]);
  });

  it('shows a customer only its own licenses, whatever it looks up', async () => {
    const theirs = await issue(globex.id, { registeredEmail: 'shared@both.example' });
    const mine = await issue(acme.id, { registeredEmail: 'shared@both.example' });
    const token = (
      await call('POST', '/tokens', { name: 'c', role: 'customer-admin', customerId: acme.id })
    ).json.token as string;

    expect(await ids('q=shared%40both.example', token)).toEqual([mine.id]);
    expect(await ids(`q=${theirs.serial}`, token)).toEqual([]);
    expect(await ids(`q=${theirs.key}`, token)).toEqual([]);
  });
});

describe('by end of validity', () => {
  it('lists licenses ending before a time, soonest first, within a customer and a status', async () => {
    const customer = (await call('POST', '/customers', { name: 'Ends Co' })).json as { id: string };
    const at = (days: number) => new Date(Date.now() + days * day).toISOString();
    const in20 = await issue(customer.id, { validTill: at(20) });
    const in5 = await issue(customer.id, { validTill: at(5) });
    const in40 = await issue(customer.id, { validTill: at(40) });
    const perpetual = await issue(customer.id);
    const suspended = await issue(customer.id, { validTill: at(10) });
    await call('POST', `/licenses/${suspended.id}/suspend`);

    const base = `customerId=${customer.id}`;
    expect(await ids(`${base}&expiresBefore=${at(30)}`)).toEqual([in5.id, suspended.id, in20.id]);
    expect(await ids(`${base}&sort=validTill`)).toEqual([
      in5.id,
      suspended.id,
      in20.id,
      in40.id,
      perpetual.id,
    ]);
    expect(await ids(`${base}&expiresBefore=${at(30)}&status=active`)).toEqual([in5.id, in20.id]);
    const vendorWide = await ids(`expiresBefore=${at(30)}&limit=100`);
    expect(vendorWide).toEqual(expect.arrayContaining([in5.id, in20.id]));
    expect(vendorWide).not.toContain(in40.id);
  });

  it('never answers an empty page with a cursor, however sparse the matches', async () => {
    const customer = (await call('POST', '/customers', { name: 'Sparse Co' })).json as {
      id: string;
    };
    const rare = await issue(customer.id);
    await call('POST', `/licenses/${rare.id}/revoke`);
    for (let i = 0; i < 30; i++) await issue(customer.id);

    const answer = await call('GET', `/licenses?customerId=${customer.id}&status=revoked&limit=1`);

    expect((answer.json.items as { id: string }[]).map((l) => l.id)).toEqual([rare.id]);
  });
});

describe('a pool’s seats by user', () => {
  it('lists one user’s seats and frees them all at once, audited, with the counter lowered', async () => {
    const license = await issue(acme.id, { seatLimit: 10 });
    const box = await activatedInstance(stores, license.id, 'seat-box-1');
    for (const [session, user] of [
      ['s1', 'ann'],
      ['s2', 'ann'],
      ['s3', 'bob'],
    ]) {
      await call(
        'POST',
        '/instance/seats/checkout',
        { sessionId: session, userId: user },
        box.token,
      );
    }
    const pool = `/customers/${acme.id}/projects/${acme.defaultProjectId}/pools/AGENTS`;
    const before = (await stores.pools.get(acme.defaultProjectId, 'AGENTS'))?.used ?? 0;

    const anns = await call('GET', `${pool}/seats?userId=ann`);
    const freed = await call('DELETE', `${pool}/users/ann/seats`);

    expect((anns.json.items as { sessionId: string }[]).map((s) => s.sessionId).sort()).toEqual([
      's1',
      's2',
    ]);
    expect(freed.json).toEqual({ released: 2 });
    expect((await stores.pools.get(acme.defaultProjectId, 'AGENTS'))?.used).toBe(before - 2);
    expect(((await call('GET', `${pool}/seats?userId=ann`)).json.items as unknown[]).length).toBe(
      0,
    );
    const events = await call(
      'GET',
      `/audit-events?entityType=pool&entityId=${acme.defaultProjectId}:AGENTS&limit=5`,
    );
    expect(
      (events.json.items as { action: string }[]).filter(
        (e) => e.action === 'pool.seat-force-released',
      ),
    ).toHaveLength(2);
    const beat = await call('POST', '/instance/seats/heartbeat', { sessionId: 's1' }, box.token);
    expect(beat.status).toBe(410);
  });

  it('is 404 for another customer’s pool', async () => {
    const token = (
      await call('POST', '/tokens', { name: 'g', role: 'customer-admin', customerId: globex.id })
    ).json.token as string;
    const answer = await call(
      'DELETE',
      `/customers/${acme.id}/projects/${acme.defaultProjectId}/pools/AGENTS/users/ann/seats`,
      undefined,
      token,
    );
    expect(answer.status).toBe(404);
  });
});
