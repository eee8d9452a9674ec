import {
  type Attachment,
  AttachmentUploads,
  AttachmentView,
  attachmentKey,
  decodeUploads,
  type FileStore,
  storeFiles,
} from './attachments.ts';
import { ActorView, type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { applyPatch, IdOf, type Page, PageQuery, queryFlag, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import { type Notice, ticketReplyNotice } from './notices.ts';
import {
  assertCan,
  assertCustomerVisible,
  assertProjectVisible,
  can,
  customerScope,
  projectScope,
} from './policy.ts';
import { type Actor, actorOf, type Principal, roleOf } from './principal.ts';
import * as z from './zod.ts';

/**
 * Support tickets (seed 002). A ticket belongs to a customer and one service of its support
 * contract; its requester is the person (or token) who opened it. Status NEW → OPEN ↔ PENDING →
 * CLOSED: the vendor's agents move it; a reply from the customer moves PENDING back to OPEN.
 * Its thread holds messages and internal notes, which only the vendor's agents see.
 *
 * Who sees what: the vendor's staff every ticket; a company user (customer-admin) every ticket of
 * the company (within their projects, if limited); a user (customer-user) only their own. Anyone
 * may write only on their own tickets, the vendor's agents on every one. Anything else is 404.
 */
export const ticketStatuses = ['new', 'open', 'pending', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export interface Ticket {
  id: string;
  /** What people quote: `T000042`. */
  number: string;
  /**
   * Absent while the ticket waits for triage: an e-mail from a sender no customer is known by.
   * An agent files it under a customer and a service (`PATCH`); then it is the customer's.
   */
  customerId?: string;
  projectId?: string;
  subject: string;
  /** One of the customer's support services; absent while the ticket waits for triage. */
  service?: string;
  /** How it was opened: in the portal or API, or by e-mail to the support address. */
  channel?: 'email';
  status: TicketStatus;
  requester: Actor;
  /** The requester's e-mail, where replies go. */
  requesterEmail?: string;
  /** A person of the vendor's staff. */
  assigneeId?: string;
  messageCount: number;
  lastMessageAt: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TicketMessage {
  id: string;
  ticketId: string;
  author: Actor;
  body: string;
  /** An internal note: only the vendor's agents see it. */
  internal: boolean;
  at: string;
  attachments?: Attachment[];
}

/** What finds one message of a thread (its key). */
export type MessageRef = Pick<TicketMessage, 'ticketId' | 'id' | 'at'>;

export const TicketId = /* @__PURE__ */ z.lazy(() => IdOf('tkt'));
export const TicketPath = /* @__PURE__ */ z.lazy(() => z.strictObject({ ticketId: TicketId }));
export const CustomerTicketsPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ customerId: IdOf('cus') }),
);
const Body = /* @__PURE__ */ z.lazy(() => z.string().trim().min(1).max(20_000));

export const OpenTicketInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    subject: z.string().trim().min(1).max(200),
    service: z.string().trim().min(1).max(80).describe("One of the customer's support services"),
    body: Body,
    projectId: IdOf('prj').optional().describe('The project it is about, if any'),
    attachments: AttachmentUploads,
  }),
);
export type OpenTicketInput = z.infer<typeof OpenTicketInput>;

export const TicketMessageInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    body: Body,
    internal: z.boolean().default(false).describe("An internal note: only the vendor's agents"),
    attachments: AttachmentUploads,
  }),
);
export const TicketAttachmentPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ ticketId: TicketId, attachmentId: IdOf('att') }),
);

export const ChangeTicketInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      status: z.enum(['open', 'pending', 'closed']).optional(),
      assigneeId: IdOf('per').nullable().optional().describe('A vendor agent; null: nobody'),
      customerId: IdOf('cus')
        .optional()
        .describe('Files a ticket waiting for triage under this customer (with `service`)'),
      service: z
        .string()
        .trim()
        .min(1)
        .max(80)
        .optional()
        .describe("Another service of the customer's support contract"),
    })
    .refine((input) => Object.keys(input).length > 0, 'Give at least one field to change'),
);

