import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminJson } from '../support/admin-api.ts';
import { useLocalPlatform } from '../support/platform.ts';

/**
 * Tickets by e-mail on `npm start`'s SMTP listener (seed 002): real SMTP conversations with the
 * local platform, and what the portal's API shows afterwards.
 */
const local = useLocalPlatform();
const admin = adminJson(local);

const send = async (mail: {
  from: string;
  subject: string;
  text: string;
  messageId?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}) => {
  const transport = createTransport({
    host: '127.0.0.1',
    port: local().smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    return await transport.sendMail({ to: 'support@tessera.local', ...mail });
  } finally {
    transport.close();
  }
};

const as = (token: string) => async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the fields they check
  return { status: response.status, json: (await response.json()) as Record<string, any> };
};

let customerId = '';
let company: ReturnType<typeof as>;
let agent: ReturnType<typeof as>;

beforeAll(async () => {
  const customer = await admin('POST', '/customers', {
    name: 'Mailed Ltd',
    contactEmail: 'it@mailed.example',
    supportServices: ['PBX support', 'Contact center'],
  });
  customerId = String(customer.json.id);
  const token = async (role: string, extra: Record<string, unknown> = {}) =>
    String((await admin('POST', '/tokens', { name: role, role, ...extra })).json.token);
  company = as(await token('customer-admin', { customerId }));
  agent = as(await token('vendor-support'));
});

