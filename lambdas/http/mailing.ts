import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../adapters/mailer.ts';
import { outboxMailer } from '../adapters/mailer-outbox.ts';
import { sesMailer } from '../adapters/mailer-ses.ts';
import { config } from '../config.ts';
import { activationCodeIn } from '../domain/emails.ts';
import { logger } from '../middleware/observability.ts';

/**
 * The mailer for this process: SES in AWS, the `.eml` outbox on the local runtime. Only
 * functions that send e-mail import this module (the `activation` function; a job that sends
 * reminders may too), and only they are granted `ses:SendEmail`.
 */
let mailer: Mailer | undefined;

export const currentMailer = (): Mailer => {
  if (mailer) return mailer;
  const cfg = config();
  mailer = cfg.OUTBOX_DIR
    ? outboxMailer({
        dir: cfg.OUTBOX_DIR,
        from: cfg.SENDER_ADDRESS,
        stage: cfg.STAGE,
        // Local runtime only: the code in the log line saves opening the .eml file.
        log: (line) => logger.info(line),
        reveal: (message) => {
          const code = activationCodeIn(message);
          return code ? `code ${code}` : undefined;
        },
      })
    : sesMailer({
        client: new SESv2Client({ region: cfg.AWS_REGION }),
        from: cfg.SENDER_ADDRESS,
        // Templates are named `tessera-<stage>-<kind>`: CDK deploys them for this stage.
        stage: cfg.STAGE,
        ...(cfg.SES_CONFIGURATION_SET ? { configurationSetName: cfg.SES_CONFIGURATION_SET } : {}),
      });
  return mailer;
};
