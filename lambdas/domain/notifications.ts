import { type Activation, OFFLINE_GRACE_SECONDS } from './activations.ts';
import { auditEvent, type ChangeContext } from './audit.ts';
import {
  type EmailMessage,
  expiryReminderMessage,
  licenseIssuedMessage,
  offlineRenewalMessage,
  type TicketReplyFacts,
  type TrialDeclinedFacts,
  ticketReplyMessage,
  trialDeclinedMessage,
} from './emails.ts';
import { drain, type Progress } from './job-progress.ts';
import type { Language } from './language.ts';
import { type License, licenseRef } from './licenses.ts';
import { type Notice, newNotice, type TrialRef } from './notices.ts';
import type { MessageRef } from './tickets.ts';
import type {
  ActivationUpkeepStore,
  ExpiryStore,
  NoticeStore,
  OfflineRenewalStore,
  ReminderKey,
} from './upkeep.ts';

const DAY_MS = 86_400_000;
/** A notice that failed this often is given up and reported (JobItemsFailed, a log line). */
export const MAX_NOTICE_ATTEMPTS = 5;

export interface LicenseFacts {
  license(id: string): Promise<License | undefined>;
  productName(code: string): Promise<string>;
  /** The customer's contact address, when it has one: reminders go there too. */
  customerContact(customerId: string): Promise<string | undefined>;
  /** A ticket reply's e-mail: the ticket and the message, or nothing when either is gone. */
  ticketReply(message: MessageRef): Promise<TicketReplyFacts | undefined>;
  /** A declined trial's e-mail, or nothing when the trial is gone or no longer declined. */
  trialDeclined(trial: TrialRef): Promise<TrialDeclinedFacts | undefined>;
  /** The reader's language (English when absent). */
  language?(to: string, customerId?: string): Promise<Language>;
}

export interface Sender {
  send(message: EmailMessage): Promise<unknown>;
}

const retryable = (error: unknown) => (error as { retryable?: unknown }).retryable === true;

/**
 * Records each license's end of validity once: an audit event `license.expired` and the
 * "has expired" notice, in one transaction with the mark on the license. Listings and checks
 * never wait for this: they compute expiry from the dates.
 */
export const sweepExpiries = (
  store: ExpiryStore,
  facts: Pick<LicenseFacts, 'license'>,
  ctx: ChangeContext,
  progress: Progress,
) =>
  drain(store.dueExpiries(ctx.now), progress, async ({ licenseId }, t) => {
    const license = await facts.license(licenseId);
    if (!license?.validTill || new Date(license.validTill) > ctx.now) return;
    if (license.status === 'revoked' || license.expiryRecordedFor === license.validTill) {
      await store.dequeue(license);
      return;
    }
    const event = auditEvent(ctx, 'license.expired', licenseRef(license), null, {
      validTill: license.validTill,
      serial: license.serial,
    });
    const notice = newNotice('license-expired', license.id, ctx.now, license.validTill);
    if (await store.recordExpiry(license, event, notice)) t.changed++;
  });

/** How many licenses end within `days`: the dashboard's "expiring in 30 days". */
export const countExpiring = async (store: ExpiryStore, now: Date, days: number) => {
  let count = 0;
  for await (const _ of store.upcomingExpiries(now, new Date(now.getTime() + days * DAY_MS))) {
    count++;
  }
  return count;
};

/** What every message says about its license. */
const languageOf = async (facts: LicenseFacts, to: string, license: License) => {
  const language = await facts.language?.(to, license.customerId);
  return language ? { language } : {};
};

const aboutLicense = async (facts: LicenseFacts, license: License) => ({
  productName: await facts.productName(license.productCode),
  companyName: license.companyName,
  serial: license.serial,
});

const recipients = async (facts: LicenseFacts, license: License) => {
  const contact = license.customerId ? await facts.customerContact(license.customerId) : undefined;
  const all = [license.registeredEmail, ...(contact ? [contact] : [])];
  return [...new Map(all.map((a) => [a.toLowerCase(), a])).values()];
};

