import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderFiles } from '../../lambdas/adapters/files.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { MailerError } from '../../lambdas/adapters/mailer.ts';
import type { Activation } from '../../lambdas/domain/activations.ts';
import { auditEvent } from '../../lambdas/domain/audit.ts';
import { createCustomer } from '../../lambdas/domain/customers.ts';
import { type EmailMessage, renderMessage } from '../../lambdas/domain/emails.ts';
import { IssueLicenseInput, issueLicense } from '../../lambdas/domain/licenses.ts';
import {
  cleanUpActivations,
  countExpiring,
  type LicenseFacts,
  sendNotices,
  sendOfflineRenewalReminders,
  sendReminders,
  sweepExpiries,
} from '../../lambdas/domain/notifications.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct } from '../../lambdas/domain/products.ts';
import { openTicket, postTicketMessage, ticketReplyFacts } from '../../lambdas/domain/tickets.ts';
import { trialDeclinedFacts } from '../../lambdas/domain/trials.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { offlineRenewalStore } from '../../lambdas/store/upkeep.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ids = idGenerator();
const DAY = 86_400_000;
const always = { inTime: () => true };
const OFFSETS = [30, 7, 1];

let stores: Stores;
let facts: LicenseFacts;
let renewals: ReturnType<typeof offlineRenewalStore>;

/** Records what would have been sent; the real mailers are proven by the mailer contract test. */
const recordingMailer = (fail?: (m: EmailMessage) => Error | undefined) => {
  const sent: EmailMessage[] = [];
  return {
    sent,
    send: async (m: EmailMessage) => {
      const error = fail?.(m);
      if (error) throw error;
      sent.push(m);
      return { messageId: String(sent.length) };
    },
  };
};

const licensed = async (validTill: Date | undefined, notify = false) => {
  const now = new Date();
  const customer = await createCustomer(
    stores.customers,
    { principal: admin, now, ids },
    { name: 'Acme', contactEmail: 'admins@acme.example' },
  );
  const license = await issueLicense(
    {
      licenses: stores.licenses,
      products: stores.products,
      customers: stores.customers,
      randomBytes,
    },
    { principal: admin, now, ids },
    IssueLicenseInput.parse({
      productCode: 'MAILED',
      customerId: customer.id,
      registeredEmail: `it+${customer.id}@acme.example`,
      companyName: 'Acme',
      seatLimit: 3,
      notify,
      ...(validTill ? { validTill: validTill.toISOString() } : {}),
    }),
  );
  return license;
};

const to = (mailer: { sent: EmailMessage[] }, licenseTo: string) =>
  mailer.sent.filter((m) => m.to === licenseTo);

beforeAll(async () => {
  const table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  renewals = offlineRenewalStore(table.db, table.tableName);
  facts = {
    license: (id) => stores.licenses.get(id),
    productName: async () => 'Mailed',
    customerContact: async (id) => (await stores.customers.get(id))?.contactEmail,
    ticketReply: (message) => ticketReplyFacts(stores.tickets, message),
    trialDeclined: (trial) => trialDeclinedFacts(stores, trial),
  };
  await createProduct(
    stores.products,
    { principal: admin, now: new Date(), ids },
    CreateProductInput.parse({ code: 'MAILED', name: 'Mailed', seatModel: 'concurrent' }),
  );
});

describe('license-issued notices', () => {
  it('sends the issued e-mail exactly once when two runs overlap, and none when not asked', async () => {
    const license = await licensed(undefined, true);
    const quiet = await licensed(undefined, false);
    const mailer = recordingMailer();
    await Promise.all([
      sendNotices(stores.notices, facts, mailer, new Date(), always),
      sendNotices(stores.notices, facts, mailer, new Date(), always),
    ]);
    await sendNotices(stores.notices, facts, mailer, new Date(), always);
    const issued = to(mailer, license.registeredEmail);
    expect(issued.map((m) => m.template)).toEqual(['license-issued']);
    expect(to(mailer, quiet.registeredEmail)).toEqual([]);
  });

  it('puts a notice back when the send fails and sends it at the next run', async () => {
    const license = await licensed(undefined, true);
    const down = recordingMailer(
      () => new MailerError({ message: 'down', reason: 'unavailable', retryable: true }),
    );
    const first = await sendNotices(stores.notices, facts, down, new Date(), always);
    expect(first.failed).toBeGreaterThanOrEqual(1);
    const up = recordingMailer();
    await sendNotices(stores.notices, facts, up, new Date(), always);
    expect(to(up, license.registeredEmail)).toHaveLength(1);
  });
});

