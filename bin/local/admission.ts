/**
 * How the local gateway sheds load, as Lambda and API Gateway do in AWS: at most `concurrency`
 * handler invocations at once (Lambda's concurrency), a bounded queue in front of them, and a
 * wait limit; a request that cannot start in time is refused (429 with Retry-After) instead of
 * starting work it cannot finish. Optionally a stage-like rate and burst throttle (token bucket),
 * off by default so fast sequential scripts and tests are never throttled.
 */
export interface AdmissionOptions {
  concurrency: number;
  queue: number;
  waitMs: number;
  throttle?: { rate: number; burst: number };
}

export const DEFAULT_ADMISSION: AdmissionOptions = { concurrency: 16, queue: 1_000, waitMs: 5_000 };

export class Refused extends Error {
  constructor(readonly reason: 'busy' | 'throttled') {
    super(
      reason === 'busy'
        ? 'Too many requests are waiting; retry shortly.'
        : 'Too many requests per second; slow down.',
    );
  }
}

export const admission = (options: AdmissionOptions, now: () => number = Date.now) => {
  let active = 0;
  const waiting: { start: () => void; timer: NodeJS.Timeout }[] = [];
  let tokens = options.throttle?.burst ?? 0;
  let refilledAt = now();

  const takeToken = () => {
    const throttle = options.throttle;
    if (!throttle) return;
    const t = now();
    tokens = Math.min(throttle.burst, tokens + ((t - refilledAt) / 1000) * throttle.rate);
    refilledAt = t;
    if (tokens < 1) throw new Refused('throttled');
    tokens -= 1;
  };

  const release = () => {
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start(); // the slot passes straight to the next request
    } else active--;
  };

  /** Waits for a slot; resolves to its release function, or rejects with Refused. */
  const enter = async (): Promise<() => void> => {
    takeToken();
    if (active < options.concurrency) {
      active++;
      return release;
    }
    if (waiting.length >= options.queue) throw new Refused('busy');
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => resolve(release),
        timer: setTimeout(() => {
          const at = waiting.indexOf(entry);
          if (at !== -1) waiting.splice(at, 1);
          reject(new Refused('busy'));
        }, options.waitMs),
      };
      waiting.push(entry);
    });
  };

  return { enter, stats: () => ({ active, waiting: waiting.length }) };
};

/** `TESSERA_THROTTLE=rate/burst` (e.g. `50/100`, the dev stage's figures) switches it on. */
export const throttleFrom = (value: string | undefined) => {
  if (!value) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new Error(`TESSERA_THROTTLE must be rate/burst, e.g. 50/100, not '${value}'`);
  return { rate: Number(match[1]), burst: Number(match[2]) };
};