/**
 * Sends queued notices (license issued, license expired, ticket replies, declined trials), each once: a notice is claimed
 * (pending → sending) before its e-mail goes out, so two overlapping runs never both send it.
 * A send that fails is put back for the next run, up to MAX_NOTICE_ATTEMPTS.
 */
export const sendNotices = (
  store: NoticeStore,
  facts: LicenseFacts,
  mailer: Sender,
  now: Date,
  progress: Progress,
) => {
  return drain(store.pending(), progress, async ({ noticeId }, t) => {
    const notice = await store.claim(noticeId, now);
    if (!notice) return;
    try {
      const sent = await deliver(notice);
      if (sent === 'gone') {
        await store.giveBack(notice, now, true);
        return;
      }
      await store.finish(notice, now);
      t.changed++;
    } catch (error) {
      const giveUp = !retryable(error) || notice.attempts + 1 >= MAX_NOTICE_ATTEMPTS;
      await store.giveBack(notice, now, giveUp);
      t.failed++;
    }
  });

  /** Sends a notice's e-mails; `gone` when what it reports no longer exists. */
  async function deliver(notice: Notice): Promise<'sent' | 'gone'> {
    if (notice.kind === 'ticket-reply') {
      const reply = await facts.ticketReply(notice.message);
      // A requester without an address (an API token) gets no e-mail: nothing to retry.
      if (reply) {
        const language = await facts.language?.(reply.to, reply.customerId);
        await mailer.send(ticketReplyMessage({ ...reply, ...(language ? { language } : {}) }));
      }
      return 'sent';
    }
    if (notice.kind === 'trial-declined') {
      const declined = await facts.trialDeclined(notice.trial);
      if (!declined) return 'gone';
      const language = await facts.language?.(declined.to, declined.customerId);
      await mailer.send(trialDeclinedMessage({ ...declined, ...(language ? { language } : {}) }));
      return 'sent';
    }
    const license = await facts.license(notice.licenseId);
    if (!license) return 'gone';
    const common = await aboutLicense(facts, license);
    if (notice.kind === 'license-issued') {
      await mailer.send(
        licenseIssuedMessage({
          ...common,
          ...(await languageOf(facts, license.registeredEmail, license)),
          to: license.registeredEmail,
          licenseKey: license.key,
          seats: license.seatLimit,
          validFrom: license.validFrom,
          ...(license.validTill ? { validTill: license.validTill } : {}),
        }),
      );
      return 'sent';
    }
    for (const to of await recipients(facts, license)) {
      await mailer.send(
        expiryReminderMessage({
          ...common,
          ...(await languageOf(facts, to, license)),
          to,
          validTill: license.validTill ?? now,
          daysLeft: 0,
        }),
      );
    }
    return 'sent';
  }
};

/**
 * Sends one reminder unless a run claimed it before: claimed first, marked sent after. A send
 * that may work later drops the claim for the next run; an address SES refuses is not retried
 * every run.
 */
const remindOnce = async (
  store: NoticeStore,
  key: ReminderKey,
  now: Date,
  tally: { changed: number; failed: number },
  send: () => Promise<unknown>,
) => {
  if (!(await store.claimReminder(key, now))) return;
  try {
    await send();
    await store.finishReminder(key, now, 'sent');
    tally.changed++;
  } catch (error) {
    if (retryable(error)) await store.dropReminder(key);
    else await store.finishReminder(key, now, 'failed');
    tally.failed++;
  }
};

/** How far ahead reminder runs look: a day past the largest offset. */
const reminderHorizon = (now: Date, offsets: readonly number[]) =>
  new Date(now.getTime() + (Math.max(...offsets, 0) + 1) * DAY_MS);

/** The reminder due now: the smallest offset whose day has come, or none. */
export const dueOffset = (validTill: Date, now: Date, offsets: readonly number[]) => {
  if (validTill <= now) return undefined;
  const due = offsets.filter((d) => validTill.getTime() - d * DAY_MS <= now.getTime());
  return due.length === 0 ? undefined : Math.min(...due);
};

