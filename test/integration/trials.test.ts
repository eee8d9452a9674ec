import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EmailMessage, renderMessage } from '../../lambdas/domain/emails.ts';
import { type LicenseFacts, sendNotices } from '../../lambdas/domain/notifications.ts';
import { trialDeclinedFacts } from '../../lambdas/domain/trials.ts';
import type { Stores } from '../../lambdas/store/index.ts';
import { noticeKeys } from '../../lambdas/store/keys.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();

/**
 * Trial licenses through the handlers on DynamoDB Local: a product's trial policy, a company
 * user's request (issued at once, or after a vendor admin approves), once per customer and
 * product, and who may see and do what.
 */
let stores: Stores;
let admin: string;
const call = (method: string, path: string, token: string, body?: unknown) =>
  invoke(method, path, { token, ...(body === undefined ? {} : { body }) });

const tokenFor = async (role: string, customerId?: string) => {
  const answer = await call('POST', '/tokens', admin, {
    name: `${role} ${customerId ?? ''}`,
    role,
    ...(customerId ? { customerId } : {}),
  });
  expect(answer.status).toBe(201);
  return answer.json.token as string;
};

const newCustomer = async (name: string, contactEmail?: string) => {
  const answer = await call('POST', '/customers', admin, {
    name,
    ...(contactEmail ? { contactEmail } : {}),
  });
  return { id: answer.json.id as string, project: answer.json.defaultProjectId as string };
};

let acme: { id: string; project: string };
let other: { id: string; project: string };
let acmeCompany: string;
let acmeUser: string;
let otherCompany: string;
let support: string;

beforeAll(async () => {
  ({ admin, stores } = ready());
  await call('POST', '/products', admin, {
    code: 'PBX',
    name: 'PBX',
    seatModel: 'instance',
    modules: [
      { code: 'voicemail', name: 'Voicemail' },
      { code: 'ivr', name: 'IVR' },
    ],
    trial: { days: 30, seatLimit: 0, maxActivations: 2, modules: ['voicemail'] },
  });
  await call('POST', '/products', admin, {
    code: 'AGENTS',
    name: 'Agents',
    seatModel: 'concurrent',
    trial: { days: 14, seatLimit: 5, approval: 'vendor' },
  });
  await call('POST', '/products', admin, { code: 'PLAIN', name: 'Plain', seatModel: 'instance' });
  acme = await newCustomer('Acme', 'it@acme.example');
  other = await newCustomer('Other');
  acmeCompany = await tokenFor('customer-admin', acme.id);
  acmeUser = await tokenFor('customer-user', acme.id);
  otherCompany = await tokenFor('customer-admin', other.id);
  support = await tokenFor('vendor-support');
});