export const CustomerTicketsQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap().extend({
    mine: queryFlag()
      .default(false)
      .describe("Only the caller's own tickets (a user's listing always is)"),
    status: z.enum(ticketStatuses).optional(),
    q: z.string().trim().min(1).max(100).optional().describe('Number or words of the subject'),
  }),
);
export const TicketQueueQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap().extend({
    status: z.enum(ticketStatuses).default('new'),
    service: z.string().trim().min(1).max(80).optional(),
    assigneeId: IdOf('per').optional(),
    triage: queryFlag()
      .optional()
      .describe('Only tickets waiting for triage (no customer yet), or only filed ones'),
  }),
);
export const TicketStatsQuery = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    mine: queryFlag().default(false),
  }),
);

const ticketShape = () => ({
  id: z.string(),
  number: z.string(),
  customerId: z.string().optional().describe('Absent while the ticket waits for triage'),
  projectId: z.string().optional(),
  subject: z.string(),
  service: z.string().optional().describe('Absent while the ticket waits for triage'),
  channel: z.enum(['email']).optional(),
  status: z.enum(ticketStatuses),
  requester: ActorView,
  requesterEmail: z.string().optional(),
  assigneeId: z.string().optional(),
  messageCount: z.number().int(),
  lastMessageAt: Timestamp,
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const TicketView = /* @__PURE__ */ z.lazy(() => z.object(ticketShape()));
export const TicketMessageView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: z.string(),
    ticketId: z.string(),
    author: ActorView,
    body: z.string(),
    internal: z.boolean(),
    at: Timestamp,
    attachments: z.array(AttachmentView).optional(),
  }),
);
export const TicketThreadView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    ...ticketShape(),
    messages: z
      .array(TicketMessageView)
      .describe('Oldest first; internal notes only for the vendor’s agents'),
  }),
);
export const TicketStatsView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    new: z.number().int(),
    open: z.number().int(),
    pending: z.number().int(),
    closed: z.number().int(),
  }),
);
export type TicketStats = Record<TicketStatus, number>;

export interface TicketFilter {
  requesterId?: string;
  status?: TicketStatus;
  q?: string;
  projectIn?: readonly string[];
}

/** An e-mail taken in: its Message-ID (hashed) marks it done in the transaction of its effect. */
export interface MailMark {
  messageIdHash: string;
  now: Date;
}

export interface TicketStore {
  nextNumber(): Promise<number>;
  /**
   * The ticket, its number, its first message, the status counters and the audit event: one
   * transaction. With `mail`, a second delivery of that e-mail fails with ALREADY_EXISTS.
   */
  open(ticket: Ticket, message: TicketMessage, event: AuditEvent, mail?: MailMark): Promise<void>;
  get(ticketId: string): Promise<Ticket | undefined>;
  /** The id of the ticket with this number (`T000042`). */
  byNumber(number: string): Promise<string | undefined>;
  /** Records an e-mail that was refused (spam, virus) so it is audited once and never taken in. */
  refuseMail(mail: MailMark, event: AuditEvent): Promise<void>;
  /** The whole thread, oldest first (bounded by the ticket's message count). */
  messages(ticketId: string): Promise<TicketMessage[]>;
  message(ref: MessageRef): Promise<TicketMessage | undefined>;
  /** Writes the change under the version it was read at; counters follow a status change. */
  change(
    before: Ticket,
    after: Ticket,
    event: AuditEvent,
    also?: {
      message?: TicketMessage;
      /** The requester's e-mail about an agent's reply, queued with it (the outbox). */
      notice?: Notice;
      mail?: MailMark;
    },
  ): Promise<void>;
  listForCustomer(
    customerId: string,
    filter: TicketFilter,
    page: { limit: number; cursor?: string },
  ): Promise<Page<Ticket>>;
  queue(
    filter: { status: TicketStatus; service?: string; assigneeId?: string; triage?: boolean },
    page: { limit: number; cursor?: string },
  ): Promise<Page<Ticket>>;
  stats(customerId: string, requesterId?: string): Promise<TicketStats>;
}

export interface TicketDeps {
  tickets: TicketStore;
  /** Where attachments' bytes live. */
  files: FileStore;
  customers: { get(id: string): Promise<{ supportServices?: string[] } | undefined> };
  projects: { get(customerId: string, projectId: string): Promise<unknown> };
  people: {
    get(personId: string): Promise<{ email: string; role: string; status: string } | undefined>;
  };
}

