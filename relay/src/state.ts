import { createHash } from 'node:crypto';
import { Journal } from './journal.ts';

/**
 * What the relay keeps: the allotments the cloud granted, the leases it gave from them, the
 * instances it checked with the cloud, and the cloud's answers it may serve while the cloud is
 * away. Every event sets or removes a whole entry, so replaying one twice changes nothing.
 */
export interface HeldAllotment {
  productCode: string;
  seats: number;
  /** On the relay's own clock: the cloud's lifetime counted from when the grant arrived, less a margin. */
  expiresAt: string;
  renewAfter: string;
  document: string;
}

export interface Lease {
  productCode: string;
  sessionId: string;
  userId: string;
  activationId: string;
  since: string;
  heartbeatAt: string;
  expiresAt: string;
}

export interface KnownInstance {
  activationId: string;
  licenseId: string;
  productCode: string;
  leaseSeconds: number;
  checkedAt: string;
}

/** A cloud answer kept for when the cloud is away: status, headers that matter, body. */
export interface CachedAnswer {
  status: number;
  etag?: string;
  body: string;
  at: string;
  /** Serve it offline until then (a license file: its refresh-by plus grace). */
  until: string;
}

export interface RelayState {
  allotments: Record<string, HeldAllotment>;
  leases: Record<string, Lease>;
  instances: Record<string, KnownInstance>;
  answers: Record<string, CachedAnswer>;
  lastContactAt?: string;
  lastError?: string;
}

export type RelayEvent =
  | { t: 'allotment'; a: HeldAllotment }
  | { t: 'allotment-gone'; productCode: string }
  | { t: 'lease'; l: Lease }
  | { t: 'lease-gone'; key: string }
  | { t: 'instance'; tokenHash: string; i: KnownInstance }
  | { t: 'instance-gone'; tokenHash: string }
  | { t: 'answer'; key: string; a: CachedAnswer }
  | { t: 'contact'; at: string; error?: string };

export const leaseKey = (productCode: string, sessionId: string) => `${productCode}#${sessionId}`;

/** Tokens are never stored: only their hash, to recognise an instance again. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const apply = (s: RelayState, e: RelayEvent) => {
  switch (e.t) {
    case 'allotment':
      s.allotments[e.a.productCode] = e.a;
      break;
    case 'allotment-gone':
      delete s.allotments[e.productCode];
      break;
    case 'lease':
      s.leases[leaseKey(e.l.productCode, e.l.sessionId)] = e.l;
      break;
    case 'lease-gone':
      delete s.leases[e.key];
      break;
    case 'instance':
      s.instances[e.tokenHash] = e.i;
      break;
    case 'instance-gone':
      delete s.instances[e.tokenHash];
      break;
    case 'answer':
      s.answers[e.key] = e.a;
      break;
    case 'contact':
      s.lastContactAt = e.at;
      if (e.error) s.lastError = e.error;
      else delete s.lastError;
      break;
  }
};

export const openState = (folder: string) =>
  new Journal<RelayState, RelayEvent>(
    folder,
    () => ({ allotments: {}, leases: {}, instances: {}, answers: {} }),
    apply,
  );

export type StateJournal = ReturnType<typeof openState>;
