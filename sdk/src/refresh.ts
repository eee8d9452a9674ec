import { isTransient } from './seats.ts';
import { later, type Timer } from './timers.ts';

/**
 * Keeps an installed license file fresh: asks the server for a new one a while before the
 * current file's refresh-by time (`rfb`), hands it to the application to store, and schedules the
 * next round from the new file. Network failures, server errors and throttling are retried with
 * backoff (well before the grace period runs out); a refusal (the license was revoked, suspended,
 * the activation returned…) is reported once, and the loop keeps asking at a slow pace in case it
 * is lifted. Runs on Node 20+ and in browsers.
 */
export interface RefreshAnswer {
  activationId: string;
  licenseFile: string;
  refreshBy: string;
}

export interface KeepFreshOptions {
  /** The client holding the activation token (a `TesseraClient`). */
  client: { refresh(): Promise<RefreshAnswer> };
  /** The refresh-by time of the file installed now (`verifyLicenseFile(...).refreshBy`). */
  refreshBy: Date;
  /** Store the new file (and verify it first, as at install). Called once per renewal. */
  onRenewed: (answer: RefreshAnswer) => void | Promise<void>;
  /** The server refused to renew; called once per refusal, again only after a renewal. */
  onRefused?: (error: { status: number; code: string; message: string }) => void;
  /** A failure that will be retried (no answer, 5xx, 429), for logging. */
  onRetry?: (error: unknown, inMs: number) => void;
  /** Renew this long before refresh-by; default a tenth of the time left, at least a minute. */
  aheadMs?: number;
  /** After a refusal, ask again this often; default one hour. */
  refusedRetryMs?: number;
  now?: () => number;
}

export interface FreshnessLoop {
  /** Renews now (e.g. after a user action), then goes on as scheduled. */
  refreshNow(): Promise<void>;
  stop(): void;
}

const MINUTE = 60_000;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 15 * MINUTE;

const refusalOf = (error: unknown) => {
  const { status, code, message } = error as { status: number; code: string; message?: string };
  return { status, code, message: message ?? code };
};

export const keepLicenseFresh = (options: KeepFreshOptions): FreshnessLoop => {
  const now = options.now ?? Date.now;
  const refusedRetryMs = options.refusedRetryMs ?? 60 * MINUTE;
  let refreshBy = options.refreshBy.getTime();
  let timer: Timer | undefined;
  let stopped = false;
  let failures = 0;
  let reportedRefusal = false;
  let running: Promise<void> | undefined;

  const dueIn = () => {
    const left = refreshBy - now();
    const ahead = options.aheadMs ?? Math.max(MINUTE, left / 10);
    return Math.max(0, left - ahead);
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = later(ms, () => {
      void round();
    });
  };

  const attempt = async () => {
    try {
      const answer = await options.client.refresh();
      await options.onRenewed(answer);
      failures = 0;
      reportedRefusal = false;
      refreshBy = new Date(answer.refreshBy).getTime();
      schedule(dueIn());
    } catch (error) {
      if (isTransient(error)) {
        const wait = Math.min(RETRY_BASE_MS * 2 ** failures, RETRY_MAX_MS);
        failures++;
        options.onRetry?.(error, wait);
        schedule(wait);
        return;
      }
      if (!reportedRefusal) {
        reportedRefusal = true;
        options.onRefused?.(refusalOf(error));
      }
      schedule(refusedRetryMs);
    }
  };

  const round = (): Promise<void> => {
    running ??= attempt().finally(() => {
      running = undefined;
    });
    return running;
  };

  schedule(dueIn());
  return {
    refreshNow: () => round(),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
};
