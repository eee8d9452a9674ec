import { TEMPLATE_KINDS, type TemplateKind, templateName } from '../domain/email-templates.ts';
import { type Language, languages } from '../domain/language.ts';
import type { SesApi } from './aws/services.ts';
import {
  checkedTag,
  checkedTemplate,
  type Mailer,
  MailerError,
  type MailerFailure,
  wireAddress,
} from './mailer.ts';

/** The SES message tag that carries `EmailMessage.tag` (event destinations can group by it). */
export const SES_TAG_NAME = 'tessera-message';

interface Mapping {
  reason: MailerFailure;
  retryable: boolean;
  /** For the operator reading the log; never about the message's content. */
  explain: string;
}

/**
 * SES v2 `SendEmail` errors. Throttling is retryable (the client has already retried it with
 * backoff; the caller may try again later). Everything else needs an operator before a retry can
 * succeed — including `SendingPausedException`, which lasts until someone re-enables sending.
 */
const mappings: Record<string, Mapping> = {
  MessageRejected: { reason: 'rejected', retryable: false, explain: 'SES rejected the message' },
  MailFromDomainNotVerifiedException: {
    reason: 'sender-not-verified',
    retryable: false,
    explain: 'the sender identity or its MAIL FROM domain is not verified in this region',
  },
  AccountSuspendedException: {
    reason: 'account-suspended',
    retryable: false,
    explain: 'the SES account is suspended from sending',
  },
  SendingPausedException: {
    reason: 'sending-paused',
    retryable: false,
    explain: 'sending is paused for the account or the configuration set',
  },
  TooManyRequestsException: {
    reason: 'throttled',
    retryable: true,
    explain: 'the SES sending rate is exceeded',
  },
  LimitExceededException: {
    reason: 'throttled',
    retryable: true,
    explain: 'an SES sending limit or quota is exceeded',
  },
  BadRequestException: {
    reason: 'invalid-message',
    retryable: false,
    explain: 'SES considers the request invalid',
  },
  NotFoundException: {
    reason: 'misconfigured',
    retryable: false,
    explain: 'the template, configuration set or sender identity does not exist in this region',
  },
  AccessDeniedException: {
    reason: 'misconfigured',
    retryable: false,
    explain: 'this function may not send from this address',
  },
};

const SANDBOX_HINT =
  'an address is not verified: while the account is in the SES sandbox only verified recipients get mail (docs/email.md)';

const NETWORK_ERRORS = new Set([
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const toMailerError = (error: unknown, tag: string): MailerError => {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsError;
  const providerCode = e.name ?? 'Error';
  const requestId = e.$metadata?.requestId;
  let mapping = mappings[providerCode];
  if (!mapping) {
    const status = e.$metadata?.httpStatusCode ?? 0;
    const transient =
      e.$fault === 'server' ||
      status >= 500 ||
      Boolean(e.$retryable) ||
      NETWORK_ERRORS.has(providerCode) ||
      NETWORK_ERRORS.has(e.code ?? '');
    mapping = transient
      ? { reason: 'unavailable', retryable: true, explain: 'SES is unavailable' }
      : { reason: 'unknown', retryable: false, explain: 'SES failed unexpectedly' };
  }
  // SES's own text may name the recipient, so it is only inspected, never passed on.
  const explain =
    providerCode === 'MessageRejected' && /not verified/i.test(e.message ?? '')
      ? SANDBOX_HINT
      : mapping.explain;
  return new MailerError({
    message: `The ${tag} e-mail was not sent (${providerCode}): ${explain}${requestId ? ` [request ${requestId}]` : ''}`,
    reason: mapping.reason,
    retryable: mapping.retryable,
    providerCode,
    ...(requestId ? { requestId } : {}),
  });
};

/**
 * SES v2 in AWS: the message's stored template (`tessera-<stage>-<kind>`, deployed by lib/mail.ts
 * from the same code the outbox renders) with its values as TemplateData, from the stage's
 * sender identity, tagged with the message's tag, in the stage's configuration set (reputation
 * metrics, suppression, bounce, complaint and rendering-failure events). `from` is used exactly
 * as given: the mailer's IAM policy allows only that `ses:FromAddress`.
 */
export const sesMailer = (options: {
  client: SesApi;
  /** The verified sender, from the stage config's `senderAddress`. */
  from: string;
  /** The stage whose templates to use (`STAGE`). */
  stage: string;
  configurationSetName?: string;
}): Mailer => {
  // Every name checked once, at cold start: a stage that cannot name its templates fails here.
  const names = Object.fromEntries(
    languages.map((language) => [
      language,
      Object.fromEntries(
        TEMPLATE_KINDS.map((kind) => [kind, templateName(options.stage, kind, language)]),
      ),
    ]),
  ) as Record<Language, Record<TemplateKind, string>>;
  return {
    send: async (message) => {
      const tag = checkedTag(message.tag);
      const to = wireAddress(message.to);
      const { kind, data } = checkedTemplate(message, tag);
      let out: { MessageId?: string };
      try {
        out = await options.client.sendEmail({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [to] },
          Content: {
            Template: {
              TemplateName: names[message.language ?? 'en'][kind],
              TemplateData: JSON.stringify(data),
            },
          },
          EmailTags: [{ Name: SES_TAG_NAME, Value: tag }],
          ...(options.configurationSetName
            ? { ConfigurationSetName: options.configurationSetName }
            : {}),
        });
      } catch (error) {
        throw toMailerError(error, tag);
      }
      // SES always answers with an id; an empty one is still a sent message, never a failure
      // (failing here would make the caller send the code twice).
      return { messageId: out.MessageId ?? '' };
    },
  };
};
