import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../lambdas/middleware/limits.ts';
import { type Route, routes } from '../../lambdas/routes.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { activatedInstance } from '../support/instances.ts';
import { invoke } from '../support/invoke.ts';
import type { createTestTable } from '../support/table.ts';

const ready = useHandlerTable();
let table: Awaited<ReturnType<typeof createTestTable>>;
let token: string;
let customerId: string;
let projectId: string;
/** An activated instance's token, so instance routes get as far as reading the body. */
let instanceToken: string;

const snapshot = async () => {
  const out = await table.sdk.send(
    new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
  );
  return JSON.stringify(
    (out.Items ?? []).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`)),
  );
};

/** A concrete URL for a route, with ids of things that exist, so only the input is wrong. */
const urlOf = (route: Route) =>
  route.path
    .replace('{code}', 'PBX')
    .replace('{customerId}', customerId)
    .replace('{projectId}', projectId)
    .replace('{tokenId}', 'tok_0000000000000000')
    .replace('{licenseId}', 'lic_00000000000000000000000000')
    .replace('{activationId}', 'act_00000000000000000000000000')
    .replace('{personId}', 'per_00000000000000000000000000')
    .replace('{sessionId}', 'desk-1')
    .replace('{productCode}', 'PBX')
    .replace('{ticketId}', 'tkt_00000000000000000000000000')
    .replace('{relayId}', 'rly_00000000000000000000000000');

const withBody = routes.filter((r) => r.schemas.body);

/** A body each operation would accept, so adding one unknown field is the only fault. */
const validBodies: Record<string, Record<string, unknown>> = {
  createToken: { name: 'ci', role: 'vendor-support' },
  createProduct: { code: 'NEW_ONE', name: 'New', seatModel: 'named' },
  updateProduct: { name: 'Renamed' },
  createCustomer: { name: 'Someone' },
  updateCustomer: { name: 'Renamed' },
  createProject: { name: 'Site' },
  updateProject: { name: 'Renamed' },
  issueLicense: {
    productCode: 'PBX',
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 5,
  },
  updateLicense: { seatLimit: 6 },
  importLicense: { key: 'AAAAA-AAAAA-AAAAA-AAAAA-AAAAA' },
  startActivation: { key: 'AAAAA-AAAAA-AAAAA-AAAAA-AAAAA', fingerprint: 'host-0001' },
  completeActivation: { code: '1234-5678' },
  validateLicense: { key: 'AAAAA-AAAAA-AAAAA-AAAAA-AAAAA' },
  checkoutSeat: { sessionId: 'session-1', userId: 'agent-7' },
  heartbeatSeat: { sessionId: 'session-1' },
  releaseSeat: { sessionId: 'session-1' },
  checkSeatAssignment: { userId: 'agent-7' },
  assignSeat: { userId: 'agent-7' },
  invitePerson: { email: 'new@example.com', role: 'vendor-support' },
  changePerson: { role: 'vendor-admin' },
  changeOwnSettings: { language: 'it' },
  signIn: { email: 'someone@example.com', password: 'x' },
  setNewPassword: { email: 'someone@example.com', session: 's', newPassword: 'x' },
  answerMfa: { email: 'someone@example.com', session: 's', code: '123456' },
  enableMfa: { code: '123456' },
  forgotPassword: { email: 'someone@example.com' },
  resetPassword: { email: 'someone@example.com', code: '123456', newPassword: 'x' },
  requestTrial: { productCode: 'PBX' },
  declineTrial: { reason: 'Not now' },
  openTicket: { subject: 'Help', service: 'PBX support', body: 'It broke.' },
  changeTicket: { status: 'open' },
  postTicketMessage: { body: 'More detail' },
  activateOffline: { request: 'a.b.c' },
  returnOffline: { proof: 'a.b.c' },
  rehostActivation: { reason: 'Broken power supply', fingerprint: 'host-0002' },
  createRelay: { name: 'Site relay' },
  holdAllotment: { seats: 2 },
  checkRelayInstance: { activationToken: 'tsa_x' },
};
const authenticatedRoutes = routes.filter((r) => r.auth !== 'none');

const expectProblem = (
  answer: { status: number; headers: Record<string, unknown>; json: { code?: string } },
  status: number,
  code: string,
) => {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(answer.json.code).toBe(code);
};

beforeAll(async () => {
  const { stores } = ready();
  ({ table, admin: token } = ready());
  const product = await invoke('POST', '/products', {
    token,
    body: { code: 'PBX', name: 'PBX', seatModel: 'instance' },
  });
  expect(product.status).toBe(201);
  const customer = await invoke('POST', '/customers', { token, body: { name: 'Acme' } });
  customerId = customer.json.id as string;
  projectId = customer.json.defaultProjectId as string;
  const license = await invoke('POST', '/licenses', {
    token,
    body: { ...validBodies.issueLicense, customerId, notify: false },
  });
  instanceToken = (await activatedInstance(stores, license.json.id as string, 'host-0001')).token;
  const relay = await invoke('POST', `/customers/${customerId}/projects/${projectId}/relays`, {
    token,
    body: { name: 'Bad input relay' },
  });
  relayCredential = relay.json.credential as string;
});

let relayCredential = '';
const credentialFor = (route: Route) =>
  route.auth === 'activation' ? instanceToken : route.auth === 'relay' ? relayCredential : token;

describe('bad input never reaches the data', () => {
  it('has a valid body for every operation that takes one', () => {
    expect(Object.keys(validBodies).sort()).toEqual(withBody.map((r) => r.operationId).sort());
  });

  it.each(withBody.map((r) => [r.operationId, r] as const))(
    '%s: malformed JSON, wrong content type, oversized, unknown fields, wrong types and no body are 4xx problems that write nothing',
    async (_name, route) => {
      const before = await snapshot();
      const url = urlOf(route);
      const cases = [
        {
          rawBody: '{"name": ',
          headers: { 'content-type': 'application/json' },
          expect: [400, 'MALFORMED_JSON'],
        },
        {
          rawBody: '{"name":"x"}',
          headers: { 'content-type': 'text/plain' },
          expect: [415, 'UNSUPPORTED_MEDIA_TYPE'],
        },
        { rawBody: '{"name":"x"}', headers: {}, expect: [415, 'UNSUPPORTED_MEDIA_TYPE'] },
        {
          rawBody: JSON.stringify({ name: 'x'.repeat(route.maxBodyBytes ?? MAX_BODY_BYTES) }),
          headers: { 'content-type': 'application/json' },
          expect: [413, 'PAYLOAD_TOO_LARGE'],
        },
        {
          body: { ...validBodies[route.operationId], surprise: true },
          expect: [400, 'VALIDATION_FAILED'],
        },
        {
          body: { name: 42, role: [], code: {}, seatModel: 7 },
          expect: [400, 'VALIDATION_FAILED'],
        },
        { body: [], expect: [400, 'VALIDATION_FAILED'] },
        { body: null, expect: [400, 'VALIDATION_FAILED'] },
        {
          rawBody: '',
          headers: { 'content-type': 'application/json' },
          expect: [400, 'VALIDATION_FAILED'],
        },
      ] as const;
      for (const c of cases) {
        const answer = await invoke(route.method, url, { token: credentialFor(route), ...c });
        expectProblem(answer, c.expect[0], c.expect[1]);
      }
      const unknown = await invoke(route.method, url, {
        token: credentialFor(route),
        body: { ...validBodies[route.operationId], surprise: true },
      });
      expect(JSON.stringify(unknown.json.errors)).toContain('surprise');
      expect(await snapshot()).toBe(before);
    },
  );

  it('names every offending field of a validation failure', async () => {
    const answer = await invoke('POST', '/products', {
      token,
      body: { code: 'lower', name: '', seatModel: 'floating', extra: 1 },
    });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    const paths = (answer.json.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.code', 'body.name', 'body.seatModel']));
    expect(answer.json.requestId).toBeTruthy();
  });

  it('refuses malformed path parameters, unknown query parameters and out-of-range limits', async () => {
    const before = await snapshot();
    expectProblem(await invoke('GET', '/products/not-a-code', { token }), 400, 'VALIDATION_FAILED');
    expectProblem(await invoke('GET', '/customers/12345', { token }), 400, 'VALIDATION_FAILED');
    expectProblem(await invoke('DELETE', '/tokens/tok_%ZZ', { token }), 400, 'VALIDATION_FAILED');
    expectProblem(await invoke('GET', '/products?limit=0', { token }), 400, 'VALIDATION_FAILED');
    expectProblem(await invoke('GET', '/products?limit=abc', { token }), 400, 'VALIDATION_FAILED');
    expectProblem(await invoke('GET', '/products?limit=101', { token }), 400, 'VALIDATION_FAILED');
    expectProblem(await invoke('GET', '/products?sort=name', { token }), 400, 'VALIDATION_FAILED');
    expectProblem(
      await invoke('GET', '/products?cursor=garbage', { token }),
      400,
      'INVALID_CURSOR',
    );
    expectProblem(
      await invoke('GET', '/audit-events?entityType=product', { token }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await invoke('DELETE', `/customers/${customerId}`, { token, body: {} }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await snapshot()).toBe(before);
  });

  it.each(authenticatedRoutes.map((r) => [r.operationId, r] as const))(
    '%s: without a valid token is 401 whatever the body, before it is read, and writes nothing',
    async (_name, route) => {
      const before = await snapshot();
      const url = urlOf(route);
      const wrong = [
        undefined,
        'tsr_nope',
        `${token}x`,
        token.replace('tsr_', 'tsx_'),
        'tsa_00000000000000000000000000_secret',
      ];
      const bodies = [{ body: { name: 'x' } }, { rawBody: '{not json' }, {}];
      for (const auth of wrong) {
        for (const body of bodies) {
          const answer = await invoke(route.method, url, {
            ...body,
            headers: {
              ...(auth ? { authorization: `Bearer ${auth}` } : {}),
              ...('rawBody' in body ? { 'content-type': 'application/json' } : {}),
            },
          });
          expectProblem(answer, 401, 'UNAUTHENTICATED');
          expect(answer.json).not.toHaveProperty('errors');
        }
        const answer = await invoke(route.method, url, {
          ...(auth ? { headers: { authorization: `Bearer ${auth}` } } : {}),
        });
        expect(answer.headers['www-authenticate']).toBe('Bearer realm="tessera"');
      }
      expect(await snapshot()).toBe(before);
    },
  );

  it('answers a conflict, not a 5xx, for a duplicate and writes no second audit event', async () => {
    const before = await snapshot();
    const answer = await invoke('POST', '/products', {
      token,
      body: { code: 'PBX', name: 'PBX', seatModel: 'instance' },
    });
    expectProblem(answer, 409, 'ALREADY_EXISTS');
    expect(await snapshot()).toBe(before);
  });
});
