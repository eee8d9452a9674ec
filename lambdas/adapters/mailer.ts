import { domainToASCII } from 'node:url';
import {
  type TemplateKind,
  templateData,
  templateDataProblems,
} from '../domain/email-templates.ts';
import { type EmailMessage, TAG_PATTERN } from '../domain/emails.ts';

/**
 * Sends one e-mail. Two implementations keep the same contract (test/unit/mailer.test.ts): SES v2
 * in AWS (mailer-ses.ts) and the `.eml` outbox on the local runtime (mailer-outbox.ts). Both
 * send the message's template (lambdas/domain/email-templates.ts) with its values: SES renders
 * the deployed copy, the outbox renders the same template itself.
 *
 * - Resolves once the message is accepted for delivery (SES queued it; the file is complete).
 * - Rejects only with a {@link MailerError}; nothing is sent when it does.
 * - Refuses a message whose values do not fit its template (a field missing, empty or unknown)
 *   before sending: SES would accept it and then drop it as a rendering failure.
 * - Delivers to the recipient's ASCII form: a non-ASCII domain is sent as Punycode, a non-ASCII
 *   local part is refused (SES does not support SMTPUTF8).
 * - Never writes the subject or body (the activation code) into an error or a log line, except
 *   where the outbox's caller explicitly asks for it (`reveal`, local runtime only).
 */
export interface Mailer {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

/** Why a send failed, for metrics, alarms and the HTTP answer. Stable strings. */
export type MailerFailure =
  /** The message itself is not sendable: bad recipient address, tag or template values. */
  | 'invalid-message'
  /** SES refused this message (in the SES sandbox: the recipient is not verified). */
  | 'rejected'
  /** The sender identity or its MAIL FROM domain is not verified. */
  | 'sender-not-verified'
  | 'account-suspended'
  /** Sending is paused for the account or the configuration set. */
  | 'sending-paused'
  /** Sending rate or quota exceeded. */
  | 'throttled'
  /** Deployment problem: configuration set missing, permission denied. */
  | 'misconfigured'
  /** The provider or the outbox folder could not be reached or written. */
  | 'unavailable'
  | 'unknown';

/**
 * A send that failed. `message` is written for an operator and never contains the e-mail's
 * subject, body or recipient (codes are secrets, addresses are personal data); the original SES
 * error is deliberately not attached as `cause` because its text can echo the recipient.
 */
export class MailerError extends Error {
  override readonly name = 'MailerError';
  readonly reason: MailerFailure;
  /**
   * True when the same send may succeed later without anyone changing anything (throttling, an
   * outage): answer 503 / retry with backoff. False when an operator has to act first.
   */
  readonly retryable: boolean;
  /** The provider's error name, e.g. `MessageRejected`. */
  readonly providerCode: string | undefined;
  /** The provider's request id, for a support case. */
  readonly requestId: string | undefined;

  constructor(init: {
    message: string;
    reason: MailerFailure;
    retryable: boolean;
    providerCode?: string;
    requestId?: string;
  }) {
    super(init.message);
    this.reason = init.reason;
    this.retryable = init.retryable;
    this.providerCode = init.providerCode;
    this.requestId = init.requestId;
  }
}

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The recipient as it goes on the wire: a plain `local@domain`, the domain in Punycode when it is
 * not ASCII. Refuses anything else (display names, spaces, line breaks — no header injection) with
 * a non-retryable `invalid-message` that does not repeat the address.
 */
export const wireAddress = (address: string): string => {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const invalid = (why: string) =>
    new MailerError({
      message: `The recipient address is not deliverable: ${why}`,
      reason: 'invalid-message',
      retryable: false,
    });
  if (at < 1 || domain === '' || /[\s\p{Cc}]/u.test(address) || local.includes('@')) {
    throw invalid('not a plain local@domain address');
  }
  if (!PRINTABLE_ASCII.test(local)) {
    throw invalid('its local part is not ASCII (SMTPUTF8 is not supported)');
  }
  if (PRINTABLE_ASCII.test(domain)) return address;
  const ascii = domainToASCII(domain);
  if (!ascii) throw invalid('its domain is not a valid internationalised domain name');
  return `${local}@${ascii}`;
};

/** Tags become SES message tags and file names: `[A-Za-z0-9_-]` only. */
export const checkedTag = (tag: string): string => {
  if (!TAG_PATTERN.test(tag)) {
    throw new MailerError({
      message: 'The message tag may only contain letters, digits, _ and -',
      reason: 'invalid-message',
      retryable: false,
    });
  }
  return tag;
};

/**
 * The template and its data (sanitised values plus their HTML-escaped copies), or an
 * `invalid-message` that names the fields at fault but none of their values.
 */
export const checkedTemplate = (
  message: EmailMessage,
  tag: string,
): { kind: TemplateKind; data: Record<string, string> } => {
  const problems = templateDataProblems(message.template, message.data ?? {});
  if (problems.length > 0) {
    throw new MailerError({
      message: `The ${tag} e-mail does not fit its template: ${problems.join('; ')}`,
      reason: 'invalid-message',
      retryable: false,
    });
  }
  return { kind: message.template, data: templateData(message.template, message.data) };
};
