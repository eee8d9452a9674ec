import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { type PeopleStore, type Person, subjectsOf } from '../domain/people.ts';
import { auditWrite } from './audit.ts';
import { absent, all, exists, versionIs } from './conditions.ts';
import { fromItem, replaceFields, toItem } from './items.ts';
import { personKeys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { projectsExist } from './projects.ts';
import { transact } from './transact.ts';

const personItem = (p: Person) =>
  toItem(
    'person',
    {
      ...personKeys.person(p.id),
      ...personKeys.list(p.createdAt, p.id),
      ...(p.customerId ? personKeys.customerList(p.customerId, p.createdAt, p.id) : {}),
    },
    p,
  );

/** Rights per project name only the person's customer's existing projects. */
const projectChecks = (person: Person) =>
  person.customerId && person.projectIds ? projectsExist(person.customerId, person.projectIds) : [];

const changedMeanwhile = (old: unknown) =>
  old
    ? new DomainError('CONCURRENT_MODIFICATION', 'The person changed meanwhile; reload.')
    : notFound('Person');

export const peopleStore = (db: Db, tableName: string): PeopleStore => {
  const get = async (key: Record<string, string>) => {
    const out = await db.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  };
  const byClaim = async (key: Record<string, string>) => {
    const claim = await get(key);
    if (typeof claim?.personId !== 'string') return undefined;
    const item = await get(personKeys.person(claim.personId));
    return item ? fromItem<Person>(item) : undefined;
  };
  return {
    create: (person, event) =>
      transact(db, tableName, [
        { put: personItem(person), condition: absent },
        ...projectChecks(person),
        {
          put: toItem('person-email', personKeys.email(person.email), { personId: person.id }),
          condition: absent,
          onConflict: () =>
            new DomainError('ALREADY_EXISTS', 'Someone with this e-mail is already invited.'),
        },
        {
          put: toItem('person-subject', personKeys.subject(person.subject), {
            personId: person.id,
          }),
          condition: absent,
          onConflict: () =>
            new DomainError('ALREADY_EXISTS', 'This account already belongs to someone.'),
        },
        auditWrite(event),
      ]),

    get: async (personId) => {
      const item = await get(personKeys.person(personId));
      return item ? fromItem<Person>(item) : undefined;
    },
    byEmail: (email) => byClaim(personKeys.email(email)),
    bySubject: (subject) => byClaim(personKeys.subject(subject)),

    list: async (scope, { limit, cursor }) => {
      const page = await queryPage(db, {
        tableName,
        ...(scope.customerId
          ? {
              index: 'gsi2' as const,
              partition: personKeys.customerListPartition(scope.customerId),
            }
          : { index: 'gsi1' as const, partition: personKeys.listPartition }),
        limit,
        newestFirst: true,
        ...(cursor ? { cursor } : {}),
      });
      return { items: page.items.map((i) => fromItem<Person>(i)), nextCursor: page.nextCursor };
    },

    replace: (before, after, event) =>
      transact(db, tableName, [
        {
          update: personKeys.person(before.id),
          set: replaceFields(personItem(before), personItem(after)),
          condition: all(exists, versionIs(before.version)),
          onConflict: changedMeanwhile,
        },
        ...(after.projectIds !== before.projectIds ? projectChecks(after) : []),
        ...(event ? [auditWrite(event)] : []),
      ]),

    link: (before, after, { claimed, released }, event) =>
      transact(db, tableName, [
        {
          update: personKeys.person(before.id),
          set: replaceFields(personItem(before), personItem(after)),
          condition: all(exists, versionIs(before.version)),
          onConflict: changedMeanwhile,
        },
        {
          put: toItem('person-subject', personKeys.subject(claimed), { personId: before.id }),
          condition: absent,
          onConflict: () =>
            new DomainError('ALREADY_EXISTS', 'This account already belongs to someone.'),
        },
        ...(released ? [{ remove: personKeys.subject(released) }] : []),
        auditWrite(event),
      ]),

    remove: (person, event) =>
      transact(db, tableName, [
        {
          remove: personKeys.person(person.id),
          condition: all(exists, versionIs(person.version)),
          onConflict: changedMeanwhile,
        },
        { remove: personKeys.email(person.email) },
        ...subjectsOf(person).map((subject) => ({ remove: personKeys.subject(subject) })),
        auditWrite(event),
      ]),
  };
};
