/**
 * The e-mails Tessera sends. Pure: no I/O, no clock, no AWS.
 *
 * A message is built from facts as a list of {@link EmailBlock}s, and {@link renderEmail} turns
 * the blocks into both parts, so the text and the HTML part always say the same thing. Escaping
 * happens in one place: every value that reaches the HTML part goes through {@link escapeHtml};
 * the text part carries values verbatim. New messages (expiry reminders, license issued) are new
 * builders over the same blocks, not new renderers.
 */
export interface EmailMessage {
  /** One recipient. A message to several people is several messages. */
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * What kind of message this is, e.g. `activation-code`: an SES message tag in AWS, the
   * `X-Tessera-Tag` header and part of the file name in the outbox. `[A-Za-z0-9_-]` only.
   */
  tag: string;
}

/** The building blocks of a message, rendered to text and HTML alike. */
export type EmailBlock =
  | { kind: 'paragraph'; text: string }
  /** A secret the reader types somewhere: shown large in HTML, on its own `label: value` line. */
  | { kind: 'code'; label: string; code: string }
  /** Label/value rows: an aligned list in text, a two-column table in HTML. */
  | { kind: 'facts'; rows: readonly (readonly [label: string, value: string])[] }
  /** Small print at the end. */
  | { kind: 'note'; text: string };

export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * Values come from people (company names, host names): one line, no control characters, so a
 * value can neither break the layout of the text part nor forge a line in it.
 */
const oneLine = (value: string): string => value.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();

const textBlock = (block: EmailBlock): string => {
  switch (block.kind) {
    case 'paragraph':
    case 'note':
      return oneLine(block.text);
    case 'code':
      return `${oneLine(block.label)}: ${oneLine(block.code)}`;
    case 'facts': {
      const width = Math.max(...block.rows.map(([label]) => oneLine(label).length));
      return block.rows
        .map(([label, value]) => `  ${oneLine(label).padEnd(width)}  ${oneLine(value)}`)
        .join('\n');
    }
  }
};

const FONT = "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";
const MONO = "ui-monospace,Menlo,Consolas,'Courier New',monospace";

const htmlBlock = (block: EmailBlock): string => {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px">${escapeHtml(oneLine(block.text))}</p>`;
    case 'note':
      return `<p style="margin:24px 0 0;font-size:12px;color:#666666">${escapeHtml(oneLine(block.text))}</p>`;
    case 'code':
      return [
        `<p style="margin:0 0 4px">${escapeHtml(oneLine(block.label))}</p>`,
        `<p style="margin:0 0 24px;font-family:${MONO};font-size:28px;font-weight:bold;letter-spacing:3px">${escapeHtml(oneLine(block.code))}</p>`,
      ].join('\n');
    case 'facts':
      return [
        '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
        ...block.rows.map(
          ([label, value]) =>
            `<tr><th scope="row" style="text-align:left;font-weight:normal;color:#555555;padding:2px 16px 2px 0">${escapeHtml(oneLine(label))}</th><td style="padding:2px 0">${escapeHtml(oneLine(value))}</td></tr>`,
        ),
        '</table>',
      ].join('\n');
  }
};

/** Renders blocks into a message: the text part and a self-contained HTML document. */
export const renderEmail = (input: {
  to: string;
  subject: string;
  tag: string;
  blocks: readonly EmailBlock[];
  /** The language the wording is in (the `lang` of the HTML document). */
  lang?: string;
}): EmailMessage => {
  if (!TAG_PATTERN.test(input.tag)) throw new Error(`Not a valid e-mail tag: ${input.tag}`);
  const subject = oneLine(input.subject);
  const text = `${input.blocks.map(textBlock).join('\n\n')}\n`;
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(input.lang ?? 'en')}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="margin:0;padding:24px;background:#f4f4f4;font-family:${FONT};font-size:15px;line-height:1.5;color:#1a1a1a">`,
    '<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:6px">',
    ...input.blocks.map(htmlBlock),
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { to: input.to, subject, text, html, tag: input.tag };
};

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
 * named zone cannot be misread. An unknown or malformed locale falls back to en-GB.
 */
export const formatExpiry = (at: string | Date, locale?: string): string => {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) throw new Error('expiresAt is not a valid point in time');
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

export const ACTIVATION_CODE_TAG = 'activation-code';
const CODE_LABEL = 'Your activation code';

export interface ActivationCodeFacts {
  /** The license's registered e-mail address. */
  to: string;
  /** The one-time code, grouped or not (it is shown grouped: `4821-0937`). */
  code: string;
  productName: string;
  /** The company the license is issued to. */
  companyName: string;
  serial: string;
  /** The host name the instance reported, if it did. */
  hostname?: string;
  /** When the code stops working: an ISO 8601 timestamp or a Date. */
  expiresAt: string | Date;
  /**
   * BCP 47 locale for dates (`de-DE` → `23.11.2026, 12:15 UTC`). The wording is English for
   * now; translations slot in here when they exist.
   */
  locale?: string;
}

/**
 * The e-mail with the one-time activation code, sent to the license's registered address when an
 * instance starts (or resends) an activation. The code is the first thing in the text part
 * (`Your activation code: 4821-0937`), before any value a person typed, so the first
 * `dddd-dddd` in the text (or in the outbox file) is always the code. The subject holds no code:
 * subjects show up on lock screens and in notification previews.
 */
export const activationCodeEmail = (facts: ActivationCodeFacts): EmailMessage => {
  const expires = formatExpiry(facts.expiresAt, facts.locale);
  const rows: [string, string][] = [
    ['Product', facts.productName],
    ['License serial', facts.serial],
    ['Licensed to', facts.companyName],
  ];
  if (facts.hostname) rows.push(['Host', facts.hostname]);
  return renderEmail({
    to: facts.to,
    tag: ACTIVATION_CODE_TAG,
    subject: `Activation code for ${facts.productName} license ${facts.serial}`,
    blocks: [
      { kind: 'code', label: CODE_LABEL, code: groupCode(facts.code) },
      {
        kind: 'paragraph',
        text: `An instance${facts.hostname ? ` on the host ${facts.hostname}` : ''} has requested activation of the ${facts.productName} license ${facts.serial} of ${facts.companyName}.`,
      },
      { kind: 'facts', rows },
      {
        kind: 'paragraph',
        text: `Enter the code on that instance to complete the activation. It can be used once and expires on ${expires}.`,
      },
      {
        kind: 'paragraph',
        text: 'If you did not request this, ignore this e-mail: the code is useless without the instance that asked for it.',
      },
      {
        kind: 'note',
        text: `You receive this e-mail because this address is registered for license ${facts.serial}.`,
      },
    ],
  });
};

/**
 * The code in an activation-code message, for the local runtime's log line (the outbox mailer's
 * `reveal` option); `undefined` for any other message. Reads the line {@link activationCodeEmail}
 * writes, so the two cannot drift apart. Never use this where logs leave the developer's machine.
 */
export const activationCodeIn = (message: EmailMessage): string | undefined =>
  message.tag === ACTIVATION_CODE_TAG
    ? new RegExp(`^${CODE_LABEL}: (\\S+)$`, 'm').exec(message.text)?.[1]
    : undefined;

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