describe('trial licenses', () => {
  it('issues an automatic trial at once: a license flagged trial with the policy’s terms, e-mailed, audited', async () => {
    const before = Date.now();
    const answer = await call('POST', `/customers/${acme.id}/trials`, acmeCompany, {
      productCode: 'PBX',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.location).toBe(`/customers/${acme.id}/trials/PBX`);
    expect(answer.json).toMatchObject({
      status: 'issued',
      projectId: acme.project,
      registeredEmail: 'it@acme.example',
      policy: { days: 30, maxActivations: 2, modules: ['voicemail'], approval: 'automatic' },
    });
    const license = await call('GET', `/licenses/${answer.json.licenseId}`, admin);
    expect(license.json).toMatchObject({
      trial: true,
      productCode: 'PBX',
      customerId: acme.id,
      projectId: acme.project,
      modules: ['voicemail'],
      maxActivations: 2,
      companyName: 'Acme',
      status: 'active',
    });
    const days = (Date.parse(String(license.json.validTill)) - before) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);
    expect(answer.json.validTill).toBe(license.json.validTill);

    const trail = await stores.audit.list({
      limit: 5,
      entityType: 'trial',
      entityId: `${acme.id}/PBX`,
    });
    expect(trail.items.map((e) => e.action)).toEqual(['trial.requested']);
    const issued = await stores.audit.list({
      limit: 5,
      entityType: 'license',
      entityId: String(answer.json.licenseId),
    });
    expect(issued.items.map((e) => e.action)).toEqual(['license.issued']);
    expect(JSON.stringify(issued.items)).not.toContain(String(license.json.key));
    const notice = await ready().table.sdk.send(
      new GetCommand({
        TableName: ready().table.tableName,
        Key: noticeKeys.notice(`${answer.json.licenseId}.issued`),
      }),
    );
    expect(notice.Item).toMatchObject({ kind: 'license-issued', gsi3pk: 'QUEUE#NOTICES' });
  });

  it('refuses a second request for the same product clearly, and writes nothing', async () => {
    const count = (await call('GET', `/licenses?customerId=${acme.id}`, admin)).json
      .items as unknown[];
    const again = await call('POST', `/customers/${acme.id}/trials`, acmeCompany, {
      productCode: 'PBX',
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'TRIAL_ALREADY_USED', trialStatus: 'issued' });
    const after = (await call('GET', `/licenses?customerId=${acme.id}`, admin)).json
      .items as unknown[];
    expect(after).toHaveLength(count.length);
  });

  it('issues exactly one trial when ten requests for it race', async () => {
    const racer = await newCustomer('Racer', 'it@racer.example');
    const company = await tokenFor('customer-admin', racer.id);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('POST', `/customers/${racer.id}/trials`, company, { productCode: 'PBX' }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(a.json.code).toBe('TRIAL_ALREADY_USED');
    }
    const licenses = await call('GET', `/licenses?customerId=${racer.id}`, admin);
    expect(licenses.json.items).toHaveLength(1);
  });

  it('holds a trial that needs approval until a vendor admin approves it; approving twice is refused', async () => {
    const asked = await call('POST', `/customers/${acme.id}/trials`, acmeCompany, {
      productCode: 'AGENTS',
      registeredEmail: 'ops@acme.example',
    });
    expect(asked.status).toBe(201);
    expect(asked.json).toMatchObject({ status: 'pending', registeredEmail: 'ops@acme.example' });
    expect(asked.json.licenseId).toBeUndefined();

    const queue = await call('GET', '/trials?status=pending', admin);
    expect(queue.json.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ customerId: acme.id, productCode: 'AGENTS' }),
      ]),
    );
    expect(
      (await call('POST', `/customers/${acme.id}/trials/AGENTS/approve`, acmeCompany)).status,
    ).toBe(403);
    expect(
      (await call('POST', `/customers/${acme.id}/trials/AGENTS/approve`, support)).status,
    ).toBe(403);

    const approved = await call('POST', `/customers/${acme.id}/trials/AGENTS/approve`, admin);
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'issued', decidedBy: { type: 'token' } });
    const license = await call('GET', `/licenses/${approved.json.licenseId}`, admin);
    expect(license.json).toMatchObject({
      trial: true,
      seatLimit: 5,
      registeredEmail: 'ops@acme.example',
    });

    const twice = await call('POST', `/customers/${acme.id}/trials/AGENTS/approve`, admin);
    expect(twice.json).toMatchObject({ code: 'TRIAL_NOT_PENDING', trialStatus: 'issued' });
    const trail = await stores.audit.list({
      limit: 5,
      entityType: 'trial',
      entityId: `${acme.id}/AGENTS`,
    });
    expect(trail.items.map((e) => e.action)).toEqual(['trial.approved', 'trial.requested']);
  });

  it('records a declined trial with its reason; the customer cannot ask again', async () => {
    const customer = await newCustomer('Declined Co', 'it@declined.example');
    const company = await tokenFor('customer-admin', customer.id);
    await call('POST', `/customers/${customer.id}/trials`, company, { productCode: 'AGENTS' });
    const declined = await call('POST', `/customers/${customer.id}/trials/AGENTS/decline`, admin, {
      reason: 'Please talk to sales first',
    });
    expect(declined.json).toMatchObject({
      status: 'declined',
      reason: 'Please talk to sales first',
    });
    const seen = await call('GET', `/customers/${customer.id}/trials/AGENTS`, company);
    expect(seen.json).toMatchObject({ status: 'declined', reason: 'Please talk to sales first' });
    const again = await call('POST', `/customers/${customer.id}/trials`, company, {
      productCode: 'AGENTS',
    });
    expect(again.json).toMatchObject({ code: 'TRIAL_ALREADY_USED', trialStatus: 'declined' });
    const approve = await call('POST', `/customers/${customer.id}/trials/AGENTS/approve`, admin);
    expect(approve.json).toMatchObject({ code: 'TRIAL_NOT_PENDING', trialStatus: 'declined' });
    const licenses = await call('GET', `/licenses?customerId=${customer.id}`, admin);
    expect(licenses.json.items).toHaveLength(0);
  });

  it('tells the requester of a declined trial once, by e-mail, with the reason given', async () => {
    // Arrange: two declined requests, one with a reason and one without.
    const withReason = await newCustomer('Told Co', 'it@told.example');
    const withoutReason = await newCustomer('Quiet Co', 'it@quiet.example');
    for (const c of [withReason, withoutReason]) {
      await call('POST', `/customers/${c.id}/trials`, admin, { productCode: 'AGENTS' });
    }
    await call('POST', `/customers/${withReason.id}/trials/AGENTS/decline`, admin, {
      reason: 'Please talk to sales first',
    });
    await call('POST', `/customers/${withoutReason.id}/trials/AGENTS/decline`, admin, {});
    const sent: EmailMessage[] = [];
    const mailer = { send: async (m: EmailMessage) => sent.push(m) };
    const facts: LicenseFacts = {
      license: (id) => stores.licenses.get(id),
      productName: async (code) => code,
      customerContact: async () => undefined,
      ticketReply: async () => undefined,
      trialDeclined: (trial) => trialDeclinedFacts(stores, trial),
    };
    const always = { inTime: () => true };

    // Act: two overlapping runs of the notifications job's sending, then one more.
    await Promise.all([
      sendNotices(stores.notices, facts, mailer, new Date(), always),
      sendNotices(stores.notices, facts, mailer, new Date(), always),
    ]);
    await sendNotices(stores.notices, facts, mailer, new Date(), always);

    // Assert
    const declined = sent.filter(
      (m) => m.template === 'trial-declined' && m.to.endsWith('@told.example'),
    );
    const quiet = sent.filter((m) => m.to === 'it@quiet.example');
    expect([...declined, ...quiet].map((m) => [m.to, m.data])).toEqual(
      expect.arrayContaining([
        [
          'it@told.example',
          { product: 'Agents', company: 'Told Co', reason: 'Please talk to sales first' },
        ],
        ['it@quiet.example', { product: 'Agents', company: 'Quiet Co', reason: 'None given' }],
      ]),
    );
    expect([declined.length, quiet.length]).toEqual([1, 1]);
    const told = renderMessage(declined[0] as EmailMessage);
    expect(told.subject).toBe('Your Agents trial request');
    expect(told.text).toContain('The request for a trial of Agents for Told Co was declined.');
    expect(told.text).toContain('Please talk to sales first');
  });

  it('keeps a customer whose trial request waits from being deleted until the request is decided', async () => {
    // Arrange
    const waiting = await newCustomer('Waiting Co', 'it@waiting.example');
    await call('POST', `/customers/${waiting.id}/trials`, admin, { productCode: 'AGENTS' });

    // Act
    const refused = await call('DELETE', `/customers/${waiting.id}`, admin);
    await call('POST', `/customers/${waiting.id}/trials/AGENTS/decline`, admin, {});
    const deleted = await call('DELETE', `/customers/${waiting.id}`, admin);

    // Assert
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'HAS_DEPENDENTS', pendingTrialCount: 1 });
    expect(deleted.status).toBe(204);
  });

  it('never leaves a request nobody can decide when it races its customer’s deletion (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      // Arrange
      const racing = await newCustomer(`Racing ${round}`, `it@racing${round}.example`);

      // Act
      const [requested, deleted] = await Promise.all([
        call('POST', `/customers/${racing.id}/trials`, admin, { productCode: 'AGENTS' }),
        call('DELETE', `/customers/${racing.id}`, admin),
      ]);

      // Assert: one of the two wins, and the queue holds the request only if its customer stays.
      const queue = await stores.trials.listByStatus('pending', { limit: 100 });
      const queued = queue.items.some((t) => t.customerId === racing.id);
      if (deleted.status === 204) {
        expect([requested.status, queued]).toEqual([404, false]);
      } else {
        expect([deleted.status, deleted.json.code, requested.status, queued]).toEqual([
          409,
          'HAS_DEPENDENTS',
          201,
          true,
        ]);
      }
    }
  });

  it('refuses products without a trial, unknown products, other customers’ projects and a missing recipient', async () => {
    const plain = await call('POST', `/customers/${acme.id}/trials`, acmeCompany, {
      productCode: 'PLAIN',
    });
    expect(plain.status).toBe(409);
    expect(plain.json.code).toBe('TRIAL_NOT_OFFERED');
    const unknown = await call('POST', `/customers/${acme.id}/trials`, acmeCompany, {
      productCode: 'NOPE',
    });
    expect(unknown.json).toMatchObject({ code: 'VALIDATION_FAILED' });
    const silent = await newCustomer('No Contact');
    const noRecipient = await call('POST', `/customers/${silent.id}/trials`, admin, {
      productCode: 'PBX',
    });
    expect(noRecipient.status).toBe(400);
    expect(noRecipient.json.errors).toEqual([
      expect.objectContaining({ path: 'body.registeredEmail' }),
    ]);
    const wrongProject = await call('POST', `/customers/${silent.id}/trials`, admin, {
      productCode: 'PBX',
      projectId: other.project,
      registeredEmail: 'x@example.com',
    });
    expect(wrongProject.status).toBe(400);
    expect(wrongProject.json.errors).toEqual([expect.objectContaining({ path: 'body.projectId' })]);
  });

  it('refuses a trial policy naming modules the product does not have', async () => {
    const answer = await call('POST', '/products', admin, {
      code: 'BAD_TRIAL',
      name: 'Bad',
      seatModel: 'instance',
      trial: { days: 5, modules: ['ghost'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual([expect.objectContaining({ path: 'body.trial.modules' })]);
    expect((await call('GET', '/products/BAD_TRIAL', admin)).status).toBe(404);
  });

  it('lets a plain user read the company’s trials but not request one', async () => {
    const list = await call('GET', `/customers/${acme.id}/trials`, acmeUser);
    expect(list.status).toBe(200);
    expect((list.json.items as { productCode: string }[]).map((t) => t.productCode).sort()).toEqual(
      ['AGENTS', 'PBX'],
    );
    const asked = await call('POST', `/customers/${acme.id}/trials`, acmeUser, {
      productCode: 'PBX',
    });
    expect(asked.status).toBe(403);
  });

  it('hides one customer’s trials from another: every route answers 404', async () => {
    const base = `/customers/${acme.id}/trials`;
    const answers = [
      await call('GET', base, otherCompany),
      await call('GET', `${base}/PBX`, otherCompany),
      await call('POST', base, otherCompany, { productCode: 'AGENTS' }),
      await call('POST', `${base}/AGENTS/approve`, otherCompany),
      await call('POST', `${base}/AGENTS/decline`, otherCompany, {}),
    ];
    expect(answers.map((a) => [a.status, a.json.code])).toEqual(
      answers.map(() => [404, 'NOT_FOUND']),
    );
    expect((await call('GET', '/trials', otherCompany)).status).toBe(403);
    expect((await call('GET', '/trials', support)).status).toBe(403);
  });

  it('pages the approval queue oldest request first', async () => {
    const made: string[] = [];
    for (const name of ['Q1', 'Q2', 'Q3']) {
      const c = await newCustomer(name, `it@${name.toLowerCase()}.example`);
      await call('POST', `/customers/${c.id}/trials`, admin, { productCode: 'AGENTS' });
      made.push(c.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(
        'GET',
        `/trials?status=pending&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      expect(page.status).toBe(200);
      seen.push(...(page.json.items as { customerId: string }[]).map((t) => t.customerId));
      cursor = (page.json.nextCursor as string | null) ?? undefined;
    } while (cursor);
    expect(seen.filter((id) => made.includes(id))).toEqual(made);
  });
});
