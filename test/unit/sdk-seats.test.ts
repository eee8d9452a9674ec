import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type Seat,
  type SeatLostReason,
  TesseraApiError,
  TesseraClient,
} from '../../sdk/src/index.ts';

/**
 * The SDK's seat loop against a scripted server (an injected fetch) on fake timers: when it
 * heartbeats, what it retries, when it gives up and that it stops.
 */
const LEASE_MS = 10 * 60_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

type Answer = 'ok' | 'network' | number; // a number: that HTTP status with a problem document

const problemCode: Record<number, string> = {
  401: 'UNAUTHENTICATED',
  409: 'POOL_FULL',
  410: 'LEASE_GONE',
  429: 'RATE_LIMITED',
  503: 'INTERNAL',
};

/** One instance's view of the seat routes; heartbeat and checkout answers can be scripted. */
const fakeServer = () => {
  const calls: { action: string; body: Record<string, string>; at: number }[] = [];
  const script: Record<string, Answer[]> = { checkout: [], heartbeat: [], release: [] };
  const fallback: Record<string, Answer> = { checkout: 'ok', heartbeat: 'ok', release: 'ok' };
  const held = new Set<string>();
  /** While set, requests of that action wait for it before they are answered. */
  const gates: Record<string, Promise<void> | undefined> = {};

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });

  const fetchImpl = async (url: string | URL | Request, init?: RequestInit) => {
    const action = String(url).split('/').at(-1) as string;
    const body = JSON.parse(String(init?.body)) as Record<string, string>;
    calls.push({ action, body, at: Date.now() });
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer tok_instance');
    const answer = script[action]?.shift() ?? fallback[action];
    await gates[action];
    if (answer === 'network') throw new TypeError('fetch failed');
    if (typeof answer === 'number') {
      const code = problemCode[answer] ?? `HTTP_${answer}`;
      const extra = code === 'POOL_FULL' ? { used: 5, limit: 5 } : {};
      return json(answer, { status: answer, code, detail: code, ...extra });
    }
    const now = new Date().toISOString();
    const expiresAt = new Date(Date.now() + LEASE_MS).toISOString();
    const sessionId = body.sessionId as string;
    if (action === 'checkout') {
      held.add(sessionId);
      return json(200, {
        sessionId,
        userId: body.userId,
        productCode: 'AGENTS',
        since: now,
        heartbeatAt: now,
        expiresAt,
      });
    }
    if (action === 'heartbeat') return json(200, { expiresAt });
    return json(200, { released: held.delete(sessionId) });
  };

  const client = new TesseraClient({
    baseUrl: 'https://licenses.example.com/v1/',
    activationToken: 'tok_instance',
    fetch: fetchImpl as typeof fetch,
  });
  const count = (action: string) => calls.filter((c) => c.action === action).length;
  return { client, calls, script, fallback, gates, count };
};

const losses = () => {
  const seen: SeatLostReason[] = [];
  return { seen, onLost: (reason: SeatLostReason) => void seen.push(reason) };
};

