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
      ...ticketKeys.customerList(t.customerId, t.createdAt, t.id),
      ...ticketKeys.queue(t.status, t.updatedAt, t.id),
    },
    t,
    { search: searchText(t.number, t.subject) },
  );

const messageItem = (m: TicketMessage) =>
  toItem('ticket-message', ticketKeys.message(m.ticketId, m.at, m.id), m);

/** Moves one ticket between status counts, for the company and for its requester. */
const count = (t: Ticket, from: TicketStatus | undefined, to: TicketStatus): Write[] =>
  [ticketKeys.stats(t.customerId), ticketKeys.stats(t.customerId, t.requester.id)].map((key) => ({
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

  open: (ticket, message, event) =>
    transact(db, tableName, [
      { put: ticketItem(ticket), condition: absent },
      { put: messageItem(message), condition: absent },
      ...count(ticket, undefined, ticket.status),
      auditWrite(event),
    ]),

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

  change: (before, after, event, message, notice) =>
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
      ...(after.status !== before.status ? count(after, before.status, after.status) : []),
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

  queue: async ({ status, service, assigneeId }, { limit, cursor }) => {
    const conditions = [
      service ? attributeIs('service', service) : undefined,
      assigneeId ? attributeIs('assigneeId', assigneeId) : undefined,
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

/** A ticket opened by this caller: the requester's id, a nested attribute. */
const requestedBy = (id: string): Condition => ({
  expression: '#requester.#id = :requesterId',
  names: { '#requester': 'requester', '#id': 'id' },
  values: { ':requesterId': id },
});
