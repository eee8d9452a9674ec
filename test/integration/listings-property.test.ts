import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Route, routes } from '../../lambdas/routes.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();
/**
 * Every listing, every combination of valid filters, against DynamoDB Local: no 5xx, every answer
 * as documented (the invoke helper checks it), a page is never empty while a cursor follows, and
 * a status filter returns only licenses of that status.
 */
let admin: string;
const real: Record<string, string[]> = {};

const listings = routes.filter(
  (r) => r.method === 'GET' && r.schemas.query && r.schemas.response && r.path !== '/openapi.json',
);

type JsonProperty = {
  type?: string;
  enum?: string[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  format?: string;
};

/** Values for one query parameter: known ids and codes, else whatever its schema allows. */
const valuesFor = (name: string, property: JsonProperty): fc.Arbitrary<string> => {
  const known = real[name];
  if (property.enum) return fc.constantFrom(...property.enum);
  if (property.type === 'integer' || property.type === 'number') {
    return fc
      .integer({ min: property.minimum ?? 1, max: Math.min(property.maximum ?? 100, 100) })
      .map(String);
  }
  if (property.format === 'date-time') {
    return fc
      .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  const generated = property.pattern
    ? fc.stringMatching(new RegExp(property.pattern))
    : fc.string({ minLength: 1, maxLength: 12 });
  return known ? fc.oneof(fc.constantFrom(...known), generated) : generated;
};

const queryOf = (route: Route): fc.Arbitrary<Partial<Record<string, string>>> => {
  const json = z.toJSONSchema(route.schemas.query as z.ZodType, {
    io: 'input',
    unrepresentable: 'any',
  }) as { properties?: Record<string, JsonProperty> };
  const record: Record<string, fc.Arbitrary<string>> = {};
  for (const [name, property] of Object.entries(json.properties ?? {})) {
    if (name === 'cursor') continue; // cursors come from the pages themselves
    record[name] = valuesFor(name, property);
  }
  return fc.record(record, { requiredKeys: [] });
};

const urlOf = (route: Route, query: Partial<Record<string, string>>) => {
  const path = route.path
    .replace('{customerId}', real.customerId?.[0] ?? '')
    .replace('{projectId}', real.projectId?.[0] ?? '')
    .replace('{licenseId}', real.licenseId?.[0] ?? '')
    .replace('{productCode}', 'AGENTS');
  const search = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  return search ? `${path}?${search}` : path;
};

beforeAll(async () => {
  ({ admin } = ready());
  const post = async (path: string, body: unknown) => {
    const answer = await invoke('POST', path, { token: admin, body });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    return answer.json;
  };
  await post('/products', { code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' });
  await post('/products', { code: 'CRM', name: 'CRM', seatModel: 'named', aggregation: 'max' });
  const customers = [
    await post('/customers', { name: 'Acme' }),
    await post('/customers', { name: 'Globex' }),
  ];
  real.customerId = customers.map((c) => c.id as string);
  real.projectId = customers.map((c) => c.defaultProjectId as string);
  real.productCode = ['AGENTS', 'CRM'];
  const day = 86_400_000;
  const windows = [
    {},
    { validFrom: new Date(Date.now() + 5 * day).toISOString() },
    {
      validFrom: new Date(Date.now() - 9 * day).toISOString(),
      validTill: new Date(Date.now() - day).toISOString(),
    },
    { validTill: new Date(Date.now() + 20 * day).toISOString() },
  ];
  real.licenseId = [];
  for (const [i, customer] of customers.entries()) {
    for (const [j, window] of windows.entries()) {
      const license = await post('/licenses', {
        productCode: j % 2 === 0 ? 'AGENTS' : 'CRM',
        customerId: customer.id,
        registeredEmail: `it${j}@customer${i}.example`,
        companyName: customer.name,
        seatLimit: 3,
        notify: false,
        ...window,
      });
      real.licenseId.push(license.id as string);
    }
  }
  await post('/licenses', {
    productCode: 'AGENTS',
    registeredEmail: 'free@nowhere.example',
    companyName: 'Unassigned',
    seatLimit: 1,
    notify: false,
  });
  const [first, second] = real.licenseId;
  await invoke('POST', `/licenses/${first}/suspend`, { token: admin });
  await invoke('POST', `/licenses/${second}/revoke`, { token: admin });
  real.q = ['acme', 'it1@customer0.example', 'TS0000000', 'nothing-matches'];
  real.entityId = [...real.customerId, ...real.licenseId.slice(0, 2)];
});

describe('listings', () => {
  it.each(listings.map((r) => [r.operationId, r] as const))(
    '%s: no combination of valid filters reaches a 5xx, and no page is empty while a cursor follows',
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(queryOf(route), async (query) => {
          let cursor: string | undefined;
          for (let page = 0; page < 3; page++) {
            const answer = await invoke(
              'GET',
              urlOf(route, { ...query, ...(cursor ? { cursor } : {}) }),
              {
                token: admin,
              },
            );
            expect(answer.status, JSON.stringify(answer.json)).toBeLessThan(500);
            if (answer.status !== 200) return;
            const items = answer.json.items as { status?: string }[];
            cursor = (answer.json.nextCursor as string | null) ?? undefined;
            if (cursor) expect(items.length).toBeGreaterThan(0);
            if (route.operationId === 'listLicenses' && query.status) {
              for (const item of items) expect(item.status).toBe(query.status);
            }
            if (!cursor) return;
          }
        }),
        { numRuns: 40 },
      );
    },
  );
});
