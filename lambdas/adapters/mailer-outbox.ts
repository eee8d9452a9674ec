import { randomUUID } from 'node:crypto';
import { link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Brand, emailTemplate, renderTemplate } from '../domain/email-templates.ts';
import type { EmailMessage } from '../domain/emails.ts';
import { systemClock } from './clock.ts';
import { checkedTag, checkedTemplate, type Mailer, MailerError, wireAddress } from './mailer.ts';

const CRLF = '\r\n';
/** RFC 5322 §2.1.1: a line is at most 998 octets; 78 characters is what headers aim for. */
const MAX_LINE_OCTETS = 998;
const HEADER_WIDTH = 78;

const isPlainAscii = (value: string): boolean => /^[\x20-\x7e]*$/.test(value);

/**
 * RFC 2047 `=?UTF-8?B?…?=` encoded words for a header value that is not plain ASCII (never
 * splitting a character across words), one word per line so no line exceeds 76 characters.
 * Plain ASCII is folded at spaces when it is long. For unstructured headers (Subject).
 */
export const encodeHeaderValue = (value: string, nameLength: number): string => {
  if (isPlainAscii(value)) {
    const lines: string[] = [];
    let line = '';
    let width = nameLength + 2;
    for (const word of value.split(' ')) {
      if (line !== '' && width + line.length + 1 + word.length > HEADER_WIDTH) {
        lines.push(line);
        line = word;
        width = 1;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
    return lines.join(`${CRLF} `);
  }
  // RFC 2047 §2: a line holding encoded words is at most 76 characters. An encoded word costs 12
  // characters of its own; base64 turns 3 bytes into 4 characters.
  const budget = (prefix: number) => Math.floor((76 - prefix - 12) / 4) * 3;
  const words: string[] = [];
  let limit = budget(nameLength + 2);
  let chunk = '';
  for (const char of value) {
    if (chunk !== '' && Buffer.byteLength(chunk + char, 'utf8') > limit) {
      words.push(chunk);
      chunk = '';
      limit = budget(1);
    }
    chunk += char;
  }
  if (chunk !== '') words.push(chunk);
  return words
    .map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`)
    .join(`${CRLF} `);
};

const header = (name: string, value: string): string =>
  `${name}: ${encodeHeaderValue(value, name.length)}`;

const base64Lines = (value: string): string =>
  (
    Buffer.from(value, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join(CRLF);

const hex = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** RFC 2045 §6.7 quoted-printable, lines of at most 76 characters with soft breaks. */
export const quotedPrintable = (text: string): string =>
  text
    .split(CRLF)
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const tokens: string[] = [];
      bytes.forEach((byte, i) => {
        const last = i === bytes.length - 1;
        const literal =
          (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        tokens.push(literal ? String.fromCharCode(byte) : hex(byte));
      });
      const out: string[] = [];
      let current = '';
      for (const token of tokens) {
        if (current.length + token.length > 75) {
          out.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      out.push(current);
      return out.join(CRLF);
    })
    .join(CRLF);

/**
 * The text part as readable as possible: `8bit` (the file shows the text, UTF-8 included, so
 * `grep` finds the code) unless a line is too long or holds a NUL for 8bit, then
 * quoted-printable (short lines like the code's stay unchanged in it too).
 */
const textPart = (text: string): { encoding: string; body: string } => {
  const normalized = text.replace(/\r\n|\r|\n/g, CRLF);
  const fits = normalized
    .split(CRLF)
    .every((line) => Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS && !line.includes('\0'));
  return fits
    ? { encoding: '8bit', body: normalized }
    : { encoding: 'quoted-printable', body: quotedPrintable(normalized) };
};

/** RFC 5322 date-time: `Mon, 23 Nov 2026 12:15:00 +0000`. */
const rfc5322Date = (date: Date): string => date.toUTCString().replace(/GMT$/, '+0000');

const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ');

/** Publishes `tmp` as `dir/name` without ever replacing an existing file, then removes `tmp`. */
const publish = async (tmp: string, dir: string, base: string): Promise<string> => {
  try {
    for (let n = 0; ; n++) {
      const name = n === 0 ? `${base}.eml` : `${base}-${n}.eml`;
      try {
        await link(tmp, join(dir, name));
        return name;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
          // A file system without hard links: rename is still atomic (names are unique by id).
          await rename(tmp, join(dir, name));
          return name;
        }
        throw error;
      }
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
};

/**
 * The local runtime's SES: each message's template (the very one CDK deploys to SES) is rendered
 * here with the message's values by `renderTemplate`, the same way SES fills it, and becomes one
 * RFC 5322 `.eml` file in `dir` that any mail client opens — `multipart/alternative` with the
 * text part (8bit, so `grep` finds the code) and the HTML part (base64), `X-Tessera-Tag` naming
 * the kind of message and `X-Tessera-Template` the SES template it stands in for. Files are named
 * `<ISO time, ':' → '-'>-<tag>-<first 8 hex of the Message-ID>.eml`, so `ls` sorts them by time;
 * each is written to a hidden temporary file and then linked into place, so a reader never sees
 * half a message and concurrent sends never overwrite each other.
 *
 * The Message-ID and the MIME boundary are hex without dashes, so no header or boundary can look
 * like a `dddd-dddd` code to someone grepping the file for one.
 */
export const outboxMailer = (options: {
  dir: string;
  from: string;
  /** Called with one line per message written: the file, the recipient and the tag. */
  log?: (line: string) => void;
  /**
   * Local runtime only: what to append to the log line, e.g. the activation code so a developer
   * needs not open the file (`activationCodeIn` from domain/emails.ts). Nothing when omitted.
   */
  reveal?: (message: EmailMessage) => string | undefined;
  /** The clock for the Date header and the file name. */
  now?: () => Date;
  /** The stage whose template names the `X-Tessera-Template` header shows; `local` by default. */
  stage?: string;
  /** The vendor's brand the templates carry (the stage's, as CDK deploys them). */
  brand?: Brand;
}): Mailer => ({
  send: async (message) => {
    const tag = checkedTag(message.tag);
    const to = wireAddress(message.to);
    const { kind, data } = checkedTemplate(message, tag);
    const template = emailTemplate(
      options.stage ?? 'local',
      kind,
      message.language ?? 'en',
      options.brand,
    );
    const content = renderTemplate(template, data);
    const now = (options.now ?? systemClock.now)();
    const id = randomUUID().replaceAll('-', '');
    const messageId = `<${id}@tessera.local>`;
    const boundary = `=_tessera_${id}`;
    const text = textPart(content.text);
    const eml = [
      `From: ${oneLine(options.from)}`,
      `To: ${to}`,
      header('Subject', content.subject),
      `Date: ${rfc5322Date(now)}`,
      `Message-ID: ${messageId}`,
      `X-Tessera-Tag: ${tag}`,
      `X-Tessera-Template: ${template.name}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      'This is a multi-part message in MIME format.',
      `--${boundary}`,
      'Content-Type: text/plain; charset=UTF-8',
      `Content-Transfer-Encoding: ${text.encoding}`,
      '',
      text.body,
      `--${boundary}`,
      'Content-Type: text/html; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(content.html),
      `--${boundary}--`,
      '',
    ].join(CRLF);
    const base = `${now.toISOString().replaceAll(':', '-')}-${tag}-${id.slice(0, 8)}`;
    let name: string;
    try {
      // Codes and keys are in these files: readable by their owner only.
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      const tmp = join(options.dir, `.${base}.tmp`);
      await writeFile(tmp, eml, { encoding: 'utf8', mode: 0o600 });
      name = await publish(tmp, options.dir, base);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new MailerError({
        message: `The ${tag} e-mail could not be written to the outbox ${options.dir} (${code})`,
        reason: 'unavailable',
        retryable: false,
        providerCode: code,
      });
    }
    if (options.log) {
      let revealed: string | undefined;
      try {
        revealed = options.reveal?.(message);
      } catch {
        revealed = undefined;
      }
      const path = resolve(options.dir, name);
      options.log(
        oneLine(`outbox: ${tag} e-mail to ${to} -> ${path}${revealed ? ` | ${revealed}` : ''}`),
      );
    }
    return { messageId };
  },
});
