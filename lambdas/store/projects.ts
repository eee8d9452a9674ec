import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { searchText } from '../domain/common.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type { Project, ProjectStore } from '../domain/projects.ts';
import { auditWrite } from './audit.ts';
import { absent, all, attributeIn, counterIs, exists, versionIs } from './conditions.ts';
import { fromItem, replaceFields, toItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { transact, type Write } from './transact.ts';

export const projectItem = (p: Project) =>
  toItem('project', keys.project(p.customerId, p.id), p, { search: searchText(p.name, p.id) });

const changedMeanwhile = (old: unknown) =>
  old
    ? new DomainError('CONCURRENT_MODIFICATION', 'The project changed meanwhile; retry.')
    : notFound('Project');

const countProjects = (customerId: string, delta: 1 | -1) => ({
  update: keys.customer(customerId),
  set: {
    expression: 'SET #projectCount = #projectCount + :delta',
    names: { '#projectCount': 'projectCount' },
    values: { ':delta': delta },
  },
  condition: exists,
  onConflict: () => notFound('Customer'),
});

/**
 * Checks, inside a transaction, that each project exists under the customer: rights per project
 * can only name the customer's own projects, even if one is deleted meanwhile.
 */
export const projectsExist = (customerId: string, projectIds: readonly string[]): Write[] =>
  projectIds.map((projectId) => ({
    check: keys.project(customerId, projectId),
    condition: exists,
    onConflict: () =>
      new DomainError('VALIDATION_FAILED', `No project ${projectId} of this customer.`, {
        errors: [{ path: 'body.projectIds', message: `No project ${projectId} of this customer` }],
      }),
  }));

export const projectStore = (db: Db, tableName: string): ProjectStore => ({
  create: (project, event) =>
    transact(db, tableName, [
      countProjects(project.customerId, 1),
      { put: projectItem(project), condition: absent },
      auditWrite(event),
    ]),

  get: async (customerId, projectId) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.project(customerId, projectId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<Project>(out.Item) : undefined;
  },

  list: async (customerId, { limit, cursor, q, idIn }) => {
    const page = await queryPage(db, {
      tableName,
      partition: keys.projectPartition(customerId),
      sortPrefix: keys.projectSortPrefix,
      ...(idIn ? { filter: attributeIn('id', idIn) } : {}),
      limit,
      ...(cursor ? { cursor } : {}),
      ...(q ? { q } : {}),
    });
    return { items: page.items.map((i) => fromItem<Project>(i)), nextCursor: page.nextCursor };
  },

  replace: (before, after, event) =>
    transact(db, tableName, [
      {
        update: keys.project(before.customerId, before.id),
        set: replaceFields(projectItem(before), projectItem(after), ['licenseCount']),
        condition: all(exists, versionIs(before.version)),
        onConflict: changedMeanwhile,
      },
      auditWrite(event),
    ]),

  remove: (project, event) =>
    transact(db, tableName, [
      {
        remove: keys.project(project.customerId, project.id),
        condition: all(exists, versionIs(project.version), counterIs('licenseCount', 0)),
        onConflict: (old) => {
          if (!old) return notFound('Project');
          if (old.licenseCount !== 0)
            return new DomainError('HAS_DEPENDENTS', 'The project gained licenses meanwhile.');
          return changedMeanwhile(old);
        },
      },
      countProjects(project.customerId, -1),
      auditWrite(event),
    ]),

  customerExists: async (customerId) => {
    const out = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.customer(customerId),
        ProjectionExpression: 'pk',
      }),
    );
    return out.Item !== undefined;
  },
});