const seconds = (s: number) => vi.advanceTimersByTimeAsync(s * 1000);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('seat calls', () => {
  it('checkout generates a random session id when none is given, and sends the given one', async () => {
    const server = fakeServer();
    const a = await server.client.checkout({ userId: 'agent-1' });
    const b = await server.client.checkout({ userId: 'agent-1' });
    expect(a.sessionId).toMatch(/^ses_[0-9a-f]{32}$/);
    expect(b.sessionId).not.toBe(a.sessionId);
    const c = await server.client.checkout({ userId: 'agent-2', sessionId: 'desk-7' });
    expect(c).toMatchObject({ sessionId: 'desk-7', userId: 'agent-2', productCode: 'AGENTS' });
    expect(await server.client.heartbeat('desk-7')).toHaveProperty('expiresAt');
    expect(await server.client.release('desk-7')).toEqual({ released: true });
    expect(await server.client.release('desk-7')).toEqual({ released: false });
  });

  it('a seat call without an activation token fails before reaching the network', async () => {
    const fetchSpy = vi.fn();
    const client = new TesseraClient({ baseUrl: 'https://x.example', fetch: fetchSpy });
    await expect(client.checkout({ userId: 'u' })).rejects.toMatchObject({
      code: 'NOT_ACTIVATED',
    });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('holdSeat', () => {
  it('heartbeats at about a third of the remaining lease, always well before it expires', async () => {
    const server = fakeServer();
    const lost = losses();
    const seat = await server.client.holdSeat({ userId: 'agent-1', onLost: lost.onLost });
    await seconds(3600);
    const beats = server.calls.filter((c) => c.action === 'heartbeat').map((c) => c.at);
    expect(beats.length).toBeGreaterThanOrEqual(18); // 3600 s / 200 s
    let previous = T0;
    for (const at of beats) {
      expect(at - previous).toBeGreaterThanOrEqual(0.9 * (LEASE_MS / 3));
      expect(at - previous).toBeLessThanOrEqual(LEASE_MS / 3);
      previous = at;
    }
    expect(seat.state).toBe('held');
    expect(Date.parse(seat.expiresAt)).toBeGreaterThan(Date.now());
    expect(lost.seen).toEqual([]);
    await seat.release();
  });

  it('honours a fixed interval but never later than halfway through the remaining lease', async () => {
    const server = fakeServer();
    const fast = await server.client.holdSeat({ userId: 'a', heartbeatEveryMs: 60_000 });
    await seconds(600);
    expect(server.count('heartbeat')).toBe(10);
    await fast.release();

    const slow = fakeServer();
    const seat = await slow.client.holdSeat({ userId: 'a', heartbeatEveryMs: 9 * 60_000 });
    await seconds(299);
    expect(slow.count('heartbeat')).toBe(0);
    await seconds(1);
    expect(slow.count('heartbeat')).toBe(1);
    await seat.release();
  });

  it('retries network failures, 5xx and 429 with backoff while the lease is valid, and keeps the seat', async () => {
    const server = fakeServer();
    const lost = losses();
    server.script.heartbeat = ['network', 503, 429];
    const seat = await server.client.holdSeat({ userId: 'agent-1', onLost: lost.onLost });
    await seconds(180);
    expect(server.count('heartbeat')).toBe(0);
    await seconds(35); // first try by 200 s, then backoff ≤ 1 s, ≤ 2 s, ≤ 4 s
    const tries = server.calls.filter((c) => c.action === 'heartbeat').map((c) => c.at);
    expect(tries).toHaveLength(4);
    expect(tries.slice(1).map((at, i) => at - (tries[i] as number))).toEqual([
      expect.toSatisfy((ms: number) => ms >= 500 && ms <= 1000),
      expect.toSatisfy((ms: number) => ms >= 1000 && ms <= 2000),
      expect.toSatisfy((ms: number) => ms >= 2000 && ms <= 4000),
    ]);
    expect(seat.lastError).toBeUndefined();
    expect(seat.state).toBe('held');
    expect(lost.seen).toEqual([]);
    // After the success, the cadence is back to normal: the next one a third of a lease later.
    await seconds(200);
    const [, , , success, next] = server.calls
      .filter((c) => c.action === 'heartbeat')
      .map((c) => c.at);
    expect((next as number) - (success as number)).toBeGreaterThanOrEqual(0.9 * (LEASE_MS / 3));
    await seat.release();
  });

  it('on 410 LEASE_GONE calls onLost once with LEASE_GONE and stops heartbeating', async () => {
    const server = fakeServer();
    const onLost = vi.fn();
    server.fallback.heartbeat = 410;
    const seat = await server.client.holdSeat({ userId: 'agent-1', onLost });
    await seconds(3600);
    expect(onLost).toHaveBeenCalledTimes(1);
    expect(onLost.mock.calls[0]?.[0]).toBe('LEASE_GONE');
    expect(onLost.mock.calls[0]?.[1]).toBeInstanceOf(TesseraApiError);
    expect(server.count('heartbeat')).toBe(1);
    expect([seat.state, seat.lostReason]).toEqual(['lost', 'LEASE_GONE']);
    // The lease is gone already: releasing answers false without asking the server.
    expect(await seat.release()).toBe(false);
    expect(server.count('release')).toBe(0);
  });

  it('when no heartbeat succeeds before the lease ends, calls onLost once with EXPIRED, not earlier', async () => {
    const server = fakeServer();
    const onLost = vi.fn();
    server.fallback.heartbeat = 'network';
    const seat = await server.client.holdSeat({ userId: 'agent-1', onLost });
    await seconds(599);
    expect(onLost).not.toHaveBeenCalled();
    expect(server.count('heartbeat')).toBeGreaterThan(5);
    await seconds(1);
    expect(onLost).toHaveBeenCalledTimes(1);
    expect(onLost.mock.calls[0]?.[0]).toBe('EXPIRED');
    const attempts = server.count('heartbeat');
    await seconds(3600);
    expect(server.count('heartbeat')).toBe(attempts);
    expect(seat.state).toBe('lost');
    // An expired lease may still be counted until reclaimed: releasing it is still worth it.
    expect(await seat.release()).toBe(true);
  });

  it('a heartbeat refused for good (401) is reported as REJECTED at once, not retried', async () => {
    const server = fakeServer();
    const onLost = vi.fn();
    server.fallback.heartbeat = 401;
    await server.client.holdSeat({ userId: 'agent-1', onLost });
    await seconds(3600);
    expect(onLost.mock.calls.map((c) => c[0])).toEqual(['REJECTED']);
    expect(server.count('heartbeat')).toBe(1);
  });

  it('release stops the loop and gives the seat back once, however often it is called', async () => {
    const server = fakeServer();
    const onLost = vi.fn();
    const seat = await server.client.holdSeat({ userId: 'agent-1', onLost });
    await seconds(250);
    expect(server.count('heartbeat')).toBe(1);
    const [first, second] = await Promise.all([seat.release(), seat.release()]);
    expect([first, second, await seat.release()]).toEqual([true, true, true]);
    expect(server.count('release')).toBe(1);
    await seconds(3600);
    expect(server.count('heartbeat')).toBe(1);
    expect(seat.state).toBe('released');
    expect(onLost).not.toHaveBeenCalled();
  });

  it('a release that fails can be retried by calling release again', async () => {
    const server = fakeServer();
    server.script.release = ['network'];
    const seat = await server.client.holdSeat({ userId: 'agent-1' });
    await expect(seat.release()).rejects.toBeInstanceOf(TypeError);
    expect(await seat.release()).toBe(true);
    await seconds(3600);
    expect(server.count('heartbeat')).toBe(0);
  });

  it('a heartbeat answered after release does not restart the loop or report a loss', async () => {
    const server = fakeServer();
    const onLost = vi.fn();
    server.script.heartbeat = [410];
    let open = () => {};
    server.gates.heartbeat = new Promise<void>((resolve) => {
      open = resolve;
    });
    const seat = await server.client.holdSeat({ userId: 'agent-1', onLost });
    await seconds(200);
    expect(server.count('heartbeat')).toBe(1); // sent, not answered yet
    expect(await seat.release()).toBe(true);
    open(); // now it answers 410: the seat was released, not lost
    await seconds(3600);
    expect(onLost).not.toHaveBeenCalled();
    expect([seat.state, server.count('heartbeat')]).toEqual(['released', 1]);
  });

  it('aborting the signal stops the loop and releases the seat', async () => {
    const server = fakeServer();
    const onLost = vi.fn();
    const controller = new AbortController();
    const seat: Seat = await server.client.holdSeat({
      userId: 'agent-1',
      onLost,
      signal: controller.signal,
    });
    await seconds(250);
    controller.abort();
    await seconds(3600);
    expect(server.count('heartbeat')).toBe(1);
    expect(server.count('release')).toBe(1);
    expect(seat.state).toBe('released');
    expect(onLost).not.toHaveBeenCalled();
  });

  it('an already aborted signal takes no seat', async () => {
    const server = fakeServer();
    const controller = new AbortController();
    controller.abort();
    await expect(
      server.client.holdSeat({ userId: 'agent-1', signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.calls).toEqual([]);
  });

  it('an abort while the checkout is out gives the seat back and takes none', async () => {
    const server = fakeServer();
    let open = () => {};
    server.gates.checkout = new Promise<void>((resolve) => {
      open = resolve;
    });
    const controller = new AbortController();
    const holding = server.client
      .holdSeat({ userId: 'agent-1', signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    controller.abort();
    open();
    expect(await holding).toMatchObject({ name: 'AbortError' });
    expect(server.calls.map((c) => c.action)).toEqual(['checkout', 'release']);
    await seconds(3600);
    expect(server.count('heartbeat')).toBe(0);
  });

  it('retries a checkout that got no answer with the same session id, and throws POOL_FULL as it came', async () => {
    const server = fakeServer();
    server.script.checkout = ['network', 503];
    const holding = server.client.holdSeat({ userId: 'agent-1' });
    await seconds(10); // the retries wait out their backoff: ≤ 1 s, then ≤ 2 s
    const seat = await holding;
    const ids = server.calls.filter((c) => c.action === 'checkout').map((c) => c.body.sessionId);
    expect(ids).toEqual([seat.sessionId, seat.sessionId, seat.sessionId]);
    await seat.release();

    // Giving up after three tries: the seat may have been taken without an answer; give it back.
    server.script.checkout = ['network', 'network', 'network'];
    const failing = server.client.holdSeat({ userId: 'agent-2' }).catch((e: unknown) => e);
    await seconds(10);
    expect(await failing).toBeInstanceOf(TypeError);
    expect(server.calls.slice(-4).map((c) => c.action)).toEqual([
      'checkout',
      'checkout',
      'checkout',
      'release',
    ]);

    server.script.checkout = [409];
    const refused = await server.client.holdSeat({ userId: 'agent-3' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TesseraApiError);
    expect(refused).toMatchObject({ status: 409, code: 'POOL_FULL' });
    expect((refused as TesseraApiError).problem).toMatchObject({ used: 5, limit: 5 });
  });

  it('a caller-chosen session id is renewed at once, since its lease may be older than this process', async () => {
    const server = fakeServer();
    const seat = await server.client.holdSeat({ userId: 'agent-1', sessionId: 'desk-7' });
    await vi.advanceTimersByTimeAsync(1);
    expect(server.calls.map((c) => c.action)).toEqual(['checkout', 'heartbeat']);
    await seconds(170); // then the usual cadence, from the renewed lease
    expect(server.count('heartbeat')).toBe(1);
    await seat.release();
  });
});

describe('holdSeat without fake timers', () => {
  it('does not keep the process alive while it holds a seat', async () => {
    vi.useRealTimers();
    const server = fakeServer();
    const refs = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refs();
    const seat = await server.client.holdSeat({ userId: 'agent-1' });
    expect(refs()).toBe(before);
    await seat.release();
  });
});
