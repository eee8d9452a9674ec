import { later, type Timer } from './timers.ts';

/**
 * Concurrent seats on the instance side: the three calls of the seat protocol (checkout,
 * heartbeat, release) and `holdSeat`, which keeps a seat with a heartbeat loop until the
 * instance releases it or the server takes it back. Runs on Node 20+ and in browsers: only
 * `setTimeout` and `crypto.getRandomValues`.
 */

/** A seat as the server answers a checkout. */
export interface SeatLease {
  sessionId: string;
  userId: string;
  productCode: string;
  since: string;
  heartbeatAt: string;
  expiresAt: string;
}

/** The calls `holdSeat` needs; TesseraClient has them. */
export interface SeatApi {
  checkout(input: { sessionId?: string; userId: string }): Promise<SeatLease>;
  heartbeat(sessionId: string): Promise<{ expiresAt: string }>;
  release(sessionId: string): Promise<{ released: boolean }>;
}

/**
 * Why a held seat ended without the instance releasing it:
 * - `LEASE_GONE`: the server answered 410; an admin forced the seat free, the lease expired
 *   and another checkout reclaimed it, or this instance's license stopped being valid (then
 *   `error.problem.licenseCode` names why, e.g. `LICENSE_REVOKED`, and checking out again is
 *   refused). Otherwise check out again (the pool may be full by now).
 * - `EXPIRED`: no heartbeat succeeded before the lease ran out (network down, server
 *   unreachable). The seat may still be counted until it is reclaimed.
 * - `REJECTED`: the server refused the heartbeat for good (activation returned or revoked,
 *   license gone: 401/403/409); retrying cannot help.
 */
export type SeatLostReason = 'LEASE_GONE' | 'EXPIRED' | 'REJECTED';

export interface HoldSeatOptions {
  userId: string;
  /** Default: a random id. Pass your own to re-attach to a seat after a restart. */
  sessionId?: string;
  /** Called once, at most, when the seat is lost; never after `release()` or an abort. */
  onLost?: (reason: SeatLostReason, error?: unknown) => void;
  /**
   * Fixed heartbeat interval. Default: a third of the remaining lease (about 3 min 20 s for the
   * default 10-minute lease; the length comes from the checkout answer), minus up to 10% jitter. Never later than halfway through the
   * remaining lease, whatever is set here.
   */
  heartbeatEveryMs?: number;
  /** Aborting stops the loop and releases the seat (best effort), like `seat.release()`. */
  signal?: AbortSignal;
}

export type SeatState = 'held' | 'lost' | 'released';

export interface Seat {
  readonly sessionId: string;
  readonly userId: string;
  readonly productCode: string;
  readonly since: string;
  /** The lease's end as the server last answered it. */
  readonly expiresAt: string;
  readonly state: SeatState;
  /** Set once the seat is lost. */
  readonly lostReason: SeatLostReason | undefined;
  /** The most recent failed heartbeat's error; cleared by the next success. */
  readonly lastError: unknown;
  /**
   * Stops the heartbeat loop and gives the seat back; `true` when this call freed it. Safe to
   * call again (the same answer; a failed release is retried by the next call).
   */
  release(): Promise<boolean>;
}

