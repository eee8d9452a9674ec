import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../adapters/mailer.ts';
import { outboxMailer } from '../adapters/mailer-outbox.ts';
import { sesMailer } from '../adapters/mailer-ses.ts';
import { config } from '../config.ts';
import { activationCodeIn } from '../domain/emails.ts';
import { logger } from '../middleware/observability.ts';

/**
 * The mailer for this process: SES in AWS, the `.eml` outbox on the local runtime. Only the
 * `activation` function imports this module, so only it can send.
 */
let mailer: Mailer | undefined;

export const currentMailer = (): Mailer => {
  if (mailer) return mailer;
  const cfg = config();
  mailer = cfg.OUTBOX_DIR
    ? outboxMailer({
        dir: cfg.OUTBOX_DIR,
        from: cfg.SENDER_ADDRESS,
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
        ...(cfg.SES_CONFIGURATION_SET ? { configurationSetName: cfg.SES_CONFIGURATION_SET } : {}),
      });
  return mailer;
};
