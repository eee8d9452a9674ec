import { beforeAll, describe, expect, it } from 'vitest';
import { countLeases } from '../../lambdas/store/seats.ts';
import { codeFromOutbox } from '../support/outbox.ts';
import { useLocalPlatform } from '../support/platform.ts';

/**
 * A burst through the local runtime: 500 simultaneous checkouts on a pool of 7. The gateway
 * sheds what it cannot run in time (429 with Retry-After) instead of failing it; exactly the
 * limit is granted; the counter equals the live leases; admin routes stay answered meanwhile.
 */
// A small gate (4 at once per function, 100 waiting, 3 s) so this burst is sure to be shed in part.
const local = useLocalPlatform({ admission: { concurrency: 4, queue: 100, waitMs: 3_000 } });
let admin: string;
let instance: string;
let projectId: string;
let customerId: string;

const call = async (method: string, path: string, token: string, body?: unknown) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
};

beforeAll(async () => {
  admin = local().adminToken as string;
  await call('POST', '/products', admin, {
    code: 'AGENTS',
    name: 'Agents',
    seatModel: 'concurrent',
  });
  const customer = await call('POST', '/customers', admin, { name: 'Burst Co' });
  projectId = customer.json.defaultProjectId as string;
  customerId = customer.json.id as string;
  const license = await call('POST', '/licenses', admin, {
    productCode: 'AGENTS',
    customerId: customer.json.id,
    registeredEmail: 'it@burst.example',
    companyName: 'Burst Co',
    seatLimit: 7,
    notify: false,
  });
  const started = await fetch(`${local().url}/instance/activations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: license.json.key, fingerprint: 'burst-host-01' }),
  }).then((r) => r.json() as Promise<{ activationId: string }>);
  const done = await fetch(`${local().url}/instance/activations/${started.activationId}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: await codeFromOutbox(local().outboxDir) }),
  }).then((r) => r.json() as Promise<{ activationToken: string }>);
  instance = done.activationToken;
});

describe('a burst of checkouts through the local runtime', () => {
  it('answers 500 simultaneous checkouts on a pool of 7 with only 200, 409 and 429, granting exactly 7', async () => {
    const burst = Array.from({ length: 500 }, (_, i) =>
      call('POST', '/instance/seats/checkout', instance, {
        sessionId: `burst-${i}`,
        userId: `u${i}`,
      }),
    );
    const adminAnswers = await Promise.all(
      Array.from({ length: 5 }, () => call('GET', '/products', admin)),
    );
    const answers = await Promise.all(burst);

    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    expect(
      [...byStatus.keys()].every((s) => [200, 409, 429].includes(s)),
      JSON.stringify([...byStatus]),
    ).toBe(true);
    expect(byStatus.get(200)).toBe(7);
    expect(byStatus.get(429)).toBeGreaterThan(0);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.json.code).toBe('POOL_FULL');
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.json.code).toBe('RATE_LIMITED');
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    expect(adminAnswers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const pools = await call('GET', `/customers/${customerId}/pools`, admin);
    const { table } = local();
    const leases = await countLeases(table.db, table.tableName, projectId, 'AGENTS');
    expect(leases).toBe(7);
    expect((pools.json.items as { used: number }[])[0]?.used).toBe(leases);
  });
});
