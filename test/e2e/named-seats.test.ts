import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TesseraClient } from '../../sdk/src/client.ts';
import { useLocalPlatform } from '../support/platform.ts';

/** Named seats over HTTP: an admin assigns, the instance asks, the limit holds, all audited. */
const local = useLocalPlatform();

const api = async (method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? local().adminToken}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

const newestCode = async () => {
  const files = (await readdir(local().outboxDir)).filter((f) => f.endsWith('.eml')).sort();
  const eml = await readFile(join(local().outboxDir, files.at(-1) as string), 'utf8');
  return /\b(\d{4}-\d{4})\b/.exec(eml)?.[1] as string;
};

describe('named seats through the API', () => {
  it('assigns up to the limit, never the same user twice, and answers the instance', async () => {
    await api('POST', '/products', { code: 'CRM', name: 'CRM', seatModel: 'named' });
    const customer = await api('POST', '/customers', { name: 'Named Co' });
    const customerId = customer.json.id as string;
    const projectId = customer.json.defaultProjectId as string;
    const license = await api('POST', '/licenses', {
      productCode: 'CRM',
      customerId,
      registeredEmail: 'it@named.example',
      companyName: 'Named Co',
      seatLimit: 2,
      notify: false,
    });
    const pool = `/customers/${customerId}/projects/${projectId}/pools/CRM`;

    expect((await api('POST', `${pool}/assignments`, { userId: 'ann@named.example' })).status).toBe(
      201,
    );
    const twice = await api('POST', `${pool}/assignments`, { userId: 'ANN@named.example' });
    expect([twice.status, twice.json.code]).toEqual([409, 'ALREADY_EXISTS']);
    expect((await api('POST', `${pool}/assignments`, { userId: 'bob' })).status).toBe(201);
    const full = await api('POST', `${pool}/assignments`, { userId: 'cy' });
    expect(full.json).toMatchObject({ status: 409, code: 'POOL_FULL', used: 2, limit: 2 });

    const listed = await api('GET', `${pool}/assignments?limit=1`);
    expect((listed.json.items as unknown[]).length).toBe(1);
    expect(listed.json.nextCursor).toEqual(expect.any(String));

    const pools = await api('GET', `/customers/${customerId}/pools`);
    expect(pools.json.items).toEqual([expect.objectContaining({ productCode: 'CRM', limit: 2 })]);

    const instance = new TesseraClient({ baseUrl: local().url });
    const started = await instance.startActivation({
      key: license.json.key as string,
      fingerprint: 'crm-host',
    });
    await instance.completeActivation(started.activationId, await newestCode());
    const ask = async (userId: string) => {
      const response = await fetch(`${local().url}/instance/seats/assignment`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${instance.activationToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ userId }),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await ask('Ann@Named.example')).toMatchObject({ assigned: true });
    expect(await ask('cy')).toEqual({ assigned: false });
    const checkout = await fetch(`${local().url}/instance/seats/checkout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${instance.activationToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ sessionId: 's1', userId: 'ann' }),
    });
    expect(((await checkout.json()) as { code: string }).code).toBe('WRONG_SEAT_MODEL');

    expect(
      (await api('DELETE', `${pool}/assignments/${encodeURIComponent('ann@named.example')}`))
        .status,
    ).toBe(200);
    expect((await api('POST', `${pool}/assignments`, { userId: 'cy' })).status).toBe(201);
    const audit = await api(
      'GET',
      `/audit-events?entityType=pool&entityId=${encodeURIComponent(`${projectId}:CRM`)}`,
    );
    expect((audit.json.items as { action: string }[]).map((e) => e.action)).toEqual([
      'pool.seat-assigned',
      'pool.seat-unassigned',
      'pool.seat-assigned',
      'pool.seat-assigned',
    ]);
  });
});
