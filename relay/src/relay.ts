import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allotmentHolds, relayIdOf, signedTimes } from './allotment-document.ts';
import { Cloud, CloudAway, type GrantedAllotment } from './cloud.ts';
import { json, problem, readBody } from './http.ts';
import { LocalSeats, Refusal } from './seats.ts';
import { type KnownInstance, openState, type StateJournal, tokenHash } from './state.ts';

export interface RelayOptions {
  /** Tessera's API base URL (`https://…/v1`, or `http://127.0.0.1:8787` locally). */
  cloudUrl: string;
  /** The relay credential (`tsy_…`) made for this site's project in the portal. */
  credential: string;
  /** Seats to hold per product, e.g. `{ AGENTS: 10 }`. */
  seats: Record<string, number>;
  stateDir: string;
  port?: number;
  host?: string;
  clock?: () => Date;
}

/** The relay stops using an allotment this long before the cloud's expiry (clock drift). */
const EXPIRY_MARGIN_MS = 5_000;
/** How soon a failed renewal is tried again. */
const RETRY_MS = 5_000;
/**
 * A known instance is checked with the cloud again after this long, when the cloud answers: a
 * revoked or moved activation stops drawing seats here within it.
 */
const RECHECK_MS = 15 * 60 * 1000;
/** How long a validation answer may be served while the cloud is away. */
const VALIDATION_GRACE_MS = 14 * 24 * 3600 * 1000;

/** A license file's refresh-by plus grace, read from its (unverified) payload: how long to serve it. */
const servableUntil = (licenseFile: string): string => {
  try {
    const claims = JSON.parse(Buffer.from(licenseFile.split('.')[1] ?? '', 'base64url').toString());
    return new Date((Number(claims.rfb) + Number(claims.grc ?? 0)) * 1000).toISOString();
  } catch {
    return new Date(0).toISOString();
  }
};

/**
 * The on-site relay (docs/relay.md): the instance API on a LAN. Seat calls are served from the
 * allotment, with no cloud round trip; everything else passes through to Tessera, and the answers
 * an instance needs while the cloud is away (license files, validations, the JWKS) are kept.
 */
export class SiteRelay {
  readonly journal: StateJournal;
  readonly seats: LocalSeats;
  private readonly cloud: Cloud;
  private readonly clock: () => Date;
  private server: Server | undefined;
  private timers = new Map<string, NodeJS.Timeout>();
  /** Cloud calls that failed and wait for the cloud to come back, by what they are for. */
  readonly waiting = new Map<string, { since: string; error: string }>();
  private stopped = false;

  constructor(private readonly options: RelayOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.journal = openState(options.stateDir);
    this.seats = new LocalSeats(this.journal, this.clock);
    this.cloud = new Cloud(options.cloudUrl, options.credential);
  }

  /** Listens, then takes or renews each allotment (not waiting for the cloud to answer). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (error instanceof Refusal)
          return problem(res, error.status, error.code, error.message, error.extra);
        problem(res, 500, 'INTERNAL', 'The relay failed; try again.');
      });
    });
    await new Promise<void>((resolve) =>
      this.server?.listen(this.options.port ?? 8788, this.options.host ?? '127.0.0.1', resolve),
    );
    for (const productCode of Object.keys(this.options.seats)) void this.renew(productCode);
    const { port } = this.server.address() as AddressInfo;
    return `http://${this.options.host ?? '127.0.0.1'}:${port}`;
  }

  /** Stops serving; gives back the allotments no lease uses, so the cloud can use them. */
  async stop() {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    for (const productCode of Object.keys(this.journal.state.allotments)) {
      if (this.seats.live(productCode).length > 0) continue;
      try {
        await this.cloud.giveBack(productCode);
        this.journal.record({ t: 'allotment-gone', productCode });
      } catch {
        // Unreachable: the allotment runs out by itself and the cloud takes its seats back.
      }
    }
    this.journal.close();
  }

  private schedule(productCode: string, at: number) {
    clearTimeout(this.timers.get(productCode));
    if (this.stopped) return;
    const timer = setTimeout(() => void this.renew(productCode), Math.max(0, at - Date.now()));
    timer.unref();
    this.timers.set(productCode, timer);
  }

