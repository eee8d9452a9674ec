import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lambdas/http/openapi.ts';
import { type Route, routes } from '../../lambdas/routes.ts';
import { codeFromOutbox } from '../support/outbox.ts';
import { useLocalPlatform } from '../support/platform.ts';
import { arbitraryOf, type JsonSchema } from '../support/schema-arbitrary.ts';

/**
 * An OpenAPI-driven fuzz of the local runtime: for every route, requests drawn from its own
 * documented schemas (and plain garbage), as an admin, as an instance and as nobody. No answer
 * may be a 5xx, and every answer must match what the document promises for it: the contract
 * checker on `fetch` (test/support/contract-setup.ts) fails the run on the first that does not.
 */
const local = useLocalPlatform();
const doc = openApiDocument();
let admin: string;
let instance: string;
const real: Record<string, string[]> = {};
const answered = new Map<number, number>();

const call = async (
  method: string,
  path: string,
  init: { token?: string; body?: unknown } = {},
) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  answered.set(response.status, (answered.get(response.status) ?? 0) + 1);
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
};

const operationOf = (route: Route) =>
  (doc.paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] as {
    parameters: { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
    requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  };

/** A path value: mostly ids that exist (so operations run), sometimes whatever the schema allows. */
const pathValue = (name: string, schema: JsonSchema) => {
  const known = real[name];
  return known && known.length > 0
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...known) },
        { weight: 1, arbitrary: arbitraryOf(schema) },
      )
    : arbitraryOf(schema);
};

const requestOf = (route: Route) => {
  const operation = operationOf(route);
  const path = Object.fromEntries(
    operation.parameters
      .filter((p) => p.in === 'path')
      .map((p) => [p.name, pathValue(p.name, p.schema)]),
  );
  const query = Object.fromEntries(
    operation.parameters
      .filter((p) => p.in === 'query')
      .map((p) => [p.name, arbitraryOf(p.schema)]),
  );
  const bodySchema = operation.requestBody?.content['application/json'].schema;
  return fc.record({
    path: fc.record(path),
    query: fc.record(query, { requiredKeys: [] }),
    body: bodySchema
      ? fc.oneof(
          { weight: 4, arbitrary: arbitraryOf(bodySchema) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        )
      : fc.constant(undefined),
    // Mostly the credential the route takes, so requests get past authentication.
    caller: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constant(
          route.auth === 'token' ? 'admin' : route.auth === 'activation' ? 'instance' : 'nobody',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('admin', 'instance', 'nobody') },
    ),
  });
};

const urlOf = (route: Route, path: Record<string, unknown>, query: Record<string, unknown>) => {
  let url = route.path;
  for (const [name, value] of Object.entries(path)) {
    url = url.replace(`{${name}}`, encodeURIComponent(String(value)));
  }
  const search = new URLSearchParams(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return search ? `${url}?${search}` : url;
};

beforeAll(async () => {
  admin = local().adminToken as string;
  await call('POST', '/products', {
    token: admin,
    body: { code: 'AGENTS', name: 'A', seatModel: 'concurrent' },
  });
  await call('POST', '/products', {
    token: admin,
    body: { code: 'CRM', name: 'C', seatModel: 'named' },
  });
  const customer = await call('POST', '/customers', { token: admin, body: { name: 'Fuzz Co' } });
  const license = await call('POST', '/licenses', {
    token: admin,
    body: {
      productCode: 'AGENTS',
      customerId: customer.json.id,
      registeredEmail: 'it@fuzz.example',
      companyName: 'Fuzz Co',
      seatLimit: 3,
      maxActivations: 50,
      notify: false,
    },
  });
  const started = await call('POST', '/instance/activations', {
    body: { key: license.json.key, fingerprint: 'fuzz-host-0001' },
  });
  const code = await codeFromOutbox(local().outboxDir);
  const done = await call('POST', `/instance/activations/${started.json.activationId}/complete`, {
    body: { code },
  });
  instance = done.json.activationToken as string;
  const token = await call('POST', '/tokens', {
    token: admin,
    body: { name: 'fz', role: 'vendor-support' },
  });
  Object.assign(real, {
    customerId: [customer.json.id],
    projectId: [customer.json.defaultProjectId],
    licenseId: [license.json.id],
    activationId: [started.json.activationId],
    productCode: ['AGENTS', 'CRM'],
    code: ['AGENTS', 'CRM'],
    tokenId: [token.json.id],
    sessionId: ['fuzz-session'],
    userId: ['fuzz-user'],
  });
});

describe('OpenAPI-driven fuzz of the local runtime', () => {
  it.each(
    routes
      .filter((r) => r.path !== '/openapi.json')
      .map((r) => [`${r.method} ${r.path}`, r] as const),
  )('%s: no 5xx and every answer as documented', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(requestOf(route), async (request) => {
        const token =
          request.caller === 'admin' ? admin : request.caller === 'instance' ? instance : undefined;
        const answer = await call(route.method, urlOf(route, request.path, request.query), {
          ...(token ? { token } : {}),
          ...(request.body !== undefined ? { body: request.body } : {}),
        });
        expect(answer.status, JSON.stringify(answer.json)).toBeLessThan(500);
      }),
      { numRuns: 30 },
    );
  });

  it('reached the operations, not only their validation', () => {
    const ok = [...answered.entries()].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    expect(ok).toBeGreaterThan(50);
  });
});