describe('expiry reminders', () => {
  it('sends each reminder once per recipient even when runs repeat and overlap', async () => {
    const now = new Date();
    const license = await licensed(new Date(now.getTime() + 6.5 * DAY));
    const mailer = recordingMailer();
    await Promise.all(
      Array.from({ length: 4 }, () =>
        sendReminders(stores.notices, stores.expiry, facts, mailer, now, OFFSETS, always),
      ),
    );
    const mine = mailer.sent.filter((m) => m.data.serial === license.serial);
    expect(mine.map((m) => m.to).sort()).toEqual(
      ['admins@acme.example', license.registeredEmail].sort(),
    );
    expect(mine.every((m) => m.template === 'expiry-reminder')).toBe(true);

    // Six days later the 1-day reminder is due: one more each, still once.
    const later = new Date(now.getTime() + 6 * DAY);
    await sendReminders(stores.notices, stores.expiry, facts, mailer, later, OFFSETS, always);
    await sendReminders(stores.notices, stores.expiry, facts, mailer, later, OFFSETS, always);
    expect(mailer.sent.filter((m) => m.data.serial === license.serial)).toHaveLength(4);
  });

  it('retries a reminder whose send failed for a passing reason, not one SES refused', async () => {
    const now = new Date();
    const license = await licensed(new Date(now.getTime() + 20 * DAY));
    const flaky = recordingMailer((m) =>
      m.to === license.registeredEmail
        ? new MailerError({ message: 'slow down', reason: 'throttled', retryable: true })
        : new MailerError({ message: 'no', reason: 'rejected', retryable: false }),
    );
    await sendReminders(stores.notices, stores.expiry, facts, flaky, now, OFFSETS, always);
    const ok = recordingMailer();
    await sendReminders(stores.notices, stores.expiry, facts, ok, now, OFFSETS, always);
    expect(ok.sent.filter((m) => m.data.serial === license.serial).map((m) => m.to)).toEqual([
      license.registeredEmail,
    ]);
  });
});

describe('expiry sweep', () => {
  it('records an ended license once, audits it and queues the expired notice', async () => {
    const now = new Date();
    const license = await licensed(new Date(now.getTime() + 60_000));
    const after = new Date(now.getTime() + 120_000);
    const ctx = { principal: { kind: 'system' as const, name: 'expiry-sweep' }, now: after, ids };
    const runs = await Promise.all([
      sweepExpiries(stores.expiry, facts, ctx, always),
      sweepExpiries(stores.expiry, facts, ctx, always),
    ]);
    expect(runs.reduce((n, r) => n + r.changed, 0)).toBeGreaterThanOrEqual(1);
    const events = await stores.audit.list({
      entityType: 'license',
      entityId: license.id,
      limit: 10,
    });
    expect(events.items.filter((e) => e.action === 'license.expired')).toHaveLength(1);
    expect((await stores.licenses.get(license.id))?.expiryRecordedFor).toBe(license.validTill);

    const mailer = recordingMailer();
    await sendNotices(stores.notices, facts, mailer, after, always);
    const mine = mailer.sent.filter((m) => m.data.serial === license.serial);
    expect(mine.map((m) => m.template)).toEqual(['license-expired', 'license-expired']);
    const again = await sweepExpiries(stores.expiry, facts, ctx, always);
    expect(again.changed).toBe(0);
  });

  it('counts the licenses that end within 30 days', async () => {
    const now = new Date();
    const before = await countExpiring(stores.expiry, now, 30);
    await licensed(new Date(now.getTime() + 10 * DAY));
    await licensed(new Date(now.getTime() + 40 * DAY));
    expect(await countExpiring(stores.expiry, now, 30)).toBe(before + 1);
  });
});

