import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { searchText } from '../domain/common.ts';
import type { Customer, CustomerStore } from '../domain/customers.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type { Project } from '../domain/projects.ts';
import { auditWrite } from './audit.ts';
import { absent, all, counterIs, exists, versionIs } from './conditions.ts';
import { noneCounted } from './customer-counters.ts';
import { fromItem, replaceFields, toItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { projectItem } from './projects.ts';
import { transact, type Write } from './transact.ts';

/** The contact lookup follows the customer's contact e-mail, in the customer's transactions. */
const contactWrites = (before: Customer | undefined, after: Customer | undefined): Write[] => {
  const was = before?.contactEmail?.toLowerCase();
  const is = after?.contactEmail?.toLowerCase();
  if (was === is) return [];
  return [
    ...(before && was ? [{ remove: keys.contact(was, before.id) }] : []),
    ...(after && is
      ? [{ put: toItem('customer-contact', keys.contact(is, after.id), { customerId: after.id }) }]
      : []),
  ];
};

export const customerItem = (c: Customer) =>
  toItem(
    'customer',
    { ...keys.customer(c.id), ...keys.customerList(c.name.toLowerCase(), c.id) },
    c,
    {
      search: searchText(c.name, c.externalRef, c.contactEmail, c.id),
    },
  );

/** Maintained by the transactions that create and delete projects and tokens, and that request and decide trials. */
const customerCounters = ['projectCount', 'tokenCount', 'pendingTrialCount'] as const;

const changedMeanwhile = (old: unknown) =>
  old
    ? new DomainError('CONCURRENT_MODIFICATION', 'The customer changed meanwhile; retry.')
    : notFound('Customer');

export const customerStore = (db: Db, tableName: string): CustomerStore => ({
  create: (customer, project, events) =>
    transact(db, tableName, [
      { put: customerItem(customer), condition: absent },
      { put: projectItem(project), condition: absent },
      ...contactWrites(undefined, customer),
      ...events.map(auditWrite),
    ]),

  byContact: async (email) => {
    const page = await queryPage(db, {
      tableName,
      partition: keys.contactPartition(email),
      limit: 10,
    });
    return page.items.map((i) => String(i.customerId));
  },

  get: async (customerId) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.customer(customerId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<Customer>(out.Item) : undefined;
  },

  list: async ({ limit, cursor, q }) => {
    const page = await queryPage(db, {
      tableName,
      index: 'gsi1',
      partition: keys.customerListPartition,
      limit,
      ...(cursor ? { cursor } : {}),
      ...(q ? { q } : {}),
    });
    return { items: page.items.map((i) => fromItem<Customer>(i)), nextCursor: page.nextCursor };
  },

  replace: (before, after, event) =>
    transact(db, tableName, [
      {
        update: keys.customer(before.id),
        set: replaceFields(customerItem(before), customerItem(after), customerCounters),
        condition: all(exists, versionIs(before.version)),
        onConflict: changedMeanwhile,
      },
      ...contactWrites(before, after),
      auditWrite(event),
    ]),

  remove: (customer, project: Project, events) =>
    transact(db, tableName, [
      {
        remove: keys.customer(customer.id),
        condition: all(
          exists,
          versionIs(customer.version),
          counterIs('projectCount', 1),
          noneCounted('tokenCount'),
          noneCounted('pendingTrialCount'),
        ),
        onConflict: (old) => {
          if (!old) return notFound('Customer');
          if (
            old.projectCount !== 1 ||
            (old.tokenCount ?? 0) !== 0 ||
            Number(old.pendingTrialCount ?? 0) > 0
          ) {
            return new DomainError(
              'HAS_DEPENDENTS',
              'The customer gained projects, tokens or trial requests meanwhile.',
              { pendingTrialCount: Number(old.pendingTrialCount ?? 0) },
            );
          }
          return changedMeanwhile(old);
        },
      },
      {
        remove: keys.project(customer.id, project.id),
        condition: all(exists, counterIs('licenseCount', 0)),
        onConflict: () => new DomainError('HAS_DEPENDENTS', 'The default project holds licenses.'),
      },
      ...contactWrites(customer, undefined),
      ...events.map(auditWrite),
    ]),
});