describe('tickets by e-mail, locally', () => {
  it('opens a ticket from the customer’s contact that the company sees; a reply by e-mail appends; the agent’s reply lands in the outbox', async () => {
    const sent = await send({
      from: 'Ivo <IT@mailed.example>',
      subject: 'Contact center: agents cannot log in',
      text: 'Since 9:00 no agent can log in.',
    });
    expect(sent.response).toMatch(/^250 .*Taken in: opened T\d{6}/);
    const number = /T\d{6}/.exec(sent.response)?.[0] ?? '';

    const listed = await company('GET', `/customers/${customerId}/tickets?q=${number}`);
    expect(listed.json.items).toEqual([
      expect.objectContaining({
        number,
        subject: 'Contact center: agents cannot log in',
        service: 'Contact center',
        channel: 'email',
        status: 'new',
        requester: { type: 'email', id: 'it@mailed.example', customerId },
        requesterEmail: 'it@mailed.example',
      }),
    ]);
    const ticketId = String(listed.json.items[0].id);

    const reply = await agent('POST', `/tickets/${ticketId}/messages`, {
      body: 'Please restart the gateway.',
    });
    expect(reply.status).toBe(201);
    await agent('PATCH', `/tickets/${ticketId}`, { status: 'pending' });
    await local().runJob('notifications');
    const outbox = local().outboxDir;
    const mails = await Promise.all(
      (await readdir(outbox)).map((f) => readFile(join(outbox, f), 'utf8')),
    );
    const replyMail = mails.find((m) => m.includes(`Subject: [${number}]`));
    expect(replyMail).toContain('To: it@mailed.example');
    expect(replyMail).toContain('Please restart the gateway.');

    const answered = await send({
      from: 'it@mailed.example',
      subject: `Re: [${number}] Contact center: agents cannot log in`,
      text: 'Restarted, works now.\n\nOn Tue, Support wrote:\n> Please restart the gateway.',
    });
    expect(answered.response).toContain(`appended ${number}`);
    const thread = await company('GET', `/tickets/${ticketId}`);
    expect(thread.json.status).toBe('open');
    expect(thread.json.messages.map((m: { body: string }) => m.body)).toEqual([
      'Since 9:00 no agent can log in.',
      'Please restart the gateway.',
      'Restarted, works now.',
    ]);
  });

  it('turns an unknown sender’s mail into a ticket waiting for triage, which an agent files under a customer', async () => {
    const sent = await send({
      from: 'someone@elsewhere.example',
      subject: 'Licence question',
      text: 'Who do I ask?',
    });
    expect(sent.response).toMatch(/triage T\d{6}/);
    const queue = await agent('GET', '/tickets?status=new&triage=true');
    const waiting = queue.json.items.find(
      (t: { requesterEmail?: string }) => t.requesterEmail === 'someone@elsewhere.example',
    );
    expect(waiting).toBeDefined();
    expect(waiting.customerId).toBeUndefined();
    expect((await company('GET', `/tickets/${waiting.id}`)).status).toBe(404);

    const filed = await agent('PATCH', `/tickets/${waiting.id}`, {
      customerId,
      service: 'PBX support',
    });
    expect(filed.json).toMatchObject({ customerId, service: 'PBX support' });
    expect((await company('GET', `/tickets/${waiting.id}`)).status).toBe(200);
    const refiled = await agent('PATCH', `/tickets/${waiting.id}`, {
      customerId,
      service: 'PBX support',
    });
    expect([refiled.status, refiled.json.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('takes a message in once however often it is delivered, and keeps its attachment', async () => {
    const content = Buffer.from('%PDF-1.4 pretend\n');
    const mail = {
      from: 'it@mailed.example',
      subject: 'PBX support: log attached',
      text: 'See the log.',
      messageId: '<once-only@mailed.example>',
      attachments: [{ filename: 'trace.pdf', content, contentType: 'application/pdf' }],
    };
    const first = await send(mail);
    const again = await send(mail);
    expect(first.response).toMatch(/opened T\d{6}/);
    expect(again.response).toContain('duplicate');
    const number = /T\d{6}/.exec(first.response)?.[0] ?? '';
    const listed = await company('GET', `/customers/${customerId}/tickets?q=${number}`);
    const thread = await company('GET', `/tickets/${listed.json.items[0].id}`);
    const [message] = thread.json.messages;
    expect(message.attachments).toEqual([
      expect.objectContaining({ filename: 'trace.pdf', contentType: 'application/pdf', size: 17 }),
    ]);
    const file = await company(
      'GET',
      `/tickets/${thread.json.id}/attachments/${message.attachments[0].id}`,
    );
    expect(Buffer.from(file.json.content, 'base64')).toEqual(content);
  });
});

describe('the vendor’s voice', () => {
  it('answers the brand the pages show', async () => {
    const answer = await fetch(`${local().url}/brand`);
    expect(await answer.json()).toEqual({
      name: 'Tessera',
      colour: '#1f4e79',
      defaultLanguage: 'en',
    });
  });

  it('writes to an Italian customer in Italian, and to an English one in English', async () => {
    await admin('POST', '/products', { code: 'VOICE', name: 'Voice', seatModel: 'named' });
    const italian = await admin('POST', '/customers', { name: 'Rossi Srl', language: 'it' });
    const english = await admin('POST', '/customers', { name: 'Smith Ltd' });
    for (const [customer, email] of [
      [italian, 'it@rossi.example'],
      [english, 'it@smith.example'],
    ] as const) {
      const issued = await admin('POST', '/licenses', {
        productCode: 'VOICE',
        registeredEmail: email,
        companyName: String(customer.json.name),
        customerId: customer.json.id,
        seatLimit: 2,
      });
      expect(issued.status).toBe(201);
    }
    await local().runJob('notifications');
    const outbox = local().outboxDir;
    const mails = await Promise.all(
      (await readdir(outbox)).map((f) => readFile(join(outbox, f), 'utf8')),
    );
    const to = (address: string) => mails.find((m) => m.includes(`To: ${address}`)) ?? '';
    expect(to('it@rossi.example')).toContain('È stata emessa una licenza Voice per Rossi Srl.');
    expect(to('it@rossi.example')).toContain('X-Tessera-Template: tessera-local-license-issued-it');
    expect(to('it@smith.example')).toContain('Subject: Your Voice license');
    expect(to('it@smith.example')).toContain(
      'X-Tessera-Template: tessera-local-license-issued\r\n',
    );
  });
});
