import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mailer } from '../../lambdas/adapters/mailer.ts';
import { MailerError } from '../../lambdas/adapters/mailer.ts';
import { outboxMailer } from '../../lambdas/adapters/mailer-outbox.ts';
import { sesMailer } from '../../lambdas/adapters/mailer-ses.ts';
import { activationCodeEmail, maskEmail } from '../../lambdas/domain/emails.ts';

const message = activationCodeEmail({
  to: 'it@müller.example',
  code: '4821-0937',
  productName: 'Call Center',
  companyName: 'Müller <script>alert(1)</script> GmbH',
  serial: 'TS00000042',
  hostname: 'pbx-1',
  expiresAt: '2026-11-23T12:15:00Z',
});

/** What a recipient would get, read back from wherever the mailer delivered it. */
interface Delivered {
  to: string;
  subject: string;
  text: string;
  html: string;
  tag: string;
}

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const decodeHeader = (value: string) =>
  value.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );

/** The same contract for SES (AWS) and the outbox (local runtime). */
const implementations: [
  string,
  () => Promise<{ mailer: Mailer; delivered: () => Promise<Delivered> }>,
][] = [
  [
    'SES v2',
    async () => {
      ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
      const mailer = sesMailer({
        client: new SESv2Client({}),
        from: 'licensing@vendor.example',
        configurationSetName: 'tessera',
      });
      return {
        mailer,
        delivered: async () => {
          const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
          expect(input).toMatchObject({
            FromEmailAddress: 'licensing@vendor.example',
            ConfigurationSetName: 'tessera',
            EmailTags: [{ Name: 'tessera-message', Value: 'activation-code' }],
          });
          const simple = input?.Content?.Simple;
          expect(simple?.Body?.Text?.Charset).toBe('UTF-8');
          return {
            to: input?.Destination?.ToAddresses?.[0] ?? '',
            subject: simple?.Subject?.Data ?? '',
            text: simple?.Body?.Text?.Data ?? '',
            html: simple?.Body?.Html?.Data ?? '',
            tag: input?.EmailTags?.[0]?.Value ?? '',
          };
        },
      };
    },
  ],
  [
    'outbox',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-outbox-'));
      const mailer = outboxMailer({ dir, from: 'licensing@vendor.example' });
      return {
        mailer,
        delivered: async () => {
          const files = await readdir(dir);
          expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
          const raw = await readFile(join(dir, files[0] as string), 'utf8');
          expect(raw).toContain('4821-0937'); // greppable, as the README tells developers
          const [head = '', ...rest] = raw.split('\r\n\r\n');
          const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(head)?.[1] ?? '';
          const body = rest.join('\r\n\r\n');
          const parts = body.split(/--tessera-[^\r\n]+/);
          const textPart = parts.find((p) => p.includes('text/plain')) ?? '';
          const htmlPart = parts.find((p) => p.includes('text/html')) ?? '';
          return {
            to: header('To'),
            subject: decodeHeader(header('Subject')),
            text: textPart.split('\r\n\r\n').slice(1).join('\r\n\r\n').trim(),
            html: Buffer.from(
              htmlPart.split('\r\n\r\n').slice(1).join('').replace(/\s/g, ''),
              'base64',
            ).toString('utf8'),
            tag: header('X-Tessera-Tag'),
          };
        },
      };
    },
  ],
];

describe.each(implementations)('%s mailer', (_name, setup) => {
  it('delivers subject, text and HTML intact to the registered address, tagged', async () => {
    const { mailer, delivered } = await setup();
    const { messageId } = await mailer.send(message);
    expect(messageId).toBeTruthy();
    const got = await delivered();
    expect(got).toMatchObject({ to: message.to, subject: message.subject, tag: 'activation-code' });
    expect(got.text).toContain('4821-0937');
    expect(got.text).toContain('<script>alert(1)</script>');
    expect(got.html).toContain('4821-0937');
    expect(got.html).not.toContain('<script>');
    expect(got.html).toContain('&#60;script&#62;');
  });
});

describe('SES failures', () => {
  it.each([
    ['TooManyRequestsException', true],
    ['MessageRejected', false],
    ['MailFromDomainNotVerifiedException', false],
  ])(
    '%s becomes a MailerError (retryable: %s) that never carries the code',
    async (name, retryable) => {
      ses.on(SendEmailCommand).rejects(Object.assign(new Error(`boom ${message.text}`), { name }));
      const mailer = sesMailer({ client: new SESv2Client({}), from: 'licensing@vendor.example' });
      const error = await mailer.send(message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailerError);
      expect((error as MailerError).retryable).toBe(retryable);
      expect((error as MailerError).message).not.toContain('4821');
    },
  );
});

describe('outbox', () => {
  it('writes 50 concurrent messages as 50 distinct files and logs the code only when asked to', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-outbox-'));
    const lines: string[] = [];
    const mailer = outboxMailer({
      dir,
      from: 'a@b.example',
      log: (l) => lines.push(l),
      reveal: () => '4821-0937',
    });
    await Promise.all(Array.from({ length: 50 }, () => mailer.send(message)));
    expect(new Set(await readdir(dir)).size).toBe(50);
    expect(lines.every((l) => l.includes('4821-0937'))).toBe(true);
  });
});

describe('maskEmail', () => {
  it.each([
    ['ian@acme.example', 'i•••@a•••.example'],
    ['a@b.co', 'a•••@b•••.co'],
    ['it@mail.acme.co.uk', 'i•••@m•••.uk'],
  ])('hides %s as %s', (address, hint) => {
    expect(maskEmail(address)).toBe(hint);
  });
});
