import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalPlatform } from '../support/platform.ts';

/** The README's tour, step by step, over real HTTP against the local runtime. */
const local = useLocalPlatform();
let admin: string;

const call = async (method: string, path: string, token?: string, body?: unknown) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown> & {
      items?: Record<string, unknown>[];
    },
  };
};

beforeAll(() => {
  admin = local().adminToken as string;
});

describe('the README tour on the local runtime', () => {
  it('hands out a vendor-admin token on first start', () => {
    expect(admin).toMatch(/^tsr_/);
  });

  it('creates a product, a customer with its default project, and shows both in the audit log', async () => {
    const product = await call('POST', '/products', admin, {
      code: 'CALL_CENTER',
      name: 'Call Center',
      seatModel: 'concurrent',
      modules: [{ code: 'ivr', name: 'IVR' }],
    });
    expect(product.status).toBe(201);

    const customer = await call('POST', '/customers', admin, { name: 'Acme Telecom' });
    expect(customer.status).toBe(201);
    const projects = await call('GET', `/customers/${customer.json.id}/projects`, admin);
    expect(projects.json.items).toEqual([
      expect.objectContaining({ name: 'Default', isDefault: true }),
    ]);

    const audit = await call('GET', '/audit-events?limit=10', admin);
    expect(audit.json.items?.map((e) => e.action)).toEqual(
      expect.arrayContaining(['product.created', 'customer.created', 'project.created']),
    );
  });

  it('gives a customer-bound token its own customer and a 404 for every other one', async () => {
    const acme = await call('POST', '/customers', admin, { name: 'Acme Two' });
    const globex = await call('POST', '/customers', admin, { name: 'Globex' });
    const minted = await call('POST', '/tokens', admin, {
      name: 'Acme portal',
      role: 'customer-admin',
      customerId: acme.json.id,
    });
    expect(minted.status).toBe(201);
    const ct = minted.json.token as string;

    expect((await call('GET', `/customers/${acme.json.id}`, ct)).status).toBe(200);
    for (const path of [
      `/customers/${globex.json.id}`,
      `/customers/${globex.json.id}/projects`,
      `/customers/${globex.json.id}/projects/${globex.json.defaultProjectId}`,
      `/audit-events?customerId=${globex.json.id}`,
    ]) {
      const answer = await call('GET', path, ct);
      expect(answer.status, path).toBe(404);
      expect(answer.type).toBe('application/problem+json');
    }
    const renamed = await call(
      'PATCH',
      `/customers/${globex.json.id}/projects/${globex.json.defaultProjectId}`,
      ct,
      { name: 'x' },
    );
    expect(renamed.status).toBe(404);
    const listed = await call('GET', '/customers', ct);
    expect(listed.json.items?.map((c) => c.id)).toEqual([acme.json.id]);
    expect((await call('POST', '/customers', ct, { name: 'Sneaky' })).status).toBe(403);
  });

  it('answers malformed JSON with a problem document and writes nothing', async () => {
    const before = await local().table.sdk.send(
      new ScanCommand({ TableName: local().table.tableName, Select: 'COUNT' }),
    );
    const response = await fetch(`${local().url}/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{"code":"x"',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe('MALFORMED_JSON');
    const after = await local().table.sdk.send(
      new ScanCommand({ TableName: local().table.tableName, Select: 'COUNT' }),
    );
    expect(after.Count).toBe(before.Count);
  });

  it('pages through customers with a cursor and finds them by search', async () => {
    for (const n of [1, 2, 3, 4, 5])
      await call('POST', '/customers', admin, { name: `Paging ${n}` });
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/customers?limit=2&q=paging${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call('GET', query, admin);
      names.push(...(page.json.items ?? []).map((c) => c.name as string));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    expect(names).toEqual(['Paging 1', 'Paging 2', 'Paging 3', 'Paging 4', 'Paging 5']);
  });
});
