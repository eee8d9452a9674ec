import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { searchText } from '../domain/common.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type {
  Ticket,
  TicketMessage,
  TicketStats,
  TicketStatus,
  TicketStore,
} from '../domain/tickets.ts';
import { auditWrite } from './audit.ts';
import {
  absent,
  all,
  attributeIn,
  attributeIs,
  attributeSet,
  attributeUnset,
  type Condition,
  exists,
  versionIs,
} from './conditions.ts';
import { nextCounterValue } from './counters.ts';
import { fromItem, type Item, toItem } from './items.ts';
import { ticketKeys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { transact, type Write } from './transact.ts';
import { noticeItem } from './upkeep.ts';

const ticketItem = (t: Ticket) =>
  toItem(
    'ticket',
    {
      ...ticketKeys.ticket(t.id),
      // A ticket waiting for triage is in no customer's list until an agent files it.
      ...(t.customerId ? ticketKeys.customerList(t.customerId, t.createdAt, t.id) : {}),
      ...ticketKeys.queue(t.status, t.updatedAt, t.id),
    },
    t,
    { search: searchText(t.number, t.subject) },
  );

const numberItem = (t: Ticket) =>
  toItem('ticket-number', ticketKeys.byNumber(t.number), { ticketId: t.id });

/** Marks an e-mail as taken in, in the transaction of what it did; a second delivery fails it. */
const mailSeenWrite = (messageIdHash: string, now: Date): Write => ({
  put: toItem(
    'mail-seen',
    ticketKeys.mailSeen(messageIdHash),
    { at: now.toISOString() },
    // Redeliveries come within hours; the marker outlives them by far, then goes.
    { ttl: Math.floor(now.getTime() / 1000) + MAIL_SEEN_SECONDS },
  ),
  condition: absent,
  onConflict: () => new DomainError('ALREADY_EXISTS', 'This e-mail was taken in already.'),
});
const MAIL_SEEN_SECONDS = 90 * 24 * 3600;

const messageItem = (m: TicketMessage) =>
  toItem('ticket-message', ticketKeys.message(m.ticketId, m.at, m.id), m);

/** Moves one ticket between status counts, for the company and for its requester. */
const count = (t: Ticket, from: TicketStatus | undefined, to: TicketStatus): Write[] =>
  (t.customerId
    ? [ticketKeys.stats(t.customerId), ticketKeys.stats(t.customerId, t.requester.id)]
    : []
  ).map((key) => ({
    update: key,
    set: {
      expression: from ? 'ADD #from :down, #to :up' : 'ADD #to :up',
      names: { ...(from ? { '#from': from } : {}), '#to': to },
      values: { ...(from ? { ':down': -1 } : {}), ':up': 1 },
    },
  }));

const ticketsOf = (page: { items: Item[]; nextCursor: string | null }) => ({
  items: page.items.map((i) => fromItem<Ticket>(i)),
  nextCursor: page.nextCursor,
});

export const ticketStore = (db: Db, tableName: string): TicketStore => ({
  nextNumber: () => nextCounterValue(db, tableName, ticketKeys.numberCounter),

  open: (ticket, message, event, mail) =>
    transact(db, tableName, [
      { put: ticketItem(ticket), condition: absent },
      { put: numberItem(ticket), condition: absent },
      { put: messageItem(message), condition: absent },
      ...count(ticket, undefined, ticket.status),
      ...(mail ? [mailSeenWrite(mail.messageIdHash, mail.now)] : []),
      auditWrite(event),
    ]),

  byNumber: async (number) => {
    const out = await db.send(
      new GetCommand({ TableName: tableName, Key: ticketKeys.byNumber(number) }),
    );
    return typeof out.Item?.ticketId === 'string' ? out.Item.ticketId : undefined;
  },

  refuseMail: (mail, event) =>
    transact(db, tableName, [mailSeenWrite(mail.messageIdHash, mail.now), auditWrite(event)]),

  get: async (ticketId) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: ticketKeys.ticket(ticketId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<Ticket>(out.Item) : undefined;
  },

  messages: async (ticketId) => {
    const messages: TicketMessage[] = [];
    let cursor: string | undefined;
    do {
      const page = await queryPage(db, {
        tableName,
        partition: ticketKeys.partition(ticketId),
        sortPrefix: ticketKeys.messagePrefix,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      messages.push(...page.items.map((i) => fromItem<TicketMessage>(i)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return messages;
  },

  message: async ({ ticketId, at, id }) => {
    const out = await db.send(
      new GetCommand({ TableName: tableName, Key: ticketKeys.message(ticketId, at, id) }),
    );
    return out.Item ? fromItem<TicketMessage>(out.Item) : undefined;
  },

  change: (before, after, event, { message, notice, mail } = {}) =>
    transact(db, tableName, [
      {
        put: ticketItem(after),
        condition: all(exists, versionIs(before.version)),
        onConflict: (old) =>
          old
            ? new DomainError('CONCURRENT_MODIFICATION', 'The ticket changed meanwhile; retry.')
            : notFound('Ticket'),
      },
      ...(message ? [{ put: messageItem(message), condition: absent }] : []),
      ...(notice ? [{ put: noticeItem(notice), condition: absent }] : []),
      ...statusCounts(before, after),
      ...(mail ? [mailSeenWrite(mail.messageIdHash, mail.now)] : []),
      auditWrite(event),
    ]),

  listForCustomer: async (customerId, filter, { limit, cursor }) => {
    const conditions = [
      filter.requesterId ? requestedBy(filter.requesterId) : undefined,
      filter.status ? attributeIs('status', filter.status) : undefined,
      filter.projectIn ? attributeIn('projectId', filter.projectIn) : undefined,
    ].filter((c): c is Condition => c !== undefined);
    return ticketsOf(
      await queryPage(db, {
        tableName,
        index: 'gsi2',
        partition: ticketKeys.customerListPartition(customerId),
        newestFirst: true,
        limit,
        ...(conditions.length > 0 ? { filter: all(...conditions) } : {}),
        ...(filter.q ? { q: filter.q } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
  },

  queue: async ({ status, service, assigneeId, triage }, { limit, cursor }) => {
    const conditions = [
      service ? attributeIs('service', service) : undefined,
      assigneeId ? attributeIs('assigneeId', assigneeId) : undefined,
      // A ticket waiting for triage has no customer yet.
      triage === undefined
        ? undefined
        : triage
          ? attributeUnset('customerId')
          : attributeSet('customerId'),
    ].filter((c): c is Condition => c !== undefined);
    return ticketsOf(
      await queryPage(db, {
        tableName,
        index: 'gsi1',
        partition: ticketKeys.queuePartition(status),
        newestFirst: true,
        limit,
        ...(conditions.length > 0 ? { filter: all(...conditions) } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
  },

  stats: async (customerId, requesterId) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: ticketKeys.stats(customerId, requesterId),
        ConsistentRead: true,
      }),
    );
    const n = (status: TicketStatus) => Number(out.Item?.[status] ?? 0);
    return {
      new: n('new'),
      open: n('open'),
      pending: n('pending'),
      closed: n('closed'),
    } satisfies TicketStats;
  },
});

/**
 * The counts a change moves: a ticket filed out of triage enters its customer's counts; a filed
 * ticket moves between them when its status changes.
 */
const statusCounts = (before: Ticket, after: Ticket): Write[] => {
  if (!before.customerId) return count(after, undefined, after.status);
  return after.status !== before.status ? count(after, before.status, after.status) : [];
};

/** A ticket opened by this caller: the requester's id, a nested attribute. */
const requestedBy = (id: string): Condition => ({
  expression: '#requester.#id = :requesterId',
  names: { '#requester': 'requester', '#id': 'id' },
  values: { ':requesterId': id },
});