  /**
   * A renewal that got no usable grant: shown as waiting since its first failure, the error
   * journaled once while it stays the same, what it holds kept until it runs out, and tried again.
   */
  private renewalFailed(productCode: string, sentAt: Date, message: string) {
    this.waiting.set(`renew ${productCode}`, {
      since: this.waiting.get(`renew ${productCode}`)?.since ?? sentAt.toISOString(),
      error: message,
    });
    if (this.journal.state.lastError !== message) {
      this.journal.record({
        t: 'contact',
        at: this.journal.state.lastContactAt ?? '',
        error: message,
      });
    }
    this.expireIfDue(productCode);
    this.schedule(productCode, Date.now() + RETRY_MS);
  }

  /** Takes, renews or resizes one allotment; on failure keeps what it has until it runs out. */
  async renew(productCode: string) {
    const wanted = this.options.seats[productCode] ?? 0;
    const inUse = this.seats.live(productCode).length;
    const sentAt = this.clock();
    let granted: GrantedAllotment;
    try {
      granted = await this.cloud.hold(
        productCode,
        wanted,
        inUse,
        Object.keys(this.journal.state.answers).length,
      );
    } catch (error) {
      this.renewalFailed(productCode, sentAt, (error as Error).message);
      return;
    }
    if (!(await this.grantHolds(productCode, granted))) {
      this.renewalFailed(
        productCode,
        sentAt,
        'The allotment document does not verify against the vendor keys',
      );
      return;
    }
    this.waiting.delete(`renew ${productCode}`);
    // The signed lifetime and renewal delay, counted from when the request left: never later than
    // the cloud's own clock counts them.
    const { iat, exp } = signedTimes(granted.document);
    const expiresAt = new Date(
      sentAt.getTime() + (exp - iat) * 1000 - EXPIRY_MARGIN_MS,
    ).toISOString();
    const renewAt = sentAt.getTime() + (Date.parse(granted.renewAfter) - iat * 1000);
    this.journal.record({
      t: 'allotment',
      a: {
        productCode,
        seats: granted.seats,
        expiresAt,
        renewAfter: new Date(renewAt).toISOString(),
        document: granted.document,
      },
    });
    this.journal.record({ t: 'contact', at: this.clock().toISOString() });
    this.seats.fitTo(productCode);
    this.schedule(productCode, renewAt);
  }

  /** The grant is signed under the vendor's keys, for this relay, product and seats. */
  private async grantHolds(productCode: string, granted: GrantedAllotment) {
    const expected = {
      relayId: relayIdOf(this.options.credential),
      productCode,
      seats: granted.seats,
    };
    const kept = this.journal.state.answers.jwks;
    if (kept && allotmentHolds(granted.document, JSON.parse(kept.body), expected)) return true;
    // A key the kept set lacks (rotation), or no set yet: fetch it once.
    try {
      const answer = await this.cloud.forward('GET', '/.well-known/jwks.json', {});
      if (answer.status !== 200) return false;
      this.keep('jwks', answer.body);
      return allotmentHolds(granted.document, JSON.parse(answer.body), expected);
    } catch {
      return false;
    }
  }

  /** An allotment that ran out on the relay's clock: its leases end, its seats are the cloud's again. */
  private expireIfDue(productCode: string) {
    const held = this.journal.state.allotments[productCode];
    if (held && new Date(held.expiresAt) <= this.clock()) {
      this.journal.record({ t: 'allotment-gone', productCode });
      this.seats.fitTo(productCode);
    }
  }