export const formatTicketNumber = (n: number) => `T${String(n).padStart(6, '0')}`;

const ref = (t: Ticket) => ({
  type: 'ticket' as const,
  id: t.id,
  ...(t.customerId ? { customerId: t.customerId } : {}),
});

const invalid = (path: string, message: string) =>
  new DomainError('VALIDATION_FAILED', message, { errors: [{ path, message }] });

/** The vendor's agents: staff who may manage tickets. */
const isAgent = (principal: Principal) => can(principal, 'ticket:manage');

const callerId = (principal: Principal) => actorOf(principal).id;

/** Only a user's own tickets exist for them; a company user sees the company's. */
const seesOnlyOwn = (principal: Principal) => roleOf(principal) === 'customer-user';

export const visibleTicket = (principal: Principal, ticket: Ticket | undefined): Ticket => {
  assertCan(principal, 'ticket:read');
  const own = customerScope(principal);
  if (!ticket || (own !== undefined && ticket.customerId !== own)) throw notFound('Ticket');
  assertProjectVisible(principal, ticket.projectId, 'Ticket');
  if (seesOnlyOwn(principal) && ticket.requester.id !== callerId(principal)) {
    throw notFound('Ticket');
  }
  return ticket;
};

const bump = (ctx: ChangeContext, before: Ticket, patch: Partial<Ticket>): Ticket => ({
  ...before,
  ...patch,
  version: before.version + 1,
  updatedAt: ctx.now.toISOString(),
});

export const openTicket = async (
  deps: TicketDeps,
  ctx: ChangeContext,
  customerId: string,
  input: OpenTicketInput,
) => {
  assertCustomerVisible(ctx.principal, customerId);
  assertCan(ctx.principal, 'ticket:write');
  const customer = await deps.customers.get(customerId);
  if (!customer) throw notFound('Customer');
  if (!customer.supportServices?.includes(input.service)) {
    throw invalid('body.service', "Not a service of this customer's support contract");
  }
  if (input.projectId !== undefined) {
    assertProjectVisible(ctx.principal, input.projectId, 'Project');
    if (!(await deps.projects.get(customerId, input.projectId))) {
      throw invalid('body.projectId', 'No such project of this customer');
    }
  } else if (projectScope(ctx.principal) !== undefined) {
    throw invalid('body.projectId', 'Say which of your projects the ticket is about');
  }
  const attachments = await storeFiles(
    deps.files,
    () => ctx.ids.next('att'),
    decodeUploads(input.attachments),
  );
  const requester = actorOf(ctx.principal);
  const person =
    ctx.principal.kind === 'person' ? await deps.people.get(ctx.principal.personId) : undefined;
  return startTicket(
    deps.tickets,
    ctx,
    {
      customerId,
      ...(input.projectId ? { projectId: input.projectId } : {}),
      subject: input.subject,
      service: input.service,
      requester,
      ...(person ? { requesterEmail: person.email } : {}),
    },
    { body: input.body, attachments },
  );
};

/** What a new ticket says beyond what every new ticket has. */
export type NewTicket = Pick<
  Ticket,
  'customerId' | 'projectId' | 'subject' | 'service' | 'channel' | 'requester' | 'requesterEmail'
>;

/**
 * A NEW ticket with its number and first message (by the requester), written with its audit
 * event in one transaction; the portal, the API and e-mail all open tickets here.
 */
