import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sesApi } from '../../lambdas/adapters/aws/services.ts';
import { type Mailer, MailerError } from '../../lambdas/adapters/mailer.ts';
import { outboxMailer } from '../../lambdas/adapters/mailer-outbox.ts';
import { SES_TAG_NAME, sesMailer } from '../../lambdas/adapters/mailer-ses.ts';
import { emailTemplates, escapeHtml } from '../../lambdas/domain/email-templates.ts';
import {
  activationCodeIn,
  activationCodeMessage,
  type EmailMessage,
  maskEmail,
  renderMessage,
} from '../../lambdas/domain/emails.ts';
import { DROP, type FakeAws, FakeAwsError, startFakeAws } from '../support/fake-aws.ts';

const FROM = 'licensing@vendor.example';
const CODE = '4821-0937';

const facts = {
  to: 'it@acme.example',
  code: '48210937',
  productName: 'Call Center',
  companyName: 'Acme <script>alert(1)</script> & Co',
  serial: 'TS00000042',
  hostname: 'pbx-1',
  expiresAt: '2026-11-23T12:15:00Z',
};
const message = activationCodeMessage(facts);
const content = renderMessage(message);

// ---------------------------------------------------------------------------------------------
// Reading an .eml back, as a mail client would: unfold headers, decode RFC 2047 words, split the
// multipart body at its boundary, undo each part's transfer encoding.

const decodeWords = (value: string): string =>
  value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    );

const decodeQuotedPrintable = (body: string): string =>
  Buffer.from(
    body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

const parseHeaders = (head: string): Map<string, string> => {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
};

interface ParsedEml {
  raw: string;
  headers: Map<string, string>;
  parts: { headers: Map<string, string>; content: string }[];
}

const parseEml = (raw: string): ParsedEml => {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const boundary = /boundary="([^"]+)"/.exec(headers.get('content-type') ?? '')?.[1] ?? '';
  const body = raw.slice(split + 4);
  const closing = body.indexOf(`\r\n--${boundary}--`);
  const parts = body
    .slice(0, closing)
    .split(`\r\n--${boundary}\r\n`)
    .slice(1)
    .map((part) => {
      const end = part.indexOf('\r\n\r\n');
      const partHeaders = parseHeaders(part.slice(0, end));
      const encoded = part.slice(end + 4);
      const encoding = partHeaders.get('content-transfer-encoding');
      const content =
        encoding === 'base64'
          ? Buffer.from(encoded.replace(/\s/g, ''), 'base64').toString('utf8')
          : encoding === 'quoted-printable'
            ? decodeQuotedPrintable(encoded)
            : encoded;
      return { headers: partHeaders, content };
    });
  return { raw, headers, parts };
};

// ---------------------------------------------------------------------------------------------
// One contract, two implementations.

/** What a recipient would get, read back from wherever the mailer delivered it. */
interface Delivered {
  to: string;
  subject: string;
  text: string;
  html: string;
  tag: string;
}

interface Harness {
  mailer: Mailer;
  /** Everything delivered so far, oldest first. */
  delivered: () => Promise<Delivered[]>;
}

let ses: FakeAws;
beforeAll(async () => {
  ses = await startFakeAws();
});
afterEach(() => {
  ses.reset();
});
afterAll(() => ses.close());
/** The SES v2 API at the fake endpoint; one attempt, so a refusal is seen as SES gave it. */
const sesClient = () => sesApi({ region: 'eu-west-1', endpoint: ses.endpoint, maxAttempts: 1 });

/**
 * SES's side of a templated send, as Handlebars substitution works and as strictly as SES is:
 * `{{{x}}}` verbatim, `{{x}}` HTML-escaped, a missing value fails the message (a rendering
 * failure). Written here, independently of the outbox's renderer, from the templates CDK deploys.
 */
