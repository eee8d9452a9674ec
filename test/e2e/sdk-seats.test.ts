import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type SeatLostReason, TesseraApiError, TesseraClient } from '../../sdk/src/index.ts';
import { useLocalPlatform } from '../support/platform.ts';

/** The SDK's seat calls and heartbeat loop against the real local platform. */
const local = useLocalPlatform();
let admin: string;

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

/** The code in the newest activation e-mail of the outbox, as a person would read it. */
const codeFromOutbox = async (): Promise<string> => {
  const files = (await readdir(local().outboxDir)).filter((f) => f.endsWith('.eml')).sort();
  const eml = await readFile(join(local().outboxDir, files.at(-1) as string), 'utf8');
  const code = /\b(\d{4}-\d{4})\b/.exec(eml)?.[1];
  if (!code) throw new Error('no code in the newest e-mail');
  return code;
};

let instance: TesseraClient;
let customerId: string;
let projectId: string;

beforeAll(async () => {
  admin = local().adminToken as string;
  const product = await api('POST', '/products', {
    code: 'AGENTS',
    name: 'Contact-centre agents',
    seatModel: 'concurrent',
  });
  expect(product.status).toBe(201);
  const customer = await api('POST', '/customers', { name: 'Acme' });
  customerId = customer.json.id as string;
  projectId = customer.json.defaultProjectId as string;
  const issued = await api('POST', '/licenses', {
    productCode: 'AGENTS',
    customerId,
    registeredEmail: 'it@acme.example',
    companyName: 'Acme',
    seatLimit: 1,
    maxActivations: 1,
  });
  expect(issued.status).toBe(201);

  instance = new TesseraClient({ baseUrl: local().url });
  const started = await instance.startActivation({
    key: issued.json.key as string,
    fingerprint: 'host-seats-1',
  });
  await instance.completeActivation(started.activationId, await codeFromOutbox());
});

describe('concurrent seats through the SDK on the local runtime', () => {
  it('holds a seat, surfaces POOL_FULL with used/limit, and reports a forced release as LEASE_GONE', async () => {
    const onLost = vi.fn<(reason: SeatLostReason, error?: unknown) => void>();
    const lost = new Promise<SeatLostReason>((resolve) => {
      onLost.mockImplementation((reason) => resolve(reason));
    });
    // A short interval so the test sees the next heartbeat within a second or two.
    const seat = await instance.holdSeat({ userId: 'agent-7', onLost, heartbeatEveryMs: 1_000 });
    expect(seat).toMatchObject({ userId: 'agent-7', productCode: 'AGENTS', state: 'held' });
    expect(seat.sessionId).toMatch(/^ses_[0-9a-f]{32}$/);

    // A retried checkout of the same session answers the same lease and takes no second seat.
    const again = await instance.checkout({ sessionId: seat.sessionId, userId: 'agent-7' });
    expect(again.since).toBe(seat.since);

    // The pool's one seat is taken: the next session is refused with the numbers.
    const refused = await instance.checkout({ userId: 'agent-8' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TesseraApiError);
    expect(refused).toMatchObject({ status: 409, code: 'POOL_FULL' });
    expect((refused as TesseraApiError).problem).toMatchObject({ used: 1, limit: 1 });
    await expect(instance.holdSeat({ userId: 'agent-8' })).rejects.toMatchObject({
      code: 'POOL_FULL',
    });

    // The admin forces the seat free; the instance learns it at its next heartbeat.
    const seatPath = `/customers/${customerId}/projects/${projectId}/pools/AGENTS/seats`;
    const listed = await api('GET', seatPath);
    expect(listed.json.items).toEqual([
      expect.objectContaining({ sessionId: seat.sessionId, userId: 'agent-7' }),
    ]);
    const forced = await api('DELETE', `${seatPath}/${encodeURIComponent(seat.sessionId)}`);
    expect([forced.status, forced.json]).toEqual([200, { released: true }]);

    expect(await lost).toBe('LEASE_GONE');
    expect(onLost.mock.calls[0]?.[1]).toMatchObject({ status: 410, code: 'LEASE_GONE' });
    expect([seat.state, seat.lostReason]).toEqual(['lost', 'LEASE_GONE']);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(onLost).toHaveBeenCalledTimes(1); // the loop stopped: no second report
    expect(await seat.release()).toBe(false);

    // The freed seat can be taken again, and released.
    const next = await instance.holdSeat({ userId: 'agent-8' });
    expect(await next.release()).toBe(true);
    expect(await next.release()).toBe(true);
    expect(await instance.release(next.sessionId)).toEqual({ released: false });
  });
});