export const startTicket = async (
  tickets: Pick<TicketStore, 'nextNumber' | 'open'>,
  ctx: ChangeContext,
  fields: NewTicket,
  first: { body: string; attachments: Attachment[] },
  mail?: MailMark,
): Promise<Ticket> => {
  const at = ctx.now.toISOString();
  const ticket: Ticket = {
    id: ctx.ids.next('tkt'),
    number: formatTicketNumber(await tickets.nextNumber()),
    ...fields,
    status: 'new',
    messageCount: 1,
    lastMessageAt: at,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const message: TicketMessage = {
    id: ctx.ids.next('evt'),
    ticketId: ticket.id,
    author: fields.requester,
    body: first.body,
    internal: false,
    at,
    ...(first.attachments.length > 0 ? { attachments: first.attachments } : {}),
  };
  await tickets.open(
    ticket,
    message,
    auditEvent(ctx, 'ticket.opened', ref(ticket), null, ticket),
    mail,
  );
  return ticket;
};

export const getTicket = async (
  deps: Pick<TicketDeps, 'tickets'>,
  principal: Principal,
  id: string,
) => {
  const ticket = visibleTicket(principal, await deps.tickets.get(id));
  const messages = await deps.tickets.messages(ticket.id);
  const agent = isAgent(principal);
  return { ...ticket, messages: messages.filter((m) => agent || !m.internal) };
};

/** One file of a visible message of a visible ticket: internal notes' files for agents only. */
export const getTicketAttachment = async (
  deps: Pick<TicketDeps, 'tickets' | 'files'>,
  principal: Principal,
  ticketId: string,
  attachmentId: string,
) => {
  const thread = await getTicket(deps, principal, ticketId);
  const attachment = thread.messages
    .flatMap((m) => m.attachments ?? [])
    .find((a) => a.id === attachmentId);
  const content = attachment ? await deps.files.get(attachmentKey(attachment.id)) : undefined;
  if (!attachment || !content) throw notFound('Attachment');
  return { ...attachment, content: Buffer.from(content).toString('base64') };
};

export const postTicketMessage = async (
  deps: Pick<TicketDeps, 'tickets' | 'files'>,
  ctx: ChangeContext,
  ticketId: string,
  input: z.infer<typeof TicketMessageInput>,
) => {
  const before = visibleTicket(ctx.principal, await deps.tickets.get(ticketId));
  assertCan(ctx.principal, 'ticket:write');
  const agent = isAgent(ctx.principal);
  if (!agent && before.requester.id !== callerId(ctx.principal)) {
    throw new DomainError(
      'FORBIDDEN',
      'You may read this ticket; only its requester writes on it.',
    );
  }
  if (input.internal && !agent) {
    throw new DomainError('FORBIDDEN', "Internal notes are for the vendor's agents.");
  }
  const attachments = await storeFiles(
    deps.files,
    () => ctx.ids.next('att'),
    decodeUploads(input.attachments),
  );
  return appendMessage(deps.tickets, ctx, before, {
    author: actorOf(ctx.principal),
    body: input.body,
    internal: input.internal,
    agent,
    attachments,
  });
};

/**
 * Adds a message to a ticket's thread and moves its status: the customer's reply reopens a
 * ticket waiting for them; an agent's first reply opens it. The portal and e-mail share it.
 */
export const appendMessage = async (
  tickets: Pick<TicketStore, 'change'>,
  ctx: ChangeContext,
  before: Ticket,
  reply: {
    author: Actor;
    body: string;
    internal: boolean;
    agent: boolean;
    attachments?: Attachment[];
  },
  mail?: MailMark,
) => {
  const at = ctx.now.toISOString();
  const message: TicketMessage = {
    id: ctx.ids.next('evt'),
    ticketId: before.id,
    author: reply.author,
    body: reply.body,
    internal: reply.internal,
    at,
    ...(reply.attachments?.length ? { attachments: reply.attachments } : {}),
  };
  const { agent } = reply;
  const status: TicketStatus =
    !agent && (before.status === 'pending' || before.status === 'closed')
      ? 'open'
      : agent && !reply.internal && before.status === 'new'
        ? 'open'
        : before.status;
  const after = bump(ctx, before, {
    status,
    messageCount: before.messageCount + 1,
    lastMessageAt: at,
  });
  const action = reply.internal ? 'ticket.noted' : 'ticket.replied';
  const { body: _body, ...audited } = message;
  // An agent's reply reaches the requester by e-mail, sent by the notifications job.
  const notice =
    agent && !reply.internal && before.requesterEmail
      ? ticketReplyNotice(message, ctx.now)
      : undefined;
  await tickets.change(
    before,
    after,
    auditEvent(ctx, action, ref(after), { status: before.status }, { status, message: audited }),
    { message, ...(notice ? { notice } : {}), ...(mail ? { mail } : {}) },
  );
  return message;
};

/** What the reply e-mail says, or nothing when the ticket, the message or an address is gone. */
export const ticketReplyFacts = async (
  tickets: Pick<TicketStore, 'get' | 'message'>,
  ref: MessageRef,
) => {
  const ticket = await tickets.get(ref.ticketId);
  if (!ticket?.requesterEmail) return undefined;
  const message = await tickets.message(ref);
  if (!message || message.internal) return undefined;
  return {
    to: ticket.requesterEmail,
    number: ticket.number,
    subject: ticket.subject,
    reply: message.body,
    ...(ticket.customerId ? { customerId: ticket.customerId } : {}),
  };
};

export const changeTicket = async (
  deps: Pick<TicketDeps, 'tickets' | 'people' | 'customers'>,
  ctx: ChangeContext,
  ticketId: string,
  input: z.infer<typeof ChangeTicketInput>,
) => {
  const before = visibleTicket(ctx.principal, await deps.tickets.get(ticketId));
  assertCan(ctx.principal, 'ticket:manage');
  if (input.assigneeId) {
    const agent = await deps.people.get(input.assigneeId);
    if (!agent || agent.status === 'disabled' || !agent.role.startsWith('vendor-')) {
      throw invalid('body.assigneeId', "Not one of the vendor's agents");
    }
  }
  await assertFiling(deps, before, input);
  // PATCH semantics: an absent field stays, a null assignee is removed.
  const after = bump(ctx, applyPatch(before, input), {});
  await deps.tickets.change(
    before,
    after,
    auditEvent(ctx, 'ticket.changed', ref(after), before, after),
  );
  return after;
};

/**
 * A ticket is filed once, out of triage, under a customer and one of its services; a filed
 * ticket may move to another service of its customer, never to another customer.
 */
const assertFiling = async (
  deps: Pick<TicketDeps, 'customers'>,
  before: Ticket,
  input: z.infer<typeof ChangeTicketInput>,
) => {
  if (input.customerId !== undefined && before.customerId !== undefined) {
    throw invalid('body.customerId', 'The ticket belongs to a customer already');
  }
  if (input.customerId !== undefined && input.service === undefined) {
    throw invalid('body.service', 'Say which service of the customer the ticket is about');
  }
  if (input.service === undefined) return;
  const customerId = input.customerId ?? before.customerId;
  if (customerId === undefined) {
    throw invalid('body.customerId', 'File the ticket under a customer first');
  }
  const customer = await deps.customers.get(customerId);
  if (!customer) throw invalid('body.customerId', 'No such customer');
  if (!customer.supportServices?.includes(input.service)) {
    throw invalid('body.service', "Not a service of this customer's support contract");
  }
};

export const listCustomerTickets = async (
  deps: Pick<TicketDeps, 'tickets'>,
  principal: Principal,
  customerId: string,
  query: z.infer<typeof CustomerTicketsQuery>,
) => {
  assertCustomerVisible(principal, customerId);
  assertCan(principal, 'ticket:read');
  const projects = projectScope(principal);
  const { mine, status, q, ...page } = query;
  return deps.tickets.listForCustomer(
    customerId,
    {
      ...(mine || seesOnlyOwn(principal) ? { requesterId: callerId(principal) } : {}),
      ...(status ? { status } : {}),
      ...(q ? { q } : {}),
      ...(projects ? { projectIn: projects } : {}),
    },
    page,
  );
};

export const ticketQueue = async (
  deps: Pick<TicketDeps, 'tickets'>,
  principal: Principal,
  query: z.infer<typeof TicketQueueQuery>,
) => {
  assertCan(principal, 'ticket:manage');
  const { status, service, assigneeId, triage, ...page } = query;
  return deps.tickets.queue(
    {
      status,
      ...(service ? { service } : {}),
      ...(assigneeId ? { assigneeId } : {}),
      ...(triage !== undefined ? { triage } : {}),
    },
    page,
  );
};

/** The two portal charts: the company's tickets by status, and the caller's own. */
export const ticketStats = async (
  deps: Pick<TicketDeps, 'tickets'>,
  principal: Principal,
  customerId: string,
  query: z.infer<typeof TicketStatsQuery>,
) => {
  assertCustomerVisible(principal, customerId);
  assertCan(principal, 'ticket:read');
  // Company-wide counts span every project: a user, or someone limited, gets their own only.
  const ownOnly = query.mine || seesOnlyOwn(principal) || projectScope(principal) !== undefined;
  return deps.tickets.stats(customerId, ownOnly ? callerId(principal) : undefined);
};
