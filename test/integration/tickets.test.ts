import { beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../lambdas/store/index.ts';
import { useHandlerTable } from '../support/handler-table.ts';
import { invoke } from '../support/invoke.ts';

const ready = useHandlerTable();

/**
 * Support tickets through the handlers on DynamoDB Local (seed 002): the support contract's
 * services, who reads and who writes, internal notes only for the vendor's agents, the status
 * flow, the charts' counters, and 404 for whoever may not see a ticket.
 */
let stores: Stores;
let admin = '';
const call = (method: string, path: string, token: string, body?: unknown) =>
  invoke(method, path, { token, ...(body === undefined ? {} : { body }) });

const token = async (role: string, customerId?: string, projectIds?: string[]) => {
  const answer = await call('POST', '/tokens', admin, {
    name: role,
    role,
    ...(customerId ? { customerId } : {}),
    ...(projectIds ? { projectIds } : {}),
  });
  expect(answer.status).toBe(201);
  return String(answer.json.token);
};

let acme = '';
let plant = '';
let company = '';
let ann = '';
let bob = '';
let agent = '';
let stranger = '';
let limited = '';
let annTicket = '';

const open = (who: string, body: Record<string, unknown>, customer = acme) =>
  call('POST', `/customers/${customer}/tickets`, who, body);

beforeAll(async () => {
  ({ admin, stores } = ready());
  const customer = await call('POST', '/customers', admin, {
    name: 'Acme',
    supportServices: ['PBX support', 'Contact center'],
  });
  acme = String(customer.json.id);
  plant = String(
    (await call('POST', `/customers/${acme}/projects`, admin, { name: 'Plant 2' })).json.id,
  );
  const other = await call('POST', '/customers', admin, {
    name: 'Other',
    supportServices: ['PBX support'],
  });
  company = await token('customer-admin', acme);
  ann = await token('customer-user', acme);
  bob = await token('customer-user', acme);
  agent = await token('vendor-support');
  stranger = await token('customer-admin', String(other.json.id));
  limited = await token('customer-admin', acme, [plant]);
});

describe('support tickets', () => {
  it('opens a ticket about a service of the support contract: numbered, NEW, audited', async () => {
    const answer = await open(ann, {
      subject: 'Phones reboot at night',
      service: 'PBX support',
      body: 'Since Tuesday every phone restarts at 02:00.',
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      status: 'new',
      service: 'PBX support',
      customerId: acme,
      messageCount: 1,
      requester: { type: 'token' },
    });
    expect(String(answer.json.number)).toMatch(/^T\d{6}$/);
    expect(answer.headers.location).toBe(`/tickets/${answer.json.id}`);
    annTicket = String(answer.json.id);
    const trail = await stores.audit.list({ limit: 5, entityType: 'ticket', entityId: annTicket });
    expect(trail.items.map((e) => e.action)).toEqual(['ticket.opened']);

    const wrongService = await open(ann, { subject: 'x', service: 'Gardening', body: 'y' });
    expect(wrongService.json.errors).toEqual([expect.objectContaining({ path: 'body.service' })]);
    const noContract = await call('POST', '/customers', admin, { name: 'No contract' });
    const refused = await open(
      admin,
      { subject: 'x', service: 'PBX support', body: 'y' },
      String(noContract.json.id),
    );
    expect(refused.status).toBe(400);
  });

  it('lets a user see and write only their own tickets; the company user reads all and writes on their own', async () => {
    const bobs = await open(bob, {
      subject: 'Queue music',
      service: 'Contact center',
      body: 'Too loud.',
    });
    const bobTicket = String(bobs.json.id);
    expect((await call('GET', `/tickets/${annTicket}`, bob)).status).toBe(404);
    const bobList = await call('GET', `/customers/${acme}/tickets`, bob);
    expect((bobList.json.items as { id: string }[]).map((t) => t.id)).toEqual([bobTicket]);

    const all = await call('GET', `/customers/${acme}/tickets`, company);
    expect((all.json.items as { id: string }[]).map((t) => t.id)).toEqual([bobTicket, annTicket]);
    const mine = await call('GET', `/customers/${acme}/tickets?mine=true`, company);
    expect(mine.json.items).toEqual([]);
    expect((await call('GET', `/tickets/${annTicket}`, company)).status).toBe(200);
    const written = await call('POST', `/tickets/${annTicket}/messages`, company, {
      body: 'Me too',
    });
    expect([written.status, written.json.code]).toEqual([403, 'FORBIDDEN']);
    const searched = await call('GET', `/customers/${acme}/tickets?q=reboot`, company);
    expect((searched.json.items as { id: string }[]).map((t) => t.id)).toEqual([annTicket]);
  });

  it('keeps internal notes from the customer; an agent’s reply opens the ticket, the customer’s reply reopens it', async () => {
    const note = await call('POST', `/tickets/${annTicket}/messages`, agent, {
      body: 'Firmware 14.2 bug, see KB-88',
      internal: true,
    });
    expect(note.status).toBe(201);
    expect((await call('GET', `/tickets/${annTicket}`, agent)).json.status).toBe('new');
    await call('POST', `/tickets/${annTicket}/messages`, agent, {
      body: 'Please send the syslog.',
    });
    await call('PATCH', `/tickets/${annTicket}`, agent, { status: 'pending' });

    const seen = await call('GET', `/tickets/${annTicket}`, ann);
    expect(seen.json.status).toBe('pending');
    const bodies = (seen.json.messages as { body: string }[]).map((m) => m.body);
    expect(bodies).toEqual([
      'Since Tuesday every phone restarts at 02:00.',
      'Please send the syslog.',
    ]);
    const internal = await call('POST', `/tickets/${annTicket}/messages`, ann, {
      body: 'x',
      internal: true,
    });
    expect(internal.status).toBe(403);

    await call('POST', `/tickets/${annTicket}/messages`, ann, { body: 'Attached below.' });
    const after = await call('GET', `/tickets/${annTicket}`, agent);
    expect(after.json).toMatchObject({ status: 'open', messageCount: 4 });
    expect((after.json.messages as { internal: boolean }[]).filter((m) => m.internal)).toHaveLength(
      1,
    );
    const trail = await stores.audit.list({ limit: 10, entityType: 'ticket', entityId: annTicket });
    expect(trail.items.map((e) => e.action)).toEqual([
      'ticket.replied',
      'ticket.changed',
      'ticket.replied',
      'ticket.noted',
      'ticket.opened',
    ]);
    expect(JSON.stringify(trail.items)).not.toContain('KB-88');
  });

  it('counts tickets by status for the company and for each requester (the two charts)', async () => {
    await call('PATCH', `/tickets/${annTicket}`, agent, { status: 'closed' });
    const companyStats = await call('GET', `/customers/${acme}/ticket-stats`, company);
    expect(companyStats.json).toEqual({ new: 1, open: 0, pending: 0, closed: 1 });
    expect((await call('GET', `/customers/${acme}/ticket-stats`, ann)).json).toEqual({
      new: 0,
      open: 0,
      pending: 0,
      closed: 1,
    });
    expect((await call('GET', `/customers/${acme}/ticket-stats?mine=true`, company)).json).toEqual({
      new: 0,
      open: 0,
      pending: 0,
      closed: 0,
    });
  });

  it('gives the agents a queue by status and service; customers may not see it', async () => {
    const queue = await call('GET', '/tickets?status=new&service=Contact%20center', agent);
    expect((queue.json.items as { subject: string }[]).map((t) => t.subject)).toEqual([
      'Queue music',
    ]);
    expect((await call('GET', '/tickets?status=closed', agent)).json.items).toHaveLength(1);
    expect((await call('GET', '/tickets', company)).status).toBe(403);
    expect((await call('PATCH', `/tickets/${annTicket}`, company, { status: 'open' })).status).toBe(
      403,
    );
    const nobody = await call('PATCH', `/tickets/${annTicket}`, agent, {
      assigneeId: 'per_00000000000000000000000000',
    });
    expect(nobody.json.errors).toEqual([expect.objectContaining({ path: 'body.assigneeId' })]);
  });

  it('answers 404 to another customer and to someone limited to another project, on every route', async () => {
    const answers = [
      await call('GET', `/tickets/${annTicket}`, stranger),
      await call('POST', `/tickets/${annTicket}/messages`, stranger, { body: 'x' }),
      await call('PATCH', `/tickets/${annTicket}`, stranger, { status: 'open' }),
      await call('GET', `/customers/${acme}/tickets`, stranger),
      await call('GET', `/customers/${acme}/ticket-stats`, stranger),
      await open(stranger, { subject: 'x', service: 'PBX support', body: 'y' }),
      await call('GET', `/tickets/${annTicket}`, limited),
    ];
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 404));
    expect((await call('GET', `/customers/${acme}/tickets`, limited)).json.items).toEqual([]);
    const unsaid = await open(limited, { subject: 'x', service: 'PBX support', body: 'y' });
    expect(unsaid.json.errors).toEqual([expect.objectContaining({ path: 'body.projectId' })]);
    const inPlant = await open(limited, {
      subject: 'Plant',
      service: 'PBX support',
      body: 'y',
      projectId: plant,
    });
    expect(inPlant.status).toBe(201);
    expect((await call('GET', `/customers/${acme}/tickets`, limited)).json.items).toHaveLength(1);
  });
});

