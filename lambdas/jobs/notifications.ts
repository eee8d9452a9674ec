import { memoized } from '../domain/common.ts';
import { type LicenseFacts, sendNotices, sendReminders } from '../domain/notifications.ts';
import { currentMailer } from '../wiring/mailing.ts';
import type { JobBody } from './handler.ts';

/**
 * Queued notices first (license issued, license expired), then the expiry reminders due now.
 * The only job that imports the mailer, so the only one with `ses:SendEmail`.
 */
export const notifications: JobBody = async ({ runtime, now, progress }) => {
  const { stores } = runtime;
  const facts: LicenseFacts = {
    license: (id) => stores.licenses.get(id),
    productName: memoized(async (code) => (await stores.products.get(code))?.name ?? code),
    customerContact: memoized(async (id) => (await stores.customers.get(id))?.contactEmail),
  };
  const mailer = currentMailer();
  const notices = await sendNotices(stores.notices, facts, mailer, now, progress);
  const reminders = await sendReminders(
    stores.notices,
    stores.expiry,
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
