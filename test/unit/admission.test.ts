import { describe, expect, it } from 'vitest';
import { admission, Refused, throttleFrom } from '../../bin/local/admission.ts';

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'entered',
    (e: unknown) => (e instanceof Refused ? e.reason : String(e)),
  );

describe('the local gateway’s admission', () => {
  it('runs at most `concurrency` at once and hands a freed slot to the next in line', async () => {
    const gate = admission({ concurrency: 2, queue: 5, waitMs: 1_000 });
    const first = await gate.enter();
    await gate.enter();
    let third = false;
    const waiting = gate.enter().then((leave) => {
      third = true;
      return leave;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
    expect(gate.stats()).toEqual({ active: 2, waiting: 1 });

    first();
    (await waiting)();

    expect(third).toBe(true);
    expect(gate.stats()).toEqual({ active: 1, waiting: 0 });
  });

  it('refuses at once when the queue is full, and after waitMs when no slot frees', async () => {
    const gate = admission({ concurrency: 1, queue: 1, waitMs: 30 });
    await gate.enter();
    const queued = refusal(gate.enter());
    expect(await refusal(gate.enter())).toBe('busy');
    expect(await queued).toBe('busy');
    expect(gate.stats()).toEqual({ active: 1, waiting: 0 });
  });

  it('throttles to rate and burst when asked, refilling with time', async () => {
    let now = 0;
    const gate = admission(
      { concurrency: 100, queue: 0, waitMs: 10, throttle: { rate: 10, burst: 3 } },
      () => now,
    );
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await refusal(gate.enter()));
    expect(results).toEqual(['entered', 'entered', 'entered', 'throttled', 'throttled']);
    now += 200; // two tokens at 10/s
    expect(await refusal(gate.enter())).toBe('entered');
    expect(await refusal(gate.enter())).toBe('entered');
    expect(await refusal(gate.enter())).toBe('throttled');
  });

  it('reads TESSERA_THROTTLE as rate/burst and refuses anything else', () => {
    expect(throttleFrom('50/100')).toEqual({ rate: 50, burst: 100 });
    expect(throttleFrom(undefined)).toBeUndefined();
    expect(() => throttleFrom('fast')).toThrow(/rate\/burst/);
  });
});
