import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { parseMail } from '../../lambdas/adapters/mail-parser.ts';
import { createCustomer } from '../../lambdas/domain/customers.ts';
import { type InboundMail, receiveMail } from '../../lambdas/domain/mail-intake.ts';
import type { SenderTrust } from '../../lambdas/domain/mail-trust.ts';
import type { Person } from '../../lambdas/domain/people.ts';
import { createProject } from '../../lambdas/domain/projects.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { createTestTable } from '../support/table.ts';

/**
 * The rules of tickets by e-mail on DynamoDB Local, from raw RFC 5322 text: who the sender is,
 * what the verdicts refuse, which mail appends, which waits for triage, and once-only intake.
 */
let stores: Stores;
const ids = idGenerator();
const system = { kind: 'system' as const, name: 'test' };
const now = new Date('2026-12-01T09:00:00Z');
let acme = '';
let plant = '';
let seq = 0;

const PASS = { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' } as const;

const raw = (from: string, subject: string, text: string, messageId = `<m${++seq}@test>`) =>
  Buffer.from(
    [
      `From: ${from}`,
      'To: support@tessera.example',
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '',
    ].join('\r\n'),
  );

const take = async (
  bytes: Buffer,
  verdicts: InboundMail['verdicts'] = PASS,
  trust: SenderTrust = 'dmarc-not-failed',
) =>
  receiveMail(
    { tickets: stores.tickets, people: stores.people, customers: stores.customers },
    { now, ids },
    await parseMail(bytes, verdicts),
    trust,
  );

const person = (email: string, extra: Partial<Person>): Person => ({
  id: ids.next('per'),
  email,
  role: 'customer-user',
  customerId: acme,
  status: 'active',
  subject: `sub-${email}`,
  invitedAt: now.toISOString(),
  version: 1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  ...extra,
});

beforeAll(async () => {
  const table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  const ctx = { principal: system, now, ids };
  const customer = await createCustomer(stores.customers, ctx, {
    name: 'Acme',
    contactEmail: 'Desk@Acme.example',
    supportServices: ['PBX support', 'Contact center'],
  });
  acme = customer.id;
  plant = (await createProject(stores.projects, ctx, acme, { name: 'Plant 2' })).id;
  const audit = (p: Person) => ({
    id: ids.next('evt'),
    at: now.toISOString(),
    action: 'person.invited',
    entityType: 'person' as const,
    entityId: p.id,
    actor: { type: 'system' as const, id: 'test' },
    before: null,
    after: null,
  });
  for (const p of [
    person('ann@acme.example', {}),
    person('lim@acme.example', { projectIds: [plant] }),
    person('gone@acme.example', { status: 'disabled' }),
  ]) {
    await stores.people.create(p, audit(p));
  }
});

describe('tickets by e-mail', () => {
  it('opens a ticket for a portal person, under the service the subject names, as that person', async () => {
    const outcome = await take(raw('Ann <ann@acme.example>', 'Contact center down', 'Help'));
    expect(outcome).toMatchObject({ outcome: 'opened' });
    const ticket = await stores.tickets.get(String('ticketId' in outcome && outcome.ticketId));
    expect(ticket).toMatchObject({
      customerId: acme,
      service: 'Contact center',
      channel: 'email',
      requester: { type: 'person', role: 'customer-user', customerId: acme },
      requesterEmail: 'ann@acme.example',
    });
    expect((await stores.tickets.stats(acme)).new).toBeGreaterThanOrEqual(1);
  });

  it('files a limited person’s mail under their project, so they can see it', async () => {
    const outcome = await take(raw('lim@acme.example', 'Phones', 'Dead'));
    const ticket = await stores.tickets.get(String('ticketId' in outcome && outcome.ticketId));
    expect(ticket).toMatchObject({ projectId: plant, service: 'PBX support' });
  });

  it('recognises the customer’s contact address whatever its case', async () => {
    const outcome = await take(raw('desk@ACME.example', 'Question', 'Hi'));
    expect(outcome).toMatchObject({ outcome: 'opened' });
    const ticket = await stores.tickets.get(String('ticketId' in outcome && outcome.ticketId));
    expect(ticket?.requester).toEqual({ type: 'email', id: 'desk@acme.example', customerId: acme });
  });

  it('sends a disabled person’s, an unknown sender’s and a DMARC-failing mail to triage, never drops them', async () => {
    for (const [mail, verdicts] of [
      [raw('gone@acme.example', 'Still here', 'x'), PASS],
      [raw('who@nowhere.example', 'Hello', 'x'), PASS],
      [raw('ann@acme.example', 'Spoofed?', 'x'), { ...PASS, dmarc: 'FAIL' }],
    ] as const) {
      const outcome = await take(mail, verdicts);
      expect(outcome).toMatchObject({ outcome: 'triage' });
      const ticket = await stores.tickets.get(String('ticketId' in outcome && outcome.ticketId));
      expect(ticket?.customerId).toBeUndefined();
      expect(ticket?.service).toBeUndefined();
    }
  });

  it('believes a From line only after a passed DMARC check when the stage asks for it', async () => {
    // Arrange: the same known sender, from a domain without DMARC (GRAY).
    const gray = { ...PASS, dmarc: 'GRAY' } as const;

    // Act
    const lenient = await take(raw('ann@acme.example', 'No DMARC here', 'x'), gray);
    const strict = await take(raw('ann@acme.example', 'No DMARC here', 'y'), gray, 'dmarc-pass');
    const passed = await take(raw('ann@acme.example', 'Signed', 'z'), PASS, 'dmarc-pass');

    // Assert
    expect([lenient.outcome, strict.outcome, passed.outcome]).toEqual([
      'opened',
      'triage',
      'opened',
    ]);
    const held = await stores.tickets.get(String('ticketId' in strict && strict.ticketId));
    expect(held?.customerId).toBeUndefined();
  });

  it('refuses a virus and spam, audited, and takes neither in as a ticket', async () => {
    const virus = await take(raw('ann@acme.example', 'Invoice', 'open me'), {
      ...PASS,
      virus: 'FAIL',
    });
    const spam = await take(raw('ann@acme.example', 'Win', 'money'), { ...PASS, spam: 'FAIL' });
    expect([virus, spam]).toEqual([
      { outcome: 'refused', reason: 'virus' },
      { outcome: 'refused', reason: 'spam' },
    ]);
    const trail = await stores.audit.list({ limit: 50 });
    const refused = trail.items.filter((e) => e.entityType === 'mail');
    expect(refused.map((e) => [e.action, e.after])).toEqual([
      ['mail.refused', expect.objectContaining({ reason: 'spam', from: 'ann@acme.example' })],
      ['mail.refused', expect.objectContaining({ reason: 'virus', subject: 'Invoice' })],
    ]);
  });

  it('appends a requester’s reply naming the ticket, reopening it; a stranger naming it opens a ticket of their own', async () => {
    const opened = await take(raw('ann@acme.example', 'Phones reboot', 'Nightly'));
    const id = String('ticketId' in opened && opened.ticketId);
    const number = String('number' in opened && opened.number);
    const before = await stores.tickets.get(id);
    if (!before) throw new Error('no ticket');
    await stores.tickets.change(
      before,
      { ...before, status: 'pending', version: 2 },
      {
        id: ids.next('evt'),
        at: now.toISOString(),
        action: 'ticket.changed',
        entityType: 'ticket',
        entityId: id,
        actor: { type: 'system', id: 'test' },
        before: null,
        after: null,
      },
    );
    const reply = await take(
      raw('ann@acme.example', `RE: [${number}] Phones reboot`, 'Still!\n\n> Nightly'),
    );
    expect(reply).toEqual({ outcome: 'appended', ticketId: id, number });
    const after = await stores.tickets.get(id);
    expect(after).toMatchObject({ status: 'open', messageCount: 2 });
    expect((await stores.tickets.messages(id)).map((m) => m.body)).toEqual(['Nightly', 'Still!']);

    const stranger = await take(raw('who@nowhere.example', `[${number}] me too`, 'x'));
    expect(stranger).toMatchObject({ outcome: 'triage' });
    expect(stranger).not.toMatchObject({ ticketId: id });
  });

  it('takes a message in once however often it is delivered', async () => {
    const mail = raw('ann@acme.example', 'Once', 'x', '<same@acme.example>');
    const outcomes = await Promise.all([take(mail), take(mail), take(mail)]);
    expect(outcomes.filter((o) => o.outcome === 'opened')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(2);
  });
});
