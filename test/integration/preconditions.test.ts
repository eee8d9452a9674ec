import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext, toProxyEvent } from '../../bin/local/events.ts';
import { routes } from '../../lambdas/routes.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();
/**
 * Safe concurrent edits: ETag on single resources and write answers, If-Match on edits of
 * versioned resources (412 PRECONDITION_FAILED on a stale one, nothing written), Location on 201.
 */
let admin: string;
let customerId: string;
let projectId: string;
let licenseId: string;

const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  invoke(method, url, { token: admin, headers, ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  ({ admin } = ready());
  await call('POST', '/products', { code: 'PBX', name: 'PBX', seatModel: 'instance' });
  const customer = await call('POST', '/customers', { name: 'Acme' });
  customerId = customer.json.id as string;
  projectId = customer.json.defaultProjectId as string;
  const license = await call('POST', '/licenses', {
    productCode: 'PBX',
    customerId,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 1,
    notify: false,
  });
  licenseId = license.json.id as string;
});

describe('ETag and If-Match', () => {
  it('puts the stored version in the ETag of every read and write of a versioned resource', async () => {
    for (const url of ['/products/PBX', `/customers/${customerId}`, `/licenses/${licenseId}`]) {
      const read = await call('GET', url);
      expect(read.headers.etag).toBe(`"${read.json.version}"`);
    }
    const project = await call('GET', `/customers/${customerId}/projects/${projectId}`);
    expect(project.headers.etag).toBe(`"${project.json.version}"`);
    const edited = await call('PATCH', '/products/PBX', { name: 'PBX 2' });
    expect(edited.headers.etag).toBe(`"${edited.json.version}"`);
  });

  it('gives unversioned single resources an ETag too, and listings none', async () => {
    const token = await call('POST', '/tokens', { name: 'ci', role: 'vendor-support' });
    const read = await call('GET', `/tokens/${token.json.id}`);
    expect(read.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await call('GET', '/products')).headers.etag).toBeUndefined();
  });

  it('refuses an edit with a stale If-Match with 412 and writes nothing; a current one goes ahead', async () => {
    const read = await call('GET', `/customers/${customerId}`);
    const etag = read.headers.etag as string;
    await call('PATCH', `/customers/${customerId}`, { name: 'Acme Corp' });

    const stale = await call(
      'PATCH',
      `/customers/${customerId}`,
      { name: 'Lost' },
      { 'if-match': etag },
    );

    expect([stale.status, stale.json.code]).toEqual([412, 'PRECONDITION_FAILED']);
    const now = await call('GET', `/customers/${customerId}`);
    expect(now.json.name).toBe('Acme Corp');
    expect(stale.json.etag).toBe(now.headers.etag);
    const fresh = await call(
      'PATCH',
      `/customers/${customerId}`,
      { name: 'Acme Group' },
      { 'if-match': now.headers.etag as string },
    );
    expect(fresh.status).toBe(200);
    expect(fresh.json.name).toBe('Acme Group');
  });

  it('lets exactly one of two edits made from the same read win; the other is 412', async () => {
    const read = await call('GET', `/licenses/${licenseId}`);
    const etag = read.headers.etag as string;

    const [a, b] = await Promise.all(
      [7, 8].map((seatLimit) =>
        call('PATCH', `/licenses/${licenseId}`, { seatLimit }, { 'if-match': etag }),
      ),
    );

    expect([a?.status, b?.status].sort()).toEqual([200, 412]);
  });

  it('guards state actions and deletes the same way, and * matches any version', async () => {
    const stale = '"1"';
    const suspend = await call('POST', `/licenses/${licenseId}/suspend`, undefined, {
      'if-match': stale,
    });
    expect(suspend.status).toBe(412);
    expect((await call('GET', `/licenses/${licenseId}`)).json.status).toBe('active');
    const any = await call('POST', `/licenses/${licenseId}/suspend`, undefined, {
      'if-match': '*',
    });
    expect(any.json.status).toBe('suspended');

    const project = await call('POST', `/customers/${customerId}/projects`, { name: 'Site B' });
    const path = `/customers/${customerId}/projects/${project.json.id}`;
    await call('PATCH', path, { name: 'Site C' });
    expect((await call('DELETE', path, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await call('GET', path)).status).toBe(200);
    expect((await call('DELETE', path, undefined, { 'if-match': '"2"' })).status).toBe(204);
  });

  it('refuses If-Match where an operation edits nothing versioned, with 400', async () => {
    const answer = await call('GET', '/products', undefined, { 'if-match': '"1"' });
    expect([answer.status, answer.json.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('takes If-Match on exactly the edits of versioned resources', () => {
    expect(
      routes
        .filter((r) => r.conditional)
        .map((r) => r.operationId)
        .sort(),
    ).toEqual(
      [
        'changePerson',
        'deleteCustomer',
        'deleteProduct',
        'deleteProject',
        'reinstateLicense',
        'revokeLicense',
        'suspendLicense',
        'updateCustomer',
        'updateLicense',
        'updateProduct',
        'updateProject',
      ].sort(),
    );
  });
});

describe('Location', () => {
  it('names where every created resource can be read', async () => {
    const created = [
      await call('POST', '/products', { code: 'CRM', name: 'CRM', seatModel: 'named' }),
      await call('POST', '/customers', { name: 'Globex' }),
      await call('POST', `/customers/${customerId}/projects`, { name: 'Site D' }),
      await call('POST', '/tokens', { name: 'loc', role: 'vendor-support' }),
      await call('POST', '/licenses', {
        productCode: 'PBX',
        registeredEmail: 'it@acme.example',
        companyName: 'Acme',
        seatLimit: 1,
        notify: false,
      }),
    ];
    for (const answer of created) {
      expect(answer.status).toBe(201);
      const location = answer.headers.location as string;
      const read = await call('GET', location);
      expect(read.status, location).toBe(200);
      if (typeof answer.json.version === 'number') {
        expect(read.headers.etag).toBe(answer.headers.etag);
      }
    }
  });

  it('keeps the stage prefix the client called through (API Gateway’s own domain: /v1)', async () => {
    const route = routes.find((r) => r.operationId === 'createCustomer') as (typeof routes)[number];
    const event = toProxyEvent(
      {
        method: 'POST',
        path: '/customers',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Staged' }),
      },
      route,
      {},
    );
    const { handler } = await import('../../lambdas/http/customers.ts');
    const answer = await handler(
      { ...event, requestContext: { ...event.requestContext, path: '/v1/customers' } },
      lambdaContext('customers', event.requestContext.requestId) as never,
    );
    expect(answer.statusCode).toBe(201);
    expect(answer.headers?.location).toMatch(/^\/v1\/customers\/cus_[0-9a-z]{26}$/);
  });

  it('is set on every route that answers 201', () => {
    expect(routes.filter((r) => r.status === 201 && !r.location)).toEqual([]);
  });
});
