import { type KnownInstance, type Lease, leaseKey, type StateJournal } from './state.ts';

/**
 * Concurrent seats served on the LAN from the relay's allotment, with the cloud's protocol and
 * answers (checkout, heartbeat, release; POOL_FULL, LEASE_GONE, ALREADY_EXISTS). The relay never
 * holds more live leases of a product than its allotment's seats: each lease is journalled
 * (fsync'd) before it is answered, and a lost allotment ends its leases.
 */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class LocalSeats {
  constructor(
    private readonly journal: StateJournal,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private get state() {
    return this.journal.state;
  }

  /** Seats the allotment gives now: none once it ran out on the relay's clock. */
  seatsOf(productCode: string, now = this.clock()): number {
    const allotment = this.state.allotments[productCode];
    return allotment && new Date(allotment.expiresAt) > now ? allotment.seats : 0;
  }

  /** Live leases of a product; leases that ran out are dropped on the way (reclaimed). */
  live(productCode: string, now = this.clock()): Lease[] {
    const out: Lease[] = [];
    for (const [key, lease] of Object.entries(this.state.leases)) {
      if (lease.productCode !== productCode) continue;
      if (new Date(lease.expiresAt) <= now) this.journal.record({ t: 'lease-gone', key });
      else out.push(lease);
    }
    return out;
  }

  checkout(instance: KnownInstance, sessionId: string, userId: string): Lease {
    const now = this.clock();
    const key = leaseKey(instance.productCode, sessionId);
    const held = this.state.leases[key];
    const live = this.live(instance.productCode, now);
    if (held && new Date(held.expiresAt) > now) {
      if (held.activationId !== instance.activationId) {
        throw new Refusal(409, 'ALREADY_EXISTS', 'This session holds a seat already.');
      }
      return held; // a retried checkout: the same seat, not a second one
    }
    const limit = this.seatsOf(instance.productCode, now);
    if (live.length >= limit) {
      throw new Refusal(409, 'POOL_FULL', 'Every seat of this pool is in use.', {
        used: live.length,
        limit,
      });
    }
    const at = now.toISOString();
    const lease: Lease = {
      productCode: instance.productCode,
      sessionId,
      userId,
      activationId: instance.activationId,
      since: at,
      heartbeatAt: at,
      expiresAt: new Date(now.getTime() + instance.leaseSeconds * 1000).toISOString(),
    };
    this.journal.record({ t: 'lease', l: lease });
    return lease;
  }

  heartbeat(instance: KnownInstance, sessionId: string) {
    const now = this.clock();
    const lease = this.state.leases[leaseKey(instance.productCode, sessionId)];
    if (
      !lease ||
      lease.activationId !== instance.activationId ||
      new Date(lease.expiresAt) <= now ||
      this.seatsOf(instance.productCode, now) === 0
    ) {
      throw new Refusal(410, 'LEASE_GONE', 'The seat was released or ran out; check out again.');
    }
    const next = {
      ...lease,
      heartbeatAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + instance.leaseSeconds * 1000).toISOString(),
    };
    this.journal.record({ t: 'lease', l: next });
    return { expiresAt: next.expiresAt };
  }

  release(instance: KnownInstance, sessionId: string) {
    const key = leaseKey(instance.productCode, sessionId);
    const lease = this.state.leases[key];
    if (!lease || lease.activationId !== instance.activationId) return { released: false };
    this.journal.record({ t: 'lease-gone', key });
    return { released: true };
  }

  /**
   * The allotment shrank (a renewal granted fewer seats) or ran out: the newest leases beyond it
   * end now, so live leases never exceed what the cloud counts for this relay.
   */
  fitTo(productCode: string) {
    const now = this.clock();
    const limit = this.seatsOf(productCode, now);
    const live = this.live(productCode, now).sort((a, b) => a.since.localeCompare(b.since));
    for (const lease of live.slice(limit)) {
      this.journal.record({ t: 'lease-gone', key: leaseKey(lease.productCode, lease.sessionId) });
    }
  }
}