describe('activation cleanup', () => {
  it('removes pending activations whose code expired, and nothing else', async () => {
    const license = await licensed(undefined);
    const now = new Date();
    const base = { licenseId: license.id, attempts: 0, resends: 0, status: 'pending' as const };
    await stores.activations.createPending(
      {
        ...base,
        id: 'act_abandoned0000000000000000',
        fingerprint: 'a'.repeat(64),
        codeExpiresAt: new Date(now.getTime() - 2 * 3_600_000).toISOString(),
        createdAt: new Date(now.getTime() - 3 * 3_600_000).toISOString(),
      },
      { maxPending: 5, codeEmailsPerHour: 10 },
      now,
    );
    await stores.activations.createPending(
      {
        ...base,
        id: 'act_fresh00000000000000000000',
        fingerprint: 'b'.repeat(64),
        codeExpiresAt: new Date(now.getTime() + 600_000).toISOString(),
        createdAt: now.toISOString(),
      },
      { maxPending: 5, codeEmailsPerHour: 10 },
      now,
    );
    const result = await cleanUpActivations(stores.activationUpkeep, now, always);
    expect(result.changed).toBe(1);
    expect(await stores.activations.get('act_abandoned0000000000000000')).toBeUndefined();
    expect(await stores.activations.get('act_fresh00000000000000000000')).toBeDefined();
  });
});

describe('ticket-reply notices', () => {
  it('e-mail an agent’s reply to the requester once, the number in the subject; notes and tokens get none', async () => {
    const now = new Date();
    const customer = await createCustomer(
      stores.customers,
      { principal: admin, now, ids },
      { name: 'Ticketed', supportServices: ['PBX support'] },
    );
    const requester: Principal = {
      kind: 'person',
      personId: 'per_0000000000000000000000req1',
      role: 'customer-user',
      customerId: customer.id,
    };
    const deps = {
      tickets: stores.tickets,
      customers: stores.customers,
      projects: stores.projects,
      files: folderFiles(mkdtempSync(join(tmpdir(), 'tessera-files-'))),
      people: {
        get: async () => ({
          email: 'ann@ticketed.example',
          role: 'customer-user',
          status: 'active',
        }),
      },
    };
    const ticket = await openTicket(deps, { principal: requester, now, ids }, customer.id, {
      subject: 'Phones reboot',
      service: 'PBX support',
      body: 'Every night.',
    });
    const agent: Principal = { kind: 'token', tokenId: 'tok_agent', role: 'vendor-support' };
    await postTicketMessage(deps, { principal: agent, now, ids }, ticket.id, {
      body: 'Internal: firmware bug',
      internal: true,
    });
    await postTicketMessage(deps, { principal: agent, now, ids }, ticket.id, {
      body: 'Please send the syslog.',
      internal: false,
    });
    const mailer = recordingMailer();
    await sendNotices(stores.notices, facts, mailer, new Date(), always);
    await sendNotices(stores.notices, facts, mailer, new Date(), always);
    const mails = mailer.sent.filter((m) => m.template === 'ticket-reply');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      to: 'ann@ticketed.example',
      data: { number: ticket.number, subject: 'Phones reboot', reply: 'Please send the syslog.' },
    });
    expect(JSON.stringify(mailer.sent)).not.toContain('firmware bug');
  });
});

