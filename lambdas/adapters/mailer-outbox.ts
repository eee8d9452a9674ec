import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmailMessage } from '../domain/emails.ts';
import type { Mailer } from './mailer.ts';

/** RFC 2047 for headers that are not plain ASCII. */
const encodeHeader = (value: string): string =>
  /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;

const base64Lines = (value: string): string =>
  (
    Buffer.from(value, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

/**
 * The local runtime's SES: each message becomes an RFC 5322 `.eml` file (text part 8bit so the
 * code is greppable, HTML part base64), written atomically, named so `ls` sorts by time.
 */
export const outboxMailer = (options: {
  dir: string;
  from: string;
  log?: (line: string) => void;
  /** Local runtime only: what of the message to show in the log line (the activation code). */
  reveal?: (message: EmailMessage) => string | undefined;
}): Mailer => ({
  send: async (message) => {
    await mkdir(options.dir, { recursive: true });
    const id = randomUUID();
    const messageId = `<${id}@tessera.local>`;
    const boundary = `tessera-${id}`;
    const eml = [
      `From: ${options.from}`,
      `To: ${message.to}`,
      `Subject: ${encodeHeader(message.subject)}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: ${messageId}`,
      `X-Tessera-Tag: ${message.tag}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      message.text,
      `--${boundary}`,
      'Content-Type: text/html; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(message.html),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const name = `${new Date().toISOString().replaceAll(':', '-')}-${message.tag}-${id.slice(0, 8)}.eml`;
    const path = join(options.dir, name);
    await writeFile(`${path}.tmp`, eml, 'utf8');
    await rename(`${path}.tmp`, path);
    const revealed = options.reveal?.(message);
    options.log?.(
      `outbox: ${message.tag} to ${message.to} -> ${name}${revealed ? ` (code ${revealed})` : ''}`,
    );
    return { messageId };
  },
});
