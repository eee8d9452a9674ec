import {
  type EmailContent,
  emailTemplate,
  renderTemplate,
  sanitizeValue,
  type TemplateKind,
  type TemplateValues,
  templateData,
} from './email-templates.ts';
import type { Language } from './language.ts';

/**
 * The e-mails Tessera sends, as messages to send. Pure: no I/O, no clock, no AWS.
 *
 * A message names a template (email-templates.ts, where all wording lives) and the values for
 * its fields; the builders here turn facts (a license, dates, a code) into those values,
 * formatted for reading and sanitised. The mailer sends the template with the values: SES
 * renders the stored template in AWS, the outbox renders the same template locally.
 *
 * What a job or handler calls: {@link activationCodeMessage}, {@link expiryReminderMessage},
 * {@link licenseIssuedMessage}, or {@link emailMessage} with a kind and its facts; then
 * `mailer.send(message)`.
 */
export interface EmailMessage {
  /** One recipient. A message to several people is several messages. */
  to: string;
  /** Which template renders it (`tessera-<stage>-<template>` in SES). */
  template: TemplateKind;
  /** The reader's language (the template in it); English when absent. */
  language?: Language;
  /** A value for every field of the template, and nothing else; sanitised by the builders. */
  data: Readonly<Record<string, string>>;
  /**
   * What kind of message this is, e.g. `activation-code`: an SES message tag in AWS, the
   * `X-Tessera-Tag` header and part of the file name in the outbox. `[A-Za-z0-9_-]` only.
   */
  tag: string;
}

export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const message = <K extends TemplateKind>(
  to: string,
  template: K,
  values: TemplateValues<K>,
  language?: Language,
): EmailMessage => {
  const data: Record<string, string> = {};
  for (const [field, value] of Object.entries<string>(values)) data[field] = sanitizeValue(value);
  return { to, template, data, tag: template, ...(language ? { language } : {}) };
};

/**
 * What the recipient reads: the message's template rendered with its values, exactly as the
 * outbox writes it and as SES renders the deployed template. For previews and tests.
 */
export const renderMessage = (m: EmailMessage): EmailContent =>
  renderTemplate(
    emailTemplate('local', m.template, m.language ?? 'en'),
    templateData(m.template, m.data),
  );

/**
 * A code as people read it: separators dropped, upper-cased, then groups of four joined by
 * dashes (`48210937` and `4821-0937` both → `4821-0937`; a shorter last group stays short).
 */
export const groupCode = (code: string): string =>
  (
    code
      .replace(/[\s-]/g, '')
      .toUpperCase()
      .match(/.{1,4}/g) ?? []
  ).join('-');

const DEFAULT_LOCALE = 'en-GB';

/**
 * `2026-11-23T12:15:00Z` → `23 Nov 2026, 12:15 UTC` (en-GB), `23.11.2026, 12:15 UTC` (de-DE).
 * Always UTC and 24-hour: the sender does not know the reader's time zone, and a time with a
 * named zone cannot be misread. An unknown or malformed locale falls back to en-GB. `field`
 * names the fact in the error when `at` is not a point in time.
 */
export const formatInstant = (at: string | Date, locale?: string, field = 'time'): string => {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) throw new Error(`${field} is not a valid point in time`);
  const options: Intl.DateTimeFormatOptions = {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
    hourCycle: 'h23',
  };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale ?? DEFAULT_LOCALE, options);
  } catch {
    format = new Intl.DateTimeFormat(DEFAULT_LOCALE, options);
  }
  return `${format.format(date)} UTC`;
};

/** What every message about one license says about it. */
interface LicenseFacts {
  /** The license's registered e-mail address. */
  to: string;
  productName: string;
  /** The company the license is issued to. */
  companyName: string;
  serial: string;
  /**
   * BCP 47 locale for dates (`de-DE` → `23.11.2026, 12:15 UTC`); by default the language's
   * own (`it-IT` for Italian).
   */
  locale?: string;
  /** The reader's language: the wording of the message. English when absent. */
  language?: Language;
}