const sesRender = (template: string, data: Record<string, unknown>): string =>
  template.replace(/\{\{\{?\s*([A-Za-z0-9_]+)\s*\}?\}\}/g, (whole, name: string) => {
    const value = data[name];
    if (typeof value !== 'string') throw new Error(`RenderingFailure: no value for ${name}`);
    return whole.startsWith('{{{') ? value : escapeHtml(value).replaceAll('=', '&#x3D;');
  });

/** The SendEmail request fields these tests read (SES v2 API reference). */
interface SendEmailInput {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  Content?: { Template?: { TemplateName?: string; TemplateData?: string } };
  EmailTags?: { Name: string; Value: string }[];
  ConfigurationSetName?: string;
}

const deployed = new Map(emailTemplates('prod').map((t) => [t.name, t]));

const sesHarness = async (): Promise<Harness> => {
  let n = 0;
  ses.on('SendEmail', () => ({ MessageId: `ses-${++n}` }));
  return {
    mailer: sesMailer({
      client: sesClient(),
      from: FROM,
      stage: 'prod',
      configurationSetName: 'tessera-prod',
    }),
    delivered: async () =>
      ses.callsOf('SendEmail').map((call) => {
        const input = call.input as SendEmailInput;
        const template = deployed.get(input.Content?.Template?.TemplateName ?? '');
        if (!template) throw new Error('SES has no template of that name');
        const data = JSON.parse(input.Content?.Template?.TemplateData ?? '{}');
        return {
          to: input.Destination?.ToAddresses?.[0] ?? '',
          subject: sesRender(template.subject, data),
          text: sesRender(template.text, data),
          html: sesRender(template.html, data),
          tag: input.EmailTags?.find((t) => t.Name === SES_TAG_NAME)?.Value ?? '',
        };
      }),
  };
};

const readOutbox = async (dir: string): Promise<ParsedEml[]> => {
  const files = (await readdir(dir).catch(() => [] as string[])).sort();
  return Promise.all(files.map(async (f) => parseEml(await readFile(join(dir, f), 'utf8'))));
};

const outboxHarness = async (): Promise<Harness> => {
  const dir = join(await mkdtemp(join(tmpdir(), 'tessera-outbox-')), 'not', 'yet', 'there');
  return {
    mailer: outboxMailer({ dir, from: FROM, stage: 'prod' }),
    delivered: async () =>
      (await readOutbox(dir)).map((eml) => {
        const part = (type: string) =>
          eml.parts.find((p) => p.headers.get('content-type')?.startsWith(type))?.content ?? '';
        return {
          to: eml.headers.get('to') ?? '',
          subject: decodeWords(eml.headers.get('subject') ?? ''),
          // The file holds CRLF line ends, as RFC 5322 wants; the message says what it says.
          text: part('text/plain').replace(/\r\n/g, '\n'),
          html: part('text/html'),
          tag: eml.headers.get('x-tessera-tag') ?? '',
        };
      }),
  };
};

const implementations: [string, () => Promise<Harness>][] = [
  ['SES v2', sesHarness],
  ['outbox', outboxHarness],
];

