import { memoized } from '../domain/common.ts';
import {
  type LicenseFacts,
  sendNotices,
  sendOfflineRenewalReminders,
  sendReminders,
} from '../domain/notifications.ts';
import { ticketReplyFacts } from '../domain/tickets.ts';
import { trialDeclinedFacts } from '../domain/trials.ts';
import { activationStore } from '../store/activations.ts';
import { customerStore } from '../store/customers.ts';
import { licenseStore } from '../store/licenses.ts';
import { productStore } from '../store/products.ts';
import { ticketStore } from '../store/tickets.ts';
import { trialStore } from '../store/trials.ts';
import { expiryStore, noticeStore, offlineRenewalStore } from '../store/upkeep.ts';
import { readerLanguage } from '../wiring/language.ts';
import { currentMailer } from '../wiring/mailing.ts';
import type { JobBody } from './handler.ts';

/**
 * Queued notices first (license issued, license expired, ticket replies, declined trials), then
 * the expiry reminders due now, then the renewal reminders of devices without internet.
 * The only job that imports the mailer, so the only one with `ses:SendEmail`.
 */
export const notifications: JobBody = async ({ runtime, now, progress }) => {
  const facts: LicenseFacts = {
    license: (id) => runtime.store(licenseStore).get(id),
    productName: memoized(
      async (code) => (await runtime.store(productStore).get(code))?.name ?? code,
    ),
    customerContact: memoized(
      async (id) => (await runtime.store(customerStore).get(id))?.contactEmail,
    ),
    ticketReply: (message) => ticketReplyFacts(runtime.store(ticketStore), message),
    trialDeclined: (trial) =>
      trialDeclinedFacts(
        {
          trials: runtime.store(trialStore),
          products: runtime.store(productStore),
          customers: runtime.store(customerStore),
        },
        trial,
      ),
    language: memoized(readerLanguage(runtime)),
  };
  const mailer = currentMailer();
  const notices = await sendNotices(runtime.store(noticeStore), facts, mailer, now, progress);
  const reminders = await sendReminders(
    runtime.store(noticeStore),
    runtime.store(expiryStore),
    facts,
    mailer,
    now,
    runtime.config.REMINDER_OFFSET_DAYS,
    progress,
  );
  const renewals = await sendOfflineRenewalReminders(
    runtime.store(offlineRenewalStore),
    runtime.store(noticeStore),
    { ...facts, activation: (id) => runtime.store(activationStore).get(id) },
    mailer,
    now,
    runtime.config.REMINDER_OFFSET_DAYS,
    progress,
  );
  const all = [notices, reminders, renewals];
  return {
    scanned: all.reduce((n, r) => n + r.scanned, 0),
    changed: all.reduce((n, r) => n + r.changed, 0),
    failed: all.reduce((n, r) => n + r.failed, 0),
    truncated: all.some((r) => r.truncated),
    details: {
      noticesSent: notices.changed,
      remindersSent: reminders.changed,
      offlineRenewalsSent: renewals.changed,
    },
  };
};