describe('offline renewal reminders', () => {
  /** A device activated from a request file, whose newest file is due in `days`. */
  const offlineDevice = async (now: Date, days: number) => {
    const license = await licensed(new Date(now.getTime() + 400 * DAY));
    const at = now.toISOString();
    const activation: Activation = {
      id: ids.next('act'),
      licenseId: license.id,
      fingerprint: `fp:${randomBytes(8).toString('hex')}`,
      hostname: 'pbx-basement',
      status: 'active',
      offline: true,
      attempts: 0,
      resends: 0,
      createdAt: at,
      activatedAt: at,
    };
    await stores.activations.activateOffline(
      activation,
      undefined,
      {
        digest: randomBytes(16).toString('hex'),
        keepUntil: Math.floor(now.getTime() / 1000) + DAY,
      },
      auditEvent(
        { principal: admin, now, ids },
        'license.instance-activated-offline',
        { type: 'license', id: license.id },
        null,
        { activationId: activation.id },
      ),
    );
    const refreshBy = new Date(now.getTime() + days * DAY).toISOString();
    await stores.activations.recordOfflineFile(activation, refreshBy);
    return { license, activation, refreshBy };
  };
  const renewalFacts = () => ({
    ...facts,
    activation: (id: string) => stores.activations.get(id),
  });
  const run = (mailer: { send(m: EmailMessage): Promise<unknown> }, now: Date) =>
    sendOfflineRenewalReminders(
      renewals,
      stores.notices,
      renewalFacts(),
      mailer,
      now,
      OFFSETS,
      always,
    );
  const about = (mailer: { sent: EmailMessage[] }, serial: string) =>
    mailer.sent.filter((m) => m.template === 'offline-renewal' && m.data.serial === serial);

  it('reminds once per recipient before the file is due, once more when it is overdue, then stops', async () => {
    // Arrange: a device whose file is due in 6.5 days.
    const now = new Date();
    const { license, activation, refreshBy } = await offlineDevice(now, 6.5);
    const mailer = recordingMailer();

    // Act: four overlapping runs now; one a day after it was due; one after the grace.
    await Promise.all(Array.from({ length: 4 }, () => run(mailer, now)));
    const early = about(mailer, license.serial).length;
    await run(mailer, new Date(Date.parse(refreshBy) + DAY));
    const overdue = about(mailer, license.serial).length;
    await run(mailer, new Date(Date.parse(refreshBy) + 31 * DAY));
    const afterGrace = about(mailer, license.serial).length;

    // Assert
    expect([early, overdue, afterGrace]).toEqual([2, 4, 4]);
    expect(
      about(mailer, license.serial)
        .map((m) => m.to)
        .sort(),
    ).toEqual(
      [
        'admins@acme.example',
        'admins@acme.example',
        license.registeredEmail,
        license.registeredEmail,
      ].sort(),
    );
    const first = renderMessage(about(mailer, license.serial)[0] as EmailMessage);
    expect(first.subject).toMatch(/^Renew the Mailed license file of pbx-basement by /);
    expect(first.text).toContain('download the license file of pbx-basement');
    const queued: string[] = [];
    for await (const e of renewals.dueRenewals(new Date(Date.parse(refreshBy) + 400 * DAY))) {
      queued.push(e.activationId);
    }
    expect(queued).not.toContain(activation.id); // its file no longer verifies: it left the queue
  });

  it('follows the newest file, and forgets a device that was returned', async () => {
    // Arrange: two devices due in 6.5 days; one gets a new file, the other is returned.
    const now = new Date();
    const renewed = await offlineDevice(now, 6.5);
    const returned = await offlineDevice(now, 6.5);
    await stores.activations.recordOfflineFile(
      renewed.activation,
      new Date(now.getTime() + 182 * DAY).toISOString(),
    );
    await stores.activations.release(
      returned.activation,
      'returned',
      now.toISOString(),
      auditEvent(
        { principal: admin, now, ids },
        'license.instance-returned',
        { type: 'license', id: returned.license.id },
        null,
        null,
      ),
    );
    const mailer = recordingMailer();

    // Act
    await run(mailer, now);

    // Assert: neither is reminded: one is due in half a year, the other has no file to renew.
    expect(about(mailer, renewed.license.serial)).toEqual([]);
    expect(about(mailer, returned.license.serial)).toEqual([]);
  });
});