/** The few values the messages spell out in words, in the reader's language. */
const words = {
  en: {
    notReported: 'not reported',
    noEnd: 'No end date',
    day: 'day',
    days: 'days',
    noReason: 'None given',
  },
  it: {
    notReported: 'non indicato',
    noEnd: 'Nessuna scadenza',
    day: 'giorno',
    days: 'giorni',
    noReason: 'Non indicato',
  },
} as const;
const localeOf = (facts: { locale?: string; language?: Language }) =>
  facts.locale ?? (facts.language === 'it' ? 'it-IT' : undefined);

export interface ActivationCodeFacts extends LicenseFacts {
  /** The one-time code, grouped or not (it is shown grouped: `4821-0937`). */
  code: string;
  /** The host name the instance reported, if it did. */
  hostname?: string;
  /** When the code stops working: an ISO 8601 timestamp or a Date. */
  expiresAt: string | Date;
}

/**
 * The e-mail with the one-time activation code, sent to the license's registered address when an
 * instance starts (or resends) an activation. The code is the first line of the text part
 * (`Your activation code: 4821-0937`), before any value a person typed, so the first
 * `dddd-dddd` in the text (or in the outbox file) is always the code. The subject holds no code:
 * subjects show up on lock screens and in notification previews.
 */
export const activationCodeMessage = (facts: ActivationCodeFacts): EmailMessage =>
  message(
    facts.to,
    'activation-code',
    {
      code: groupCode(facts.code),
      product: facts.productName,
      serial: facts.serial,
      company: facts.companyName,
      host:
        facts.hostname && sanitizeValue(facts.hostname) !== ''
          ? facts.hostname
          : words[facts.language ?? 'en'].notReported,
      expires: formatInstant(facts.expiresAt, localeOf(facts), 'expiresAt'),
    },
    facts.language,
  );

export interface ExpiryReminderFacts extends LicenseFacts {
  /** The license's `validTill`: an ISO 8601 timestamp or a Date. */
  validTill: string | Date;
  /**
   * Whole days until `validTill`, as the sender counts them (30, 7, 1 …). 0 or less means the
   * license has expired: the message becomes the "has expired" notice.
   */
  daysLeft: number;
}

/**
 * The reminder that a license runs out (`expiry-reminder`: "expires in 7 days, on …"), or, when
 * `daysLeft` is 0 or less, the notice that it has (`license-expired`: "expired on …"). Both go to
 * the registered address and tell the reader to contact the vendor to renew.
 */
export const expiryReminderMessage = (facts: ExpiryReminderFacts): EmailMessage => {
  if (!Number.isInteger(facts.daysLeft)) throw new Error('daysLeft must be a whole number');
  const license = {
    product: facts.productName,
    serial: facts.serial,
    company: facts.companyName,
    validTill: formatInstant(facts.validTill, localeOf(facts), 'validTill'),
  };
  if (facts.daysLeft <= 0) return message(facts.to, 'license-expired', license, facts.language);
  const w = words[facts.language ?? 'en'];
  return message(
    facts.to,
    'expiry-reminder',
    { ...license, timeLeft: facts.daysLeft === 1 ? `1 ${w.day}` : `${facts.daysLeft} ${w.days}` },
    facts.language,
  );
};

export interface LicenseIssuedFacts extends LicenseFacts {
  /** The full license key: what the customer types into the product to activate it. */
  licenseKey: string;
  /** The license's seat limit. */
  seats: number;
  validFrom: string | Date;
  /** Omitted for a perpetual license. */
  validTill?: string | Date;
}

/**
 * The notice that a license was issued, sent to its registered address: which license, the key
 * to type, seats and validity, and how activation works (key on the instance, then the code this
 * address receives).
 */
