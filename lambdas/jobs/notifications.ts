import { memoized } from '../domain/common.ts';
import { type LicenseFacts, sendNotices, sendReminders } from '../domain/notifications.ts';
import { ticketReplyFacts } from '../domain/tickets.ts';
import { trialDeclinedFacts } from '../domain/trials.ts';
import { customerStore } from '../store/customers.ts';
import { licenseStore } from '../store/licenses.ts';
import { productStore } from '../store/products.ts';
import { ticketStore } from '../store/tickets.ts';
import { trialStore } from '../store/trials.ts';
import { expiryStore, noticeStore } from '../store/upkeep.ts';
import { readerLanguage } from '../wiring/language.ts';
import { currentMailer } from '../wiring/mailing.ts';
import type { JobBody } from './handler.ts';

/**
 * Queued notices first (license issued, license expired, ticket replies, declined trials), then
 * the expiry reminders due now.
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
  return {
    scanned: notices.scanned + reminders.scanned,
    changed: notices.changed + reminders.changed,
    failed: notices.failed + reminders.failed,
    truncated: notices.truncated || reminders.truncated,
    details: { noticesSent: notices.changed, remindersSent: reminders.changed },
  };
};
