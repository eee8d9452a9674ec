import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAwsConfiguredHandlers } from '../support/aws-handlers.ts';
import { startCountingProxy } from '../support/counting-proxy.ts';
import { invoke } from '../support/invoke.ts';

/**
 * What a seat costs in DynamoDB round trips, counted at the wire between the handlers and
 * DynamoDB Local: the instance's authentication included, a checkout and a release together make
 * at most five requests, and four once the function remembers the pool. The tests run in order:
 * the first one meets a function that has read no pool yet.
 */
const { admin, table, mailed } = useAwsConfiguredHandlers();
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
let token: string;
let licenseId: string;

beforeAll(async () => {
  proxy = await startCountingProxy(table().endpoint);
  process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
  const post = (path: string, body: unknown) => invoke('POST', path, { token: admin(), body });
  await post('/products', { code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' });
  const customer = await post('/customers', { name: 'Acme' });
  const license = await post('/licenses', {
    productCode: 'AGENTS',
    customerId: customer.json.id,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 2,
    notify: false,
  });
  licenseId = license.json.id as string;
  const started = await invoke('POST', '/instance/activations', {
    body: { key: license.json.key, fingerprint: 'desk-host' },
  });
  const code = /\d{4}-\d{4}/.exec(mailed().at(-1) ?? '')?.[0];
  const done = await invoke('POST', `/instance/activations/${started.json.activationId}/complete`, {
    body: { code },
  });
  expect(done.status).toBe(200);
  token = done.json.activationToken as string;
});

afterAll(() => proxy.close());

describe('a seat in DynamoDB round trips', () => {
  it('costs at most 5 requests for a checkout and its release, authentication included', async () => {
    const from = proxy.operations.length;
    const out = await invoke('POST', '/instance/seats/checkout', {
      token,
      body: { sessionId: 's-1', userId: 'u-1' },
    });
    const back = await invoke('POST', '/instance/seats/release', {
      token,
      body: { sessionId: 's-1' },
    });

    expect(out.status).toBe(200);
    expect(back.json).toEqual({ released: true });
    const pair = proxy.operations.slice(from);
    expect(pair).toEqual([
      'GetItem', // checkout: the activation behind the token
      'BatchGetItem', // the pool and its product
      'TransactWriteItems', // lease and counter
      'GetItem', // release: the activation behind the token
      'TransactWriteItems', // lease gone, counter down
    ]);
  });

  it('a checkout on a pool this function read lately reads nothing before its transaction', async () => {
    const warm = await invoke('POST', '/instance/seats/checkout', {
      token,
      body: { sessionId: 's-warm', userId: 'u-1' },
    });
    await invoke('POST', '/instance/seats/release', { token, body: { sessionId: 's-warm' } });
    const from = proxy.operations.length;

    const out = await invoke('POST', '/instance/seats/checkout', {
      token,
      body: { sessionId: 's-2', userId: 'u-2' },
    });
    await invoke('POST', '/instance/seats/release', { token, body: { sessionId: 's-2' } });

    expect([warm.status, out.status]).toEqual([200, 200]);
    expect(proxy.operations.slice(from)).toEqual([
      'GetItem', // checkout: the activation behind the token
      'TransactWriteItems', // lease and counter, while the pool's licenses are as remembered
      'GetItem',
      'TransactWriteItems',
    ]);
  });

  it('a remembered pool never decides alone: a suspension meanwhile refuses, a raised limit meanwhile counts', async () => {
    const checkout = (sessionId: string) =>
      invoke('POST', '/instance/seats/checkout', { token, body: { sessionId, userId: sessionId } });
    expect((await checkout('r-1')).status).toBe(200); // the pool is remembered now
    const licenseAction = (action: string) =>
      invoke('POST', `/licenses/${licenseId}/${action}`, { token: admin() });

    expect((await licenseAction('suspend')).status).toBe(200);
    const whileSuspended = await checkout('r-2');
    expect((await licenseAction('reinstate')).status).toBe(200);
    const raised = await invoke('PATCH', `/licenses/${licenseId}`, {
      token: admin(),
      body: { seatLimit: 3 },
    });
    const second = await checkout('r-2');
    const third = await checkout('r-3');
    const fourth = await checkout('r-4');

    expect(whileSuspended.json.code).toBe('LICENSE_SUSPENDED');
    expect(raised.status).toBe(200);
    expect([second.status, third.status, fourth.status]).toEqual([200, 200, 409]);
    expect(fourth.json.code).toBe('POOL_FULL');
  });
});