export const licenseIssuedMessage = (facts: LicenseIssuedFacts): EmailMessage => {
  if (!Number.isInteger(facts.seats) || facts.seats < 0) {
    throw new Error('seats must be a whole number, 0 or more');
  }
  return message(
    facts.to,
    'license-issued',
    {
      product: facts.productName,
      serial: facts.serial,
      company: facts.companyName,
      key: facts.licenseKey,
      // Digits only: `1,250` and `1.250` mean different things to different readers.
      seats: String(facts.seats),
      validFrom: formatInstant(facts.validFrom, localeOf(facts), 'validFrom'),
      validTill:
        facts.validTill === undefined
          ? words[facts.language ?? 'en'].noEnd
          : formatInstant(facts.validTill, localeOf(facts), 'validTill'),
    },
    facts.language,
  );
};

export interface InvitationFacts {
  to: string;
  temporaryPassword: string;
  role: string;
  signInUrl: string;
  language?: Language;
}

/** Seed 002: the credentials by e-mail, username = the e-mail, a random temporary password. */
export const invitationMessage = (facts: InvitationFacts): EmailMessage =>
  message(
    facts.to,
    'invitation',
    {
      email: facts.to,
      password: facts.temporaryPassword,
      role: facts.role,
      signInUrl: facts.signInUrl,
    },
    facts.language,
  );

export interface TicketReplyFacts {
  to: string;
  number: string;
  subject: string;
  reply: string;
  language?: Language;
  /** The ticket's customer: whose language the reply speaks when the requester has none. */
  customerId?: string;
}

/** An agent's reply to the ticket's requester, the ticket number in the subject (seed 002). */
export const ticketReplyMessage = (facts: TicketReplyFacts): EmailMessage =>
  message(
    facts.to,
    'ticket-reply',
    { number: facts.number, subject: facts.subject, reply: facts.reply },
    facts.language,
  );

export interface OfflineRenewalFacts extends LicenseFacts {
  /** The device: its host name when it reported one, else its fingerprint. */
  device: string;
  /** The refresh-by of the device's newest file: an ISO 8601 timestamp or a Date. */
  refreshBy: string | Date;
  /** When that file stops verifying (the refresh-by plus the offline grace). */
  stopsAt: string | Date;
}

/**
 * The reminder that a device without internet needs a new license file (`offline-renewal`): by
 * when, when it stops working otherwise, and how a person renews it from the portal.
 */
export const offlineRenewalMessage = (facts: OfflineRenewalFacts): EmailMessage =>
  message(
    facts.to,
    'offline-renewal',
    {
      product: facts.productName,
      serial: facts.serial,
      company: facts.companyName,
      device: facts.device,
      refreshBy: formatInstant(facts.refreshBy, localeOf(facts), 'refreshBy'),
      stopsOn: formatInstant(facts.stopsAt, localeOf(facts), 'stopsAt'),
    },
    facts.language,
  );

export interface TrialDeclinedFacts {
  /** The trial's registered address: where its license would have gone. */
  to: string;
  productName: string;
  companyName: string;
  /** What the vendor wrote when declining, if anything. */
  reason?: string;
  language?: Language;
  /** The trial's customer: whose language the e-mail speaks when the reader has none. */
  customerId?: string;
}

/** A vendor declined a trial request: the requester hears it, with the reason given. */
export const trialDeclinedMessage = (facts: TrialDeclinedFacts): EmailMessage =>
  message(
    facts.to,
    'trial-declined',
    {
      product: facts.productName,
      company: facts.companyName,
      reason: facts.reason?.trim() ? facts.reason : words[facts.language ?? 'en'].noReason,
    },
    facts.language,
  );

/** The facts each kind of message is built from. */
export interface MessageFacts {
  'activation-code': ActivationCodeFacts;
  /** Becomes the `license-expired` notice when `daysLeft` is 0 or less. */
  'expiry-reminder': ExpiryReminderFacts;
  'license-issued': LicenseIssuedFacts;
  'ticket-reply': TicketReplyFacts;
  'trial-declined': TrialDeclinedFacts;
  'offline-renewal': OfflineRenewalFacts;
}
export type MessageKind = keyof MessageFacts;

