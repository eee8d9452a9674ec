import {
  type HoldSeatOptions,
  holdSeat,
  newSessionId,
  type Seat,
  type SeatLease,
} from './seats.ts';

/**
 * The instance side of Tessera's HTTP API: activate (two steps), refresh, return, validate,
 * and concurrent seats (checkout, heartbeat, release, or `holdSeat` for all three).
 * Plain `fetch`, no dependencies. Failures the server explains come back as TesseraApiError with
 * the problem document's stable `code`; `validate` answers a value, never an error, for a bad
 * license.
 */
export interface ClientOptions {
  /** API base URL: `https://<api>/v1` in AWS, `http://127.0.0.1:8787` locally. */
  baseUrl: string;
  /** Set after `completeActivation`, or from storage on the next start. */
  activationToken?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code: string;
  detail?: string;
  requestId?: string;
  [extra: string]: unknown;
}

export class TesseraApiError extends Error {
  override readonly name = 'TesseraApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? `${status} ${code}`);
  }
}

export interface StartedActivation {
  activationId: string;
  emailHint: string;
  codeExpiresAt: string;
  attemptsLeft: number;
}

export interface CompletedActivation {
  activationId: string;
  activationToken: string;
  licenseFile: string;
  refreshBy: string;
}

export interface ValidationAnswer {
  valid: boolean;
  code: string;
  licenseId?: string;
  product?: string;
  modules?: string[];
  validTill?: string | null;
}

export class TesseraClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  activationToken: string | undefined;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.activationToken = options.activationToken;
  }

  /** Step 1: the code goes to the license's registered e-mail; ask the admin for it. */
  startActivation(input: {
    key: string;
    fingerprint: string;
    hostname?: string;
    platform?: string;
    metadata?: Record<string, string>;
    /** The device's own public key (OfflineDevice.publicKey()): its files are bound to it. */
    devicePublicKey?: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  }): Promise<StartedActivation> {
    return this.call('POST', '/instance/activations', input);
  }

  resendCode(activationId: string): Promise<StartedActivation> {
    return this.call('POST', `/instance/activations/${encodeURIComponent(activationId)}/resend`);
  }

  /** Step 2: keeps the activation token on the client; store it with the license file. */
  async completeActivation(activationId: string, code: string): Promise<CompletedActivation> {
    const done = await this.call<CompletedActivation>(
      'POST',
      `/instance/activations/${encodeURIComponent(activationId)}/complete`,
      { code },
    );
    this.activationToken = done.activationToken;
    return done;
  }

  refresh(): Promise<{ activationId: string; licenseFile: string; refreshBy: string }> {
    return this.call('POST', '/instance/refresh', undefined, true);
  }

  /**
   * The current license file by plain GET. Pass the `etag` of the file held: while it is still
   * current the answer is `{ notModified: true }` and costs the server no signing.
   */
  async downloadLicenseFile(
    etag?: string,
  ): Promise<
    | { notModified: true; etag: string }
    | { notModified: false; etag: string; licenseFile: string; refreshBy: string }
  > {
    if (!this.activationToken) {
      throw new TesseraApiError(401, 'NOT_ACTIVATED', {
        code: 'NOT_ACTIVATED',
        detail: 'Activate first.',
      });
    }
    const response = await this.fetchImpl(`${this.baseUrl}/instance/license-file`, {
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${this.activationToken}`,
        ...(etag ? { 'if-none-match': etag } : {}),
      },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const current = response.headers.get('etag') ?? '';
    if (response.status === 304) return { notModified: true, etag: current || (etag ?? '') };
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const problem = (json.code ? json : { code: `HTTP_${response.status}` }) as Problem;
      throw new TesseraApiError(response.status, problem.code, problem);
    }
    return {
      notModified: false,
      etag: current,
      licenseFile: String(json.licenseFile),
      refreshBy: String(json.refreshBy),
    };
  }

  async returnActivation(): Promise<{ activationId: string; status: 'returned' }> {
    const answer = await this.call<{ activationId: string; status: 'returned' }>(
      'POST',
      '/instance/return',
      undefined,
      true,
    );
    this.activationToken = undefined;
    return answer;
  }

  validate(input: {
    key: string;
    fingerprint?: string;
    module?: string;
  }): Promise<ValidationAnswer> {
    return this.call('POST', '/instance/validate', input);
  }

  /**
   * Takes a seat of this instance's pool for a user session. Idempotent per session id: after a
   * network failure, retry with the same id (it never takes a second seat). Without a session
   * id, a random one is generated (read it from the answer). Refusals: 409 POOL_FULL (the
   * problem carries `used` and `limit`), 409 NO_ENTITLEMENT, 409 ALREADY_EXISTS (another
   * instance holds that session id).
   */
  checkout(input: { sessionId?: string; userId: string }): Promise<SeatLease> {
    const body = { sessionId: input.sessionId ?? newSessionId(), userId: input.userId };
    return this.call('POST', '/instance/seats/checkout', body, true);
  }

  /** Extends the lease; 410 LEASE_GONE once the seat was released, forced free or reclaimed. */
  heartbeat(sessionId: string): Promise<{ expiresAt: string }> {
    return this.call('POST', '/instance/seats/heartbeat', { sessionId }, true);
  }

  /** Gives the seat back; `released: false` when it was already gone (harmless). */
  release(sessionId: string): Promise<{ released: boolean }> {
    return this.call('POST', '/instance/seats/release', { sessionId }, true);
  }

  /** Checks a seat out and heartbeats it until released, aborted or lost: see `holdSeat`. */
  holdSeat(options: HoldSeatOptions): Promise<Seat> {
    return holdSeat(this, options);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    withToken = false,
  ): Promise<T> {
    if (withToken && !this.activationToken) {
      throw new TesseraApiError(401, 'NOT_ACTIVATED', {
        code: 'NOT_ACTIVATED',
        detail: 'Activate first.',
      });
    }
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(withToken ? { authorization: `Bearer ${this.activationToken}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { code: 'BAD_RESPONSE', detail: 'The server answered something that is not JSON.' };
    }
    if (!response.ok) {
      const problem = (json as Problem).code
        ? (json as Problem)
        : { code: `HTTP_${response.status}` };
      throw new TesseraApiError(response.status, problem.code, problem as Problem);
    }
    return json as T;
  }
}