/** A random session id: 128 bits, URL-safe. */
export const newSessionId = (): string => {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return `ses_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
};

/** The HTTP status of an API error (TesseraApiError or alike), undefined for anything else. */
const statusOf = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, code } = error as { status?: unknown; code?: unknown };
  return typeof status === 'number' && typeof code === 'string' ? status : undefined;
};
const codeOf = (error: unknown): string | undefined =>
  statusOf(error) === undefined ? undefined : (error as { code: string }).code;

/**
 * Worth retrying: no answer at all (network, timeout), a server error, throttling. Everything
 * else is the server's final word.
 */
export const isTransient = (error: unknown): boolean => {
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 429 || status === 408;
};

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;
const CHECKOUT_ATTEMPTS = 3;
const MIN_INTERVAL_MS = 1_000;

/** Exponential backoff with jitter: 0.5–1× of 1 s, 2 s, 4 s … capped at 30 s. */
const backoff = (attempt: number) =>
  Math.min(RETRY_BASE_MS * 2 ** attempt, RETRY_MAX_MS) * (0.5 + Math.random() * 0.5);

const noop = () => {};
const sleep = (ms: number) => new Promise<void>((resolve) => later(ms, resolve));

const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');

/**
 * Checks a seat out and keeps it. The checkout is retried on transient failures with the same
 * session id (idempotent on the server, so a retry never takes a second seat); POOL_FULL,
 * NO_ENTITLEMENT and other refusals are thrown as they came.
 *
 * Timing is measured on the local clock from when each successful request was sent, plus the
 * lease length the server grants, so a skewed local clock cannot make the loop late.
 */
export const holdSeat = async (api: SeatApi, options: HoldSeatOptions): Promise<Seat> => {
  const { signal } = options;
  signal?.throwIfAborted();
  const sessionId = options.sessionId ?? newSessionId();

  let lease: SeatLease | undefined;
  let sentAt = 0;
  // A checkout that got no answer may still have taken the seat: give it back when giving up.
  const abandon = () => api.release(sessionId).then(noop, noop);
  for (let attempt = 0; !lease; attempt++) {
    sentAt = Date.now();
    try {
      lease = await api.checkout({ sessionId, userId: options.userId });
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt + 1 >= CHECKOUT_ATTEMPTS) {
        await abandon();
        throw error;
      }
      await sleep(backoff(attempt));
    }
    if (signal?.aborted) {
      await abandon();
      throw abortReason(signal);
    }
  }

  // Checkout and heartbeat both set heartbeatAt = now and expiresAt = now + lease length.
  const leaseMs = Date.parse(lease.expiresAt) - Date.parse(lease.heartbeatAt);
  if (!(leaseMs > 0)) {
    await abandon();
    throw new TypeError('The checkout answer has no usable lease times.');
  }
  let deadline = sentAt + leaseMs; // local clock: the lease lasts at least until then
  let expiresAt = lease.expiresAt;
  let state: SeatState = 'held';
  let lostReason: SeatLostReason | undefined;
  let lastError: unknown;
  let timer: Timer | undefined;
  let releasing: Promise<boolean> | undefined;

  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    signal?.removeEventListener('abort', onAbort);
  };

  const lose = (reason: SeatLostReason, error: unknown) => {
    if (state !== 'held') return;
    state = 'lost';
    lostReason = reason;
    stop();
    try {
      options.onLost?.(reason, error);
    } catch {
      // The application's callback failing must not break the timer chain it was called from.
    }
  };

  const scheduleNext = () => {
    const remaining = deadline - Date.now();
    const wanted = options.heartbeatEveryMs ?? (remaining / 3) * (0.9 + Math.random() * 0.1);
    // The floor only matters for absurdly short leases: it keeps the loop from spinning.
    timer = later(Math.max(MIN_INTERVAL_MS, Math.min(wanted, remaining / 2)), () => void beat(0));
  };

  const beat = async (attempt: number): Promise<void> => {
    timer = undefined;
    const at = Date.now();
    try {
      const answer = await api.heartbeat(sessionId);
      if (state !== 'held') return; // released or aborted while the request was out
      if (typeof answer?.expiresAt !== 'string') throw new TypeError('No expiresAt in answer');
      expiresAt = answer.expiresAt;
      deadline = at + leaseMs;
      lastError = undefined;
      scheduleNext();
    } catch (error) {
      if (state !== 'held') return;
      lastError = error;
      if (statusOf(error) === 410 || codeOf(error) === 'LEASE_GONE') {
        return lose('LEASE_GONE', error);
      }
      if (!isTransient(error)) return lose('REJECTED', error);
      const remaining = deadline - Date.now();
      if (remaining <= 0) return lose('EXPIRED', error);
      // The last try lands on the deadline: if that fails too, the lease is over.
      timer = later(Math.min(backoff(attempt), remaining), () => void beat(attempt + 1));
    }
  };

  const release = (): Promise<boolean> => {
    if (releasing) return releasing;
    const wasGone = state === 'lost' && lostReason === 'LEASE_GONE';
    if (state === 'held') state = 'released';
    stop();
    releasing = wasGone
      ? Promise.resolve(false)
      : api.release(sessionId).then(
          (answer) => answer.released,
          (error: unknown) => {
            releasing = undefined; // let the next call try again
            throw error;
          },
        );
    return releasing;
  };

  function onAbort() {
    release().catch(noop);
  }
  signal?.addEventListener('abort', onAbort, { once: true });

  // A caller-chosen id may name a lease this instance already held, whose last heartbeat could
  // be old: renew it at once so the deadline above is true. A fresh random id is a fresh lease.
  if (options.sessionId !== undefined) timer = later(0, () => void beat(0));
  else scheduleNext();

  return {
    sessionId,
    userId: lease.userId,
    productCode: lease.productCode,
    since: lease.since,
    get expiresAt() {
      return expiresAt;
    },
    get state() {
      return state;
    },
    get lostReason() {
      return lostReason;
    },
    get lastError() {
      return lastError;
    },
    release,
  };
};