const builders: { [K in MessageKind]: (facts: MessageFacts[K]) => EmailMessage } = {
  'activation-code': activationCodeMessage,
  'expiry-reminder': expiryReminderMessage,
  'license-issued': licenseIssuedMessage,
  'ticket-reply': ticketReplyMessage,
  'trial-declined': trialDeclinedMessage,
  'offline-renewal': offlineRenewalMessage,
};

/** The message of a kind, built from its facts: every builder above behind one name. */
export const emailMessage = <K extends MessageKind>(
  kind: K,
  facts: MessageFacts[K],
): EmailMessage => builders[kind](facts);

/**
 * The code in an activation-code message, for the local runtime's log line (the outbox mailer's
 * `reveal` option) and for tests; `undefined` for any other message. Never use this where logs
 * leave the developer's machine.
 */
export const activationCodeIn = (m: EmailMessage): string | undefined =>
  m.template === 'activation-code' ? m.data.code : undefined;

const HIDDEN = '•••';

/**
 * Second-level labels that registries sell names under (`acme.co.uk`, `acme.com.au`): kept with
 * the country-code TLD, so the hint says `.co.uk` rather than a bare `.uk`.
 */
const REGISTRY_LABELS = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'gob',
  'gov',
  'ltd',
  'me',
  'mil',
  'ne',
  'net',
  'nic',
  'or',
  'org',
  'plc',
  'sch',
]);

/** Shows the first character of a part, but only while at least one more stays hidden. */
const hint = (part: string): string => {
  const chars = Array.from(part);
  return chars.length > 1 ? `${chars[0]}${HIDDEN}` : HIDDEN;
};

/**
 * A hint at an e-mail address that tells its owner where the code went without telling anyone
 * else the address. The exact rule:
 *
 * - Local part: its first character followed by `•••`.
 * - Domain (lower-cased, a trailing dot dropped), split into labels:
 *   - the suffix is kept: the last label (the TLD); and also the label before it when the TLD has
 *     two letters (a country code), the domain has at least three labels, and that label is a
 *     common registry label (`co`, `com`, `org`, `net`, `ac`, `gov`, `edu`, …);
 *   - of the labels before the suffix only the first label's first character is shown, followed
 *     by `•••`; the other labels are hidden entirely.
 * - A part (local part, or the labels before the suffix) of a single character is shown as `•••`
 *   alone: its first character would be all of it.
 * - `•••` is always three dots whatever the length it hides, so the hint does not leak lengths.
 * - Characters are Unicode code points (an `ü` or an emoji stays whole).
 * - Not an address (no `@`, nothing before or after it) or an address literal (`[192.0.2.1]`)
 *   → `•••` for the part concerned; a domain without dots has no suffix.
 *
 * `ian@acme.example` → `i•••@a•••.example`; `it@mail.acme.co.uk` → `i•••@m•••.co.uk`;
 * `a@b.co` → `•••@•••.co`; `x@localhost` → `•••@l•••`.
 */
export const maskEmail = (address: string): string => {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 1 || at === trimmed.length - 1) return `${HIDDEN}@${HIDDEN}`;
  const local = trimmed.slice(0, at);
  const domain = trimmed
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (domain.startsWith('[') || domain === '') return `${hint(local)}@${HIDDEN}`;
  const labels = domain.split('.');
  let suffixLength = labels.length > 1 ? 1 : 0;
  const tld = labels.at(-1) ?? '';
  const second = labels.at(-2) ?? '';
  if (labels.length >= 3 && /^[a-z]{2}$/.test(tld) && REGISTRY_LABELS.has(second)) {
    suffixLength = 2;
  }
  const name = labels.slice(0, labels.length - suffixLength);
  const suffix = labels.slice(labels.length - suffixLength);
  const nameHint =
    name.length > 1 ? `${Array.from(name[0] ?? '')[0] ?? ''}${HIDDEN}` : hint(name[0] ?? '');
  return `${hint(local)}@${nameHint}${suffix.map((label) => `.${label}`).join('')}`;
};
