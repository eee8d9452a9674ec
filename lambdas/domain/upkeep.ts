import type { AuditEvent } from './audit.ts';
import type { License } from './licenses.ts';
import type { Notice } from './notices.ts';

export type { Notice, NoticeKind } from './notices.ts';

/**
 * What the expiry sweep, the notifications job and the activation cleanup need from storage.
 * Validity never depends on these jobs (it is computed from the dates at every check); they
 * record events, send e-mails and tidy up.
 */
export interface ExpiryStore {
  /** Licenses whose end of validity passed before `now` and is not recorded yet. */
  dueExpiries(now: Date): AsyncIterable<{ licenseId: string }>;
  /** Licenses whose validity ends in [from, to). */
  upcomingExpiries(from: Date, to: Date): AsyncIterable<{ licenseId: string }>;
  /** Records the expiry once: marks the license, audits, queues the notice; false if raced. */
  recordExpiry(license: License, event: AuditEvent, notice: Notice): Promise<boolean>;
  /** Takes a license whose expiry is already recorded (or moot) out of the queue. */
  dequeue(license: License): Promise<void>;
}

export interface NoticeStore {
  pending(): AsyncIterable<{ noticeId: string }>;
  /** pending → sending, out of the queue; undefined when another run has it. */
  claim(noticeId: string, now: Date): Promise<Notice | undefined>;
  finish(notice: Notice, now: Date): Promise<void>;
  /** sending → pending again (back in the queue), or → failed when `giveUp`. */
  giveBack(notice: Notice, now: Date, giveUp: boolean): Promise<void>;
  /** A reminder for this license, end date, offset and recipient: true only for the first claim. */
  claimReminder(key: ReminderKey, now: Date): Promise<boolean>;
  finishReminder(key: ReminderKey, now: Date, state: 'sent' | 'failed'): Promise<void>;
  /** Forgets a claim whose send failed, so the next run tries again. */
  dropReminder(key: ReminderKey): Promise<void>;
}

export interface ReminderKey {
  /** The license; for an offline device's renewal reminders, its activation. */
  licenseId: string;
  validTill: string;
  offsetDays: number;
  recipient: string;
}

export interface ActivationUpkeepStore {
  /** Pending activations whose code expired before `cut`. */
  abandoned(cut: Date): AsyncIterable<{ activationId: string }>;
  /** Deletes it only if it is still pending with a code that expired before `cut`. */
  removeAbandoned(activationId: string, cut: Date): Promise<boolean>;
}

export interface OfflineRenewalStore {
  /** Offline devices whose newest file is due for renewal before `to`, soonest first. */
  dueRenewals(to: Date): AsyncIterable<{ activationId: string; refreshBy: string }>;
  /** Takes a device off the renewal queue, only while its entry is still for `refreshBy`. */
  dropRenewal(activationId: string, refreshBy: string): Promise<void>;
}
