import type { SESEvent, SESReceiptStatus } from 'aws-lambda';
import { s3Api } from '../adapters/aws/services.ts';
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
  const cfg = config();
  if (!cfg.FILES_BUCKET) throw new Error('FILES_BUCKET is not set');
  const bucket = s3Api({ region: cfg.AWS_REGION, bucket: cfg.FILES_BUCKET });
  const outcomes = [];
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const raw = await bucket.getObject(`${INBOUND_PREFIX}${mail.messageId}`);
    const outcome = await takeInMail(runtime(), files(), raw, {
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