/**
 * Expiry reminders at the configured offsets (30, 7, 1 days by default). Each (license, end
 * date, offset, recipient) is claimed with a conditional write before it is sent, so a reminder
 * goes out once even when runs overlap or repeat; a failed send drops the claim for a retry.
 * A run that was down for a while sends only the most imminent reminder, not every one missed.
 * A renewal (a new end date) starts a new series.
 */
export const sendReminders = async (
  store: NoticeStore,
  expiry: ExpiryStore,
  facts: LicenseFacts,
  mailer: Sender,
  now: Date,
  offsets: readonly number[],
  progress: Progress,
) => {
  const horizon = reminderHorizon(now, offsets);
  return drain(expiry.upcomingExpiries(now, horizon), progress, async ({ licenseId }, t) => {
    const license = await facts.license(licenseId);
    if (!license?.validTill || license.status !== 'active') return;
    const offset = dueOffset(new Date(license.validTill), now, offsets);
    if (offset === undefined) return;
    const daysLeft = Math.max(
      1,
      Math.ceil((new Date(license.validTill).getTime() - now.getTime()) / DAY_MS),
    );
    const common = {
      ...(await aboutLicense(facts, license)),
      validTill: license.validTill,
      daysLeft,
    };
    for (const to of await recipients(facts, license)) {
      const key: ReminderKey = {
        licenseId,
        validTill: license.validTill,
        offsetDays: offset,
        recipient: to,
      };
      await remindOnce(store, key, now, t, async () =>
        mailer.send(
          expiryReminderMessage({ ...common, ...(await languageOf(facts, to, license)), to }),
        ),
      );
    }
  });
};

/**
 * Reminders to renew the files of devices without internet, which a person renews by carrying
 * them a new file (docs/offline.md): at the configured offsets before the newest file's
 * refresh-by (30, 7, 1 days by default), and once more when it is overdue, during the grace,
 * to the same recipients as the license's expiry reminders. Each (device, refresh-by, offset,
 * recipient) goes out once, as the expiry reminders do. A device that ended, got a newer file,
 * or whose file stopped verifying leaves the queue; a license not active sends nothing.
 */
export const sendOfflineRenewalReminders = async (
  renewals: OfflineRenewalStore,
  store: NoticeStore,
  facts: LicenseFacts & { activation(id: string): Promise<Activation | undefined> },
  mailer: Sender,
  now: Date,
  offsets: readonly number[],
  progress: Progress,
) => {
  const horizon = reminderHorizon(now, offsets);
  return drain(renewals.dueRenewals(horizon), progress, async ({ activationId, refreshBy }, t) => {
    const activation = await facts.activation(activationId);
    const due = new Date(refreshBy);
    const stopsAt = new Date(due.getTime() + OFFLINE_GRACE_SECONDS * 1000);
    if (
      activation?.status !== 'active' ||
      activation.offlineRefreshBy !== refreshBy ||
      stopsAt <= now
    ) {
      await renewals.dropRenewal(activationId, refreshBy);
      return;
    }
    const license = await facts.license(activation.licenseId);
    if (license?.status !== 'active') return;
    if (license.validTill && new Date(license.validTill) <= now) return;
    const offset = due <= now ? 0 : dueOffset(due, now, offsets);
    if (offset === undefined) return;
    const common = {
      ...(await aboutLicense(facts, license)),
      device: activation.hostname ?? activation.fingerprint,
      refreshBy: due,
      stopsAt,
    };
    for (const to of await recipients(facts, license)) {
      const key: ReminderKey = {
        licenseId: activation.id,
        validTill: refreshBy,
        offsetDays: offset,
        recipient: to,
      };
      await remindOnce(store, key, now, t, async () =>
        mailer.send(
          offlineRenewalMessage({ ...common, ...(await languageOf(facts, to, license)), to }),
        ),
      );
    }
  });
};

/** Pending activations whose code expired more than an hour ago are removed. */
export const cleanUpActivations = (store: ActivationUpkeepStore, now: Date, progress: Progress) => {
  const cut = new Date(now.getTime() - 3_600_000);
  return drain(store.abandoned(cut), progress, async ({ activationId }, t) => {
    if (await store.removeAbandoned(activationId, cut)) t.changed++;
  });
};