describe('ticket attachments', () => {
  const pdf = Buffer.from('%PDF-1.4 a small file\n');
  const upload = {
    filename: 'trace.pdf',
    contentType: 'application/pdf',
    content: pdf.toString('base64'),
  };

  it('keeps files on a message and serves them back byte for byte to whoever sees the ticket', async () => {
    const opened = await open(ann, {
      subject: 'Log attached',
      service: 'PBX support',
      body: 'See the trace.',
      attachments: [upload],
    });
    expect(opened.status).toBe(201);
    const thread = await call('GET', `/tickets/${opened.json.id}`, company);
    const [first] = thread.json.messages as { attachments: { id: string }[] }[];
    expect(first?.attachments).toEqual([
      expect.objectContaining({
        filename: 'trace.pdf',
        contentType: 'application/pdf',
        size: pdf.length,
      }),
    ]);
    const id = first?.attachments[0]?.id;
    const file = await call('GET', `/tickets/${opened.json.id}/attachments/${id}`, company);
    expect(file.status).toBe(200);
    expect(Buffer.from(String(file.json.content), 'base64')).toEqual(pdf);

    for (const outsider of [bob, stranger, limited]) {
      const answer = await call('GET', `/tickets/${opened.json.id}/attachments/${id}`, outsider);
      expect([answer.status, answer.json.code]).toEqual([404, 'NOT_FOUND']);
    }
    const elsewhere = await call('GET', `/tickets/${annTicket}/attachments/${id}`, admin);
    expect(elsewhere.status).toBe(404);
  });

  it('shows the files of an internal note to the agents only', async () => {
    const note = await call('POST', `/tickets/${annTicket}/messages`, agent, {
      body: 'Our own analysis',
      internal: true,
      attachments: [{ ...upload, filename: 'internal.pdf' }],
    });
    const id = (note.json.attachments as { id: string }[])[0]?.id;
    expect((await call('GET', `/tickets/${annTicket}/attachments/${id}`, agent)).status).toBe(200);
    const hidden = await call('GET', `/tickets/${annTicket}/attachments/${id}`, ann);
    expect(hidden.status).toBe(404);
  });

  it('refuses more than 4 MiB of files with 413 and writes nothing', async () => {
    const before = await call('GET', `/tickets/${annTicket}`, agent);
    const big = Buffer.alloc(2 * 1024 * 1024 + 1, 1).toString('base64');
    const answer = await call('POST', `/tickets/${annTicket}/messages`, ann, {
      body: 'Two big files',
      attachments: [
        { ...upload, content: big },
        { ...upload, content: big },
      ],
    });
    expect([answer.status, answer.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const after = await call('GET', `/tickets/${annTicket}`, agent);
    expect(after.json.messageCount).toBe(before.json.messageCount);
  });
});