  /** The instance behind an activation token: known, or checked with the cloud once. */
  private async instanceOf(req: IncomingMessage): Promise<KnownInstance> {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) throw new Refusal(401, 'UNAUTHENTICATED', 'A valid activation token is required.');
    const hash = tokenHash(bearer);
    const known = this.journal.state.instances[hash];
    if (known && this.clock().getTime() - Date.parse(known.checkedAt) < RECHECK_MS) return known;
    try {
      const checked = await this.cloud.checkInstance(bearer);
      const instance = { ...checked, checkedAt: this.clock().toISOString() };
      this.journal.record({ t: 'instance', tokenHash: hash, i: instance });
      return instance;
    } catch (error) {
      // The cloud is away: an instance seen before keeps its seats; a new one cannot be checked.
      if (error instanceof CloudAway) {
        if (known) return known;
        throw new Refusal(
          503,
          'CLOUD_UNREACHABLE',
          'This instance was never seen here and Tessera cannot be reached to check it.',
        );
      }
      if (known) this.journal.record({ t: 'instance-gone', tokenHash: hash });
      throw new Refusal(401, 'UNAUTHENTICATED', 'A valid activation token is required.');
    }
  }

  status() {
    const state = this.journal.state;
    const now = this.clock();
    return {
      lastContactAt: state.lastContactAt ?? null,
      lastError: state.lastError ?? null,
      allotments: Object.values(state.allotments).map((a) => ({
        productCode: a.productCode,
        seats: this.seats.seatsOf(a.productCode, now),
        inUse: this.seats.live(a.productCode, now).length,
        expiresAt: a.expiresAt,
        renewAfter: a.renewAfter,
      })),
      leases: Object.values(state.leases).filter((l) => new Date(l.expiresAt) > now).length,
      instances: Object.keys(state.instances).length,
      cached: Object.entries(state.answers).map(([key, a]) => ({
        key: key.split(' ')[0] ?? key,
        until: a.until,
      })),
      waiting: [...this.waiting].map(([call, w]) => ({ call, ...w })),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://relay');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/relay/status') return json(res, 200, this.status());
    const seatCall = /^\/instance\/seats\/(checkout|heartbeat|release)$/.exec(path);
    if (method === 'POST' && seatCall) {
      const body = JSON.parse((await readBody(req)) || '{}') as {
        sessionId?: unknown;
        userId?: unknown;
      };
      if (
        typeof body.sessionId !== 'string' ||
        body.sessionId.length === 0 ||
        body.sessionId.length > 128
      ) {
        throw new Refusal(400, 'VALIDATION_FAILED', 'sessionId is required.');
      }
      const instance = await this.instanceOf(req);
      if (seatCall[1] === 'checkout') {
        if (typeof body.userId !== 'string' || body.userId.length === 0) {
          throw new Refusal(400, 'VALIDATION_FAILED', 'userId is required.');
        }
        const lease = this.seats.checkout(instance, body.sessionId, body.userId);
        const { activationId: _a, ...view } = lease;
        return json(res, 200, view);
      }
      if (seatCall[1] === 'heartbeat')
        return json(res, 200, this.seats.heartbeat(instance, body.sessionId));
      return json(res, 200, this.seats.release(instance, body.sessionId));
    }
    return this.passThrough(req, res, method, url);
  }

  /** Everything else goes to the cloud; what instances need offline is kept and served from here. */
  private async passThrough(req: IncomingMessage, res: ServerResponse, method: string, url: URL) {
    const body = method === 'GET' ? undefined : await readBody(req);
    const path = `${url.pathname}${url.search}`;
    const bearer = req.headers.authorization ?? '';
    const cacheKey =
      url.pathname === '/.well-known/jwks.json'
        ? 'jwks'
        : url.pathname === '/instance/refresh' || url.pathname === '/instance/license-file'
          ? `file ${tokenHash(bearer)}`
          : url.pathname === '/instance/validate'
            ? `validation ${tokenHash(body ?? '')}`
            : undefined;
    try {
      const answer = await this.cloud.forward(
        method,
        path,
        req.headers as Record<string, string>,
        body,
      );
      if (cacheKey && answer.status === 200) this.keep(cacheKey, answer.body, answer.headers.etag);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      if (!(error instanceof CloudAway)) throw error;
      this.waiting.set(`${method} ${url.pathname}`, {
        since: this.clock().toISOString(),
        error: error.message,
      });
      const cached = cacheKey ? this.journal.state.answers[cacheKey] : undefined;
      if (!cached || new Date(cached.until) <= this.clock()) {
        return problem(
          res,
          503,
          'CLOUD_UNREACHABLE',
          'Tessera cannot be reached and the relay has no answer to give.',
        );
      }
      if (cached.etag && req.headers['if-none-match'] === cached.etag) {
        res.writeHead(304, { etag: cached.etag });
        return res.end();
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(cached.etag ? { etag: cached.etag } : {}),
        'x-tessera-relay': 'cached',
      });
      res.end(cached.body);
    }
  }

  private keep(key: string, body: string, etag?: string) {
    const now = this.clock();
    let until = new Date(now.getTime() + VALIDATION_GRACE_MS).toISOString();
    if (key.startsWith('file ')) {
      const file = (JSON.parse(body) as { licenseFile?: string }).licenseFile;
      if (file) until = servableUntil(file);
    }
    this.journal.record({
      t: 'answer',
      key,
      a: { status: 200, body, at: now.toISOString(), until, ...(etag ? { etag } : {}) },
    });
  }
}
