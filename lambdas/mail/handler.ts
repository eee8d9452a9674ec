import type { SESEvent, SESReceiptStatus } from 'aws-lambda';
import { config } from '../config.ts';
import { INBOUND_PREFIX, type Verdict } from '../domain/mail-intake.ts';
import { logger, withObservability } from '../middleware/observability.ts';
import { files } from '../wiring/files.ts';
import { runtime } from '../wiring/runtime.ts';
import { takeInMail } from './take-in.ts';

const verdict = (status: SESReceiptStatus | undefined): Verdict =>
  (status?.status as Verdict | undefined) ?? 'DISABLED';

/**
 * SES receiving's Lambda action (invoked asynchronously, after the S3 action stored the message).
 * A failure throws: Lambda retries twice, then the event lands in the function's dead-letter
 * queue with the message still in the bucket. A redelivered message is recognised and not
 * taken in twice (lambdas/domain/mail-intake.ts).
 */
export const handler = withObservability(async (event: SESEvent) => {
  // The bucket SES's S3 action wrote to: the stage's file store.
  if (!config().FILES_BUCKET) throw new Error('FILES_BUCKET is not set');
  const store = files();
  const outcomes = [];
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const key = `${INBOUND_PREFIX}${mail.messageId}`;
    const raw = await store.get(key);
    // Thrown, so Lambda retries and then parks the event: the S3 action may not have landed yet.
    if (!raw) throw new Error(`No received message under ${key}`);
    const outcome = await takeInMail(runtime(), store, raw, {
      spam: verdict(receipt.spamVerdict),
      virus: verdict(receipt.virusVerdict),
      dmarc: verdict(receipt.dmarcVerdict),
    });
    // The outcome and the ticket's number only: addresses and subjects stay out of the logs.
    logger.info('mail taken in', { sesMessageId: mail.messageId, ...outcome });
    outcomes.push(outcome);
  }
  return { outcomes };
});