describe.each(implementations)('the %s mailer keeps the mailer contract', (_name, setup) => {
  it('delivers the rendered template to the recipient, tagged, and names the message', async () => {
    const { mailer, delivered } = await setup();
    const { messageId } = await mailer.send(message);
    expect(messageId).toEqual(expect.any(String));
    expect(messageId.length).toBeGreaterThan(0);
    expect(await delivered()).toEqual([
      {
        to: message.to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        tag: 'activation-code',
      },
    ]);
    expect(content.text.split('\n')[0]).toBe(`Your activation code: ${CODE}`);
  });

  it('round-trips non-ASCII values in subject and body', async () => {
    const { mailer, delivered } = await setup();
    const german = activationCodeMessage({
      ...facts,
      productName: 'Zählerfernauslesung',
      companyName: 'Müller & Söhne GmbH – «Köln» 😀',
    });
    const long = activationCodeMessage({
      ...facts,
      productName: 'Lizenzverwaltung für Zählerfernauslesung und Lastgangmessung',
    });
    await mailer.send(german);
    await mailer.send(long);
    const [first, second] = await delivered();
    expect(first).toMatchObject(renderMessage(german));
    expect(first?.text).toContain('Müller & Söhne GmbH – «Köln» 😀');
    expect(first?.html).toContain('Müller &amp; Söhne GmbH – «Köln» 😀');
    expect(second?.subject).toBe(renderMessage(long).subject);
  });

  it('delivers to the ASCII form of an internationalised domain', async () => {
    const { mailer, delivered } = await setup();
    await mailer.send({ ...message, to: 'it@müller.example' });
    expect((await delivered())[0]?.to).toBe('it@xn--mller-kva.example');
  });

  it.each([
    ['a non-ASCII local part (SES has no SMTPUTF8)', 'jürgen@acme.example'],
    ['a header injection', 'it@acme.example\r\nBcc: all@evil.example'],
    ['a display name', 'IT <it@acme.example>'],
    ['no domain', 'it@'],
    ['no @', 'it.acme.example'],
  ])('refuses %s with a non-retryable MailerError and sends nothing', async (_why, to) => {
    const { mailer, delivered } = await setup();
    const error = await mailer.send({ ...message, to }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailerError);
    expect(error).toMatchObject({ reason: 'invalid-message', retryable: false });
    expect((error as MailerError).message).not.toContain(to);
    expect(await delivered()).toEqual([]);
  });

  it('refuses a tag that is not [A-Za-z0-9_-]', async () => {
    const { mailer, delivered } = await setup();
    const error = await mailer.send({ ...message, tag: 'x/../../etc' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MailerError', reason: 'invalid-message' });
    expect(await delivered()).toEqual([]);
  });

  const { host: _host, ...withoutHost } = message.data;
  it.each([
    ['a value missing', { ...message, data: withoutHost }, /host is missing/],
    ['an empty value', { ...message, data: { ...message.data, host: ' \n ' } }, /host is missing/],
    ['a field the template lacks', { ...message, data: { ...message.data, x: 'y' } }, /"x"/],
    [
      'a template Tessera does not have',
      { ...message, template: 'newsletter' } as unknown as EmailMessage,
      /not one Tessera has/,
    ],
  ])(
    'refuses a message with %s, before SES could drop it as a rendering failure',
    async (_why, bad, says) => {
      const { mailer, delivered } = await setup();
      const error = await mailer.send(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailerError);
      expect(error).toMatchObject({ reason: 'invalid-message', retryable: false });
      expect((error as MailerError).message).toMatch(says);
      expect((error as MailerError).message).not.toContain(CODE);
      expect(await delivered()).toEqual([]);
    },
  );

  it('keeps a text part with lines longer than a mail line may be', async () => {
    const { mailer, delivered } = await setup();
    const wide = activationCodeMessage({ ...facts, companyName: 'x = y; '.repeat(400) });
    await mailer.send(wide);
    const text = (await delivered())[0]?.text ?? '';
    expect(text).toBe(renderMessage(wide).text);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeGreaterThan(998);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the SES v2 mailer', () => {
  it('asks SES for exactly one templated message from the sender, tagged, in the configuration set', async () => {
    ses.on('SendEmail', () => ({ MessageId: '0100018f-abc' }));
    const mailer = sesMailer({
      client: sesClient(),
      from: FROM,
      stage: 'prod',
      configurationSetName: 'tessera-prod',
    });
    expect(await mailer.send(message)).toEqual({ messageId: '0100018f-abc' });
    const calls = ses.callsOf('SendEmail');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.service).toBe('ses');
    const input = calls[0]?.input as SendEmailInput;
    expect({ ...input, Content: undefined }).toStrictEqual({
      FromEmailAddress: FROM,
      Destination: { ToAddresses: ['it@acme.example'] },
      Content: undefined,
      EmailTags: [{ Name: SES_TAG_NAME, Value: 'activation-code' }],
      ConfigurationSetName: 'tessera-prod',
    });
    expect(Object.keys(input.Content ?? {})).toEqual(['Template']);
    expect(input.Content?.Template?.TemplateName).toBe('tessera-prod-activation-code');
    // Every value raw for text and subject, and escaped here for HTML: SES escapes nothing.
    expect(JSON.parse(input.Content?.Template?.TemplateData ?? '')).toStrictEqual({
      code: CODE,
      code_html: CODE,
      product: 'Call Center',
      product_html: 'Call Center',
      serial: 'TS00000042',
      serial_html: 'TS00000042',
      company: 'Acme <script>alert(1)</script> & Co',
      company_html: 'Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co',
      host: 'pbx-1',
      host_html: 'pbx-1',
      expires: '23 Nov 2026, 12:15 UTC',
      expires_html: '23 Nov 2026, 12:15 UTC',
    });
  });

  it('names no configuration set when none is configured', async () => {
    ses.on('SendEmail', () => ({ MessageId: 'm' }));
    await sesMailer({ client: sesClient(), from: FROM, stage: 'prod' }).send(message);
    expect(ses.callsOf('SendEmail')[0]?.input).not.toHaveProperty('ConfigurationSetName');
  });

  const secretish = `${content.subject} ${content.text} ${message.to}`;
  const refusal = (name: string, status = 400) =>
    new FakeAwsError(name, secretish, status, 'req-7f3a');

  it.each([
    ['MessageRejected', refusal('MessageRejected'), 'rejected', false],
    [
      'MailFromDomainNotVerifiedException',
      refusal('MailFromDomainNotVerifiedException'),
      'sender-not-verified',
      false,
    ],
    ['AccountSuspendedException', refusal('AccountSuspendedException'), 'account-suspended', false],
    ['SendingPausedException', refusal('SendingPausedException'), 'sending-paused', false],
    ['TooManyRequestsException', refusal('TooManyRequestsException', 429), 'throttled', true],
    ['LimitExceededException', refusal('LimitExceededException'), 'throttled', true],
    ['an SES server error', refusal('InternalFailure', 500), 'unavailable', true],
    ['a dropped connection', DROP, 'unavailable', true],
    ['anything else', refusal('SomethingNewException'), 'unknown', false],
  ])(
    '%s becomes a MailerError (%s, retryable: %s) that carries nothing of the message',
    async (_what, thrown, reason, retryable) => {
      ses.on('SendEmail', () => thrown);
      const mailer = sesMailer({ client: sesClient(), from: FROM, stage: 'prod' });
      const error = await mailer.send(message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailerError);
      expect(error).toMatchObject({ reason, retryable });
      const { message: text, cause } = error as MailerError;
      expect(cause).toBeUndefined();
      for (const secret of [CODE, '48210937', content.subject, message.to, 'alert(1)']) {
        expect(text).not.toContain(secret);
        expect(JSON.stringify(error)).not.toContain(secret);
      }
    },
  );

  it('names the SES error and request id for the operator', async () => {
    ses.on(
      'SendEmail',
      () => new FakeAwsError('SendingPausedException', 'paused', 400, 'req-7f3a'),
    );
    const error = (await sesMailer({ client: sesClient(), from: FROM, stage: 'prod' })
      .send(message)
      .catch((e: unknown) => e)) as MailerError;
    expect(error).toMatchObject({ providerCode: 'SendingPausedException', requestId: 'req-7f3a' });
    expect(error.message).toContain('activation-code');
    expect(error.message).toContain('SendingPausedException');
    expect(error.message).toContain('req-7f3a');
  });

  it('says what a sandbox rejection means without repeating the address SES named', async () => {
    ses.on(
      'SendEmail',
      () =>
        new FakeAwsError(
          'MessageRejected',
          'Email address is not verified. The following identities failed the check in region EU-WEST-1: it@acme.example',
        ),
    );
    const error = (await sesMailer({ client: sesClient(), from: FROM, stage: 'prod' })
      .send(message)
      .catch((e: unknown) => e)) as MailerError;
    expect(error.message).toMatch(/sandbox/);
    expect(error.message).not.toContain('it@acme.example');
  });
});

// ---------------------------------------------------------------------------------------------

describe('the outbox mailer', () => {
  const newDir = async () => mkdtemp(join(tmpdir(), 'tessera-outbox-'));

  it('writes an RFC 5322 file a mail client opens and grep reads', async () => {
    const dir = await newDir();
    const now = new Date('2026-11-23T12:00:05.123Z');
    const { messageId } = await outboxMailer({ dir, from: FROM, now: () => now }).send(message);
    const [file, ...others] = await readdir(dir);
    expect(others).toEqual([]);
    expect(file).toMatch(/^2026-11-23T12-00-05\.123Z-activation-code-[0-9a-f]{8}\.eml$/);
    const raw = await readFile(join(dir, file as string), 'utf8');
    const eml = parseEml(raw);

    expect(messageId).toMatch(/^<[0-9a-f]{32}@tessera\.local>$/);
    expect(file).toContain(messageId.slice(1, 9));
    expect(Object.fromEntries(eml.headers)).toMatchObject({
      from: FROM,
      to: 'it@acme.example',
      subject: content.subject,
      date: 'Mon, 23 Nov 2026 12:00:05 +0000',
      'message-id': messageId,
      'mime-version': '1.0',
      'x-tessera-tag': 'activation-code',
      'x-tessera-template': 'tessera-local-activation-code',
    });
    expect(eml.headers.get('content-type')).toMatch(/^multipart\/alternative; boundary="/);
    expect(eml.parts.map((p) => p.headers.get('content-type'))).toEqual([
      'text/plain; charset=UTF-8',
      'text/html; charset=UTF-8',
    ]);
    expect(raw.split('\r\n').every((line) => Buffer.byteLength(line) <= 998)).toBe(true);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF only, no bare line ends
    // The README's `grep -o '[0-9]\{4\}-[0-9]\{4\}' file | head -1` finds the code.
    expect(/[0-9]{4}-[0-9]{4}/.exec(raw)?.[0]).toBe(CODE);
  });

  it('keeps codes from other users of the machine: files 0600 in a folder it creates 0700', async () => {
    const dir = join(await newDir(), 'outbox');
    await outboxMailer({ dir, from: FROM }).send(message);
    const [file] = await readdir(dir);

    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, file as string))).mode & 0o777).toBe(0o600);
  });

  it('encodes a non-ASCII subject as RFC 2047 words on lines of at most 76 characters', async () => {
    const dir = await newDir();
    const german = activationCodeMessage({
      ...facts,
      productName: 'Zählerfernauslesung für Müller GmbH – läuft bald ab',
    });
    const { subject } = renderMessage(german);
    expect(subject.length).toBeGreaterThan(60);
    await outboxMailer({ dir, from: FROM }).send(german);
    const [eml] = await readOutbox(dir);
    const raw = eml?.raw ?? '';
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const lines = head.slice(head.indexOf('Subject:')).split('\r\n');
    const subjectLines = [lines[0] ?? '', ...lines.slice(1).filter((l) => /^\s/.test(l))];
    expect(subjectLines.length).toBeGreaterThan(1);
    expect(subjectLines.every((l) => l.length <= 76 && /^(Subject: | )=\?UTF-8\?B\?/.test(l))).toBe(
      true,
    );
    expect(/^[\x20-\x7e\r\n\t]*$/.test(head)).toBe(true);
    expect(decodeWords(eml?.headers.get('subject') ?? '')).toBe(subject);
  });

  it('writes 50 concurrent messages as 50 distinct complete files and leaves no temporary file', async () => {
    const dir = await newDir();
    const lines: string[] = [];
    const mailer = outboxMailer({ dir, from: FROM, log: (l) => lines.push(l) });
    const codes = Array.from({ length: 50 }, (_, i) => String(10_000_000 + i * 7919));
    const ids = await Promise.all(
      codes.map((code) => mailer.send(activationCodeMessage({ ...facts, code }))),
    );
    const files = await readdir(dir);
    expect(files.filter((f) => !f.endsWith('.eml'))).toEqual([]);
    expect(new Set(files).size).toBe(50);
    expect(new Set(ids.map((r) => r.messageId)).size).toBe(50);
    const emls = await readOutbox(dir);
    const found = emls.map((eml) => /[0-9]{4}-[0-9]{4}/.exec(eml.raw)?.[0]?.replace('-', ''));
    expect(found.sort()).toEqual([...codes].sort());
    expect(lines).toHaveLength(50);
  });

  it('logs one line naming the file, recipient and tag, and the code only through reveal', async () => {
    const dir = await newDir();
    const quiet: string[] = [];
    await outboxMailer({ dir, from: FROM, log: (l) => quiet.push(l) }).send(message);
    const [line] = quiet;
    const [file] = await readdir(dir);
    expect(quiet).toHaveLength(1);
    expect(line).toContain(join(dir, file as string));
    expect(line).toContain('it@acme.example');
    expect(line).toContain('activation-code');
    expect(line).not.toContain(CODE);
    expect(line).not.toContain('48210937');

    const told: string[] = [];
    await outboxMailer({
      dir,
      from: FROM,
      log: (l) => told.push(l),
      reveal: (m) => {
        const code = activationCodeIn(m);
        return code ? `code ${code}` : undefined;
      },
    }).send(message);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/ \| code 4821-0937$/);
    expect(told[0]).not.toMatch(/[\r\n]/);
  });

  it('still delivers when reveal throws', async () => {
    const dir = await newDir();
    const lines: string[] = [];
    const mailer = outboxMailer({
      dir,
      from: FROM,
      log: (l) => lines.push(l),
      reveal: () => {
        throw new Error('nope');
      },
    });
    await expect(mailer.send(message)).resolves.toHaveProperty('messageId');
    expect(lines).toHaveLength(1);
  });

  it('fails with a MailerError, leaving nothing behind, when the outbox cannot be written', async () => {
    const parent = await newDir();
    const blocker = join(parent, 'outbox');
    await writeFile(blocker, 'a file where the folder should be');
    const error = await outboxMailer({ dir: blocker, from: FROM })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailerError);
    expect(error).toMatchObject({ reason: 'unavailable' });
    expect((error as MailerError).message).not.toContain(CODE);
    expect(await readdir(parent)).toEqual(['outbox']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the activation-code e-mail', () => {
  const rendered = (f: Parameters<typeof activationCodeMessage>[0]) =>
    renderMessage(activationCodeMessage(f));

  it('says who asked for which license on which host, shows the grouped code first and when it expires', () => {
    expect(message).toMatchObject({ tag: 'activation-code', template: 'activation-code' });
    expect(message.to).toBe('it@acme.example');
    expect(content.subject).toBe('Activation code for Call Center license TS00000042');
    expect(content.subject).not.toContain('4821');
    expect(content.text.split('\n')[0]).toBe(`Your activation code: ${CODE}`);
    for (const part of [content.text, content.html]) {
      expect(part).toContain(CODE);
      expect(part).toContain('TS00000042');
      expect(part).toContain('Call Center');
      expect(part).toContain('pbx-1');
      expect(part).toContain('23 Nov 2026, 12:15 UTC');
      expect(part).toContain('If you did not request this, ignore this e-mail');
      expect(part).toContain('useless without the instance');
    }
    expect(activationCodeIn(message)).toBe(CODE);
    expect(activationCodeIn({ ...message, template: 'expiry-reminder' })).toBeUndefined();
  });

  it('escapes the company name in HTML and keeps it verbatim in text', () => {
    expect(content.text).toContain('Acme <script>alert(1)</script> & Co');
    expect(content.html).not.toContain('<script>');
    expect(content.html).toContain('Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });

  it('escapes every interpolated value in HTML', () => {
    const evil = '<i>"x" & \'y\'</i>';
    const m = rendered({
      to: 'it@acme.example',
      code: '1234-5678',
      productName: `P${evil}`,
      companyName: `C${evil}`,
      serial: `S${evil}`,
      hostname: `H${evil}`,
      expiresAt: '2026-11-23T12:15:00Z',
    });
    const escaped = '&lt;i&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/i&gt;';
    for (const prefix of ['P', 'C', 'S', 'H']) expect(m.html).toContain(`${prefix}${escaped}`);
    expect(m.html).not.toContain('<i>');
    expect(m.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(m.text).toContain(`H${evil}`);
  });

  it('says the host was not reported when the instance did not report one', () => {
    const { hostname: _, ...withoutHost } = facts;
    for (const m of [rendered(withoutHost), rendered({ ...withoutHost, hostname: ' ' })]) {
      expect(m.text).toMatch(/^ {2}Host {12}not reported$/m);
      expect(m.text).toContain('An instance has requested activation of the Call Center license');
    }
  });

  it('keeps values on one line, so none can forge a code line', () => {
    const m = activationCodeMessage({
      ...facts,
      companyName: 'Acme\nYour activation code: 0000-0000',
      hostname: 'pbx\r\nYour activation code: 1111-1111',
    });
    expect(renderMessage(m).text.match(/^Your activation code: .*$/gm)).toEqual([
      `Your activation code: ${CODE}`,
    ]);
    expect(activationCodeIn(m)).toBe(CODE);
  });

  it('formats the expiry for a locale, always in UTC, and falls back on a bad locale', () => {
    expect(rendered({ ...facts, locale: 'de-DE' }).text).toContain('23.11.2026, 12:15 UTC');
    expect(rendered({ ...facts, locale: 'not a locale!' }).text).toContain(
      '23 Nov 2026, 12:15 UTC',
    );
    expect(() => activationCodeMessage({ ...facts, expiresAt: 'soon' })).toThrow(/expiresAt/);
  });

  it('groups the code in fours however it is given', () => {
    for (const code of ['48210937', '4821-0937', '4821 0937']) {
      expect(activationCodeIn(activationCodeMessage({ ...facts, code }))).toBe(CODE);
    }
  });
});

describe('maskEmail', () => {
  it.each([
    ['ian@acme.example', 'i•••@a•••.example'],
    ['Ian.Smith@Acme.Example', 'I•••@a•••.example'],
    ['it@mail.acme.co.uk', 'i•••@m•••.co.uk'],
    ['it@acme.co.uk', 'i•••@a•••.co.uk'],
    ['it@acme.com.au', 'i•••@a•••.com.au'],
    ['it@co.uk', 'i•••@c•••.uk'],
    ['it@mail.acme.example', 'i•••@m•••.example'],
    ['a@acme.example', '•••@a•••.example'],
    ['ian@b.example', 'i•••@•••.example'],
    ['a@b.co', '•••@•••.co'],
    ['it@m.acme.example', 'i•••@m•••.example'],
    ['it@acme.example.', 'i•••@a•••.example'],
    ['jürgen@müller.example', 'j•••@m•••.example'],
    ['😀x@acme.example', '😀•••@a•••.example'],
    ['x@localhost', '•••@l•••'],
    ['it@[192.0.2.1]', 'i•••@•••'],
    ['not-an-address', '•••@•••'],
    ['@acme.example', '•••@•••'],
    ['it@', '•••@•••'],
  ])('hides %s as %s', (address, hint) => {
    expect(maskEmail(address)).toBe(hint);
  });

  it('never contains the address, its local part or its domain name', () => {
    for (const address of ['ian@acme.example', 'it@mail.acme.co.uk', 'a@b.co', 'ab@cd.example']) {
      const masked = maskEmail(address);
      const [local = '', domain = ''] = address.split('@');
      expect(masked).not.toContain(address);
      expect(masked).not.toContain(`${local}@`);
      expect(masked).not.toContain(`@${domain}`);
      expect(masked).not.toContain(domain.split('.')[0]);
    }
  });
});
