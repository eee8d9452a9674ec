import type { EmailMessage } from '../domain/emails.ts';

export interface Mailer {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

/** A send that failed; the message never includes the e-mail's content (codes are secrets). */
export class MailerError extends Error {
  override readonly name = 'MailerError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
