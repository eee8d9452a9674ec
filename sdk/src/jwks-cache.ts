import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type Jwk,
  type Jwks,
  type VerifyOptions,
  type VerifyResult,
  verifyLicenseFile,
} from './verify.ts';

export interface JwksCacheOptions {
  /** Tessera's API base URL, e.g. `https://licenses.example.com/v1`. */
  baseUrl: string;
  /** Also keep the last good set in this file, so a restart while offline still verifies. */
  filePath?: string;
  /** A fetched set is used this long before it is fetched again. Default 3600 (one hour). */
  maxAgeSeconds?: number;
  /**
   * At most one network attempt per this many seconds once the set is stale, a kid is unknown or
   * the server is unreachable, so an offline instance does not wait on a timeout per check.
   * Default 60.
   */
  minRefetchSeconds?: number;
  /** Per request. Default 5000. */
  timeoutMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default: Date.now. */
  now?: () => number;
}

export interface JwksCache {
  /**
   * The key set: the cached one while fresh, else a fetched one; when the server cannot be
   * reached (or answers nonsense), the last good set from memory or the file. With `kid`, a set
   * lacking that key is refetched (rate-limited): a rotated key appears without waiting an hour.
   * Throws JwksUnavailableError only when there is no set at all: never fetched, no file.
   */
  get(options?: { kid?: string }): Promise<Jwks>;
  /** Fetches now (still rate-limited by `minRefetchSeconds`); falls back like `get`. */
  refresh(): Promise<Jwks>;
  /**
   * `verifyLicenseFile` with the cached set. An UNKNOWN_KEY result triggers one refetch and a
   * second try. Never throws: no key set at all is reported as UNKNOWN_KEY.
   */
  verify(file: string, options?: VerifyOptions): Promise<VerifyResult>;
  /** When the set in use was last fetched from the server (null: never, e.g. loaded from file). */
  readonly fetchedAt: Date | null;
  /** The most recent fetch or file failure, for the instance's own diagnostics. */
  readonly lastError: Error | null;
}

export class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}

export const JWKS_PATH = '/.well-known/jwks.json';

const asJwks = (value: unknown): Jwks | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return undefined;
  const objects = keys.filter(
    (k): k is Jwk => typeof k === 'object' && k !== null && !Array.isArray(k),
  );
  // An empty set would make every file UNKNOWN_KEY: keep the last good one instead.
  return objects.length > 0 ? { keys: objects } : undefined;
};

const hasKid = (jwks: Jwks, kid: string) => jwks.keys.some((k) => k.kid === kid);

export const createJwksCache = (options: JwksCacheOptions): JwksCache => {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${JWKS_PATH}`;
  const maxAgeMs = (options.maxAgeSeconds ?? 3600) * 1000;
  const minRefetchMs = (options.minRefetchSeconds ?? 60) * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;

  let current: Jwks | undefined;
  let fetchedAtMs: number | null = null;
  let lastAttemptMs = Number.NEGATIVE_INFINITY;
  let lastError: Error | null = null;
  let fileLoaded = false;
  let inFlight: Promise<void> | undefined;

  const toError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

  const loadFile = async () => {
    if (fileLoaded || !options.filePath) return;
    fileLoaded = true;
    try {
      const jwks = asJwks(JSON.parse(await readFile(options.filePath, 'utf8')));
      if (jwks && !current) current = jwks;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') lastError = toError(error);
    }
  };

  const saveFile = async (jwks: Jwks) => {
    if (!options.filePath) return;
    const temp = `${options.filePath}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(options.filePath), { recursive: true });
      await writeFile(temp, `${JSON.stringify(jwks, null, 2)}\n`);
      await rename(temp, options.filePath); // atomic: a reader sees the old or the new set
    } catch (error) {
      lastError = toError(error);
    }
  };

  const fetchOnce = async () => {
    lastAttemptMs = now();
    try {
      const response = await doFetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      const jwks = asJwks(await response.json());
      if (!jwks) throw new Error(`GET ${url} did not return a key set`);
      current = jwks;
      fetchedAtMs = now();
      lastError = null;
      await saveFile(jwks);
    } catch (error) {
      lastError = toError(error);
    }
  };

  const load = async (force: boolean, kid?: string): Promise<Jwks> => {
    await loadFile();
    const fresh = current !== undefined && fetchedAtMs !== null && now() - fetchedAtMs < maxAgeMs;
    const needed = force || !fresh || (kid !== undefined && current && !hasKid(current, kid));
    if (needed && (current === undefined || now() - lastAttemptMs >= minRefetchMs)) {
      inFlight ??= fetchOnce().finally(() => {
        inFlight = undefined;
      });
      await inFlight;
    }
    if (!current) {
      throw new JwksUnavailableError(
        `No key set: ${url} is unreachable and none is cached (${lastError?.message ?? 'no detail'})`,
      );
    }
    return current;
  };

  return {
    get: (getOptions) => load(false, getOptions?.kid),
    refresh: () => load(true),
    verify: async (file, verifyOptions) => {
      let jwks: Jwks;
      try {
        jwks = await load(false);
      } catch (error) {
        // Keep the precedence: a malformed file is MALFORMED even with no keys at hand.
        const result = verifyLicenseFile(file, { keys: [] }, verifyOptions);
        return result.valid || result.code !== 'UNKNOWN_KEY'
          ? result
          : { ...result, message: toError(error).message };
      }
      const result = verifyLicenseFile(file, jwks, verifyOptions);
      if (result.valid || result.code !== 'UNKNOWN_KEY') return result;
      const again = await load(true);
      return again === jwks ? result : verifyLicenseFile(file, again, verifyOptions);
    },
    get fetchedAt() {
      return fetchedAtMs === null ? null : new Date(fetchedAtMs);
    },
    get lastError() {
      return lastError;
    },
  };
};
