import { sesApi } from '../adapters/aws/services.ts';
import { type Mailer, MailerError } from '../adapters/mailer.ts';
import { outboxMailer } from '../adapters/mailer-outbox.ts';
import { sesMailer } from '../adapters/mailer-ses.ts';
import { config } from '../config.ts';
import { activationCodeIn } from '../domain/emails.ts';
import { logger } from '../middleware/observability.ts';
import { brand } from './brand.ts';
import { countBusiness } from './business-metrics.ts';

/**
 * The mailer for this process: SES in AWS, the `.eml` outbox on the local runtime. Only
 * functions that send e-mail import this module (the `activation` function; a job that sends
 * reminders may too), and only they are granted `ses:SendEmail`.
 */
let mailer: Mailer | undefined;

/**
 * Counts every send for the dashboard and the e-mail alarm: `EmailsSent`, or `EmailsFailed` and
 * a warning naming the failure's reason and template (never the recipient or the content).
 */
const counted = (inner: Mailer): Mailer => ({
  send: async (message) => {
    try {
      const sent = await inner.send(message);
      countBusiness('EmailsSent');
      return sent;
    } catch (error) {
      countBusiness('EmailsFailed');
      logger.warn('e-mail not sent', {
        template: message.template,
        reason: error instanceof MailerError ? error.reason : 'unknown',
        retryable: error instanceof MailerError ? error.retryable : false,
      });
      throw error;
    }
  },
});

export const currentMailer = (): Mailer => {
  if (mailer) return mailer;
  const cfg = config();
  const inner = cfg.OUTBOX_DIR
    ? outboxMailer({
        dir: cfg.OUTBOX_DIR,
        from: cfg.SENDER_ADDRESS,
        stage: cfg.STAGE,
        brand: brand(),
        // Local runtime only: the code in the log line saves opening the .eml file.
        log: (line) => logger.info(line),
        reveal: (message) => {
          const code = activationCodeIn(message);
          return code ? `code ${code}` : undefined;
        },
      })
    : sesMailer({
        client: sesApi({ region: cfg.AWS_REGION }),
        from: cfg.SENDER_ADDRESS,
        // Templates are named `tessera-<stage>-<kind>`: CDK deploys them for this stage.
        stage: cfg.STAGE,
        ...(cfg.SES_CONFIGURATION_SET ? { configurationSetName: cfg.SES_CONFIGURATION_SET } : {}),
      });
  mailer = counted(inner);
  return mailer;
};
