import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { sha256Hex } from '../adapters/hash.ts';
import { type Assignment, type AssignmentStore, userKey } from '../domain/assignments.ts';
import { DomainError } from '../domain/errors.ts';
import { auditWrite } from './audit.ts';
import { absent, all, type Condition, exists } from './conditions.ts';
import { fromItem, toItem } from './items.ts';
import { assignmentKeys, poolKeys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { poolStore } from './pools.ts';
import { transact } from './transact.ts';

const keyOf = (projectId: string, productCode: string, userId: string) =>
  assignmentKeys.assignment(projectId, productCode, sha256Hex(userKey(userId)));

const assignedBelow = (limit: number, licensesVersion: number): Condition => ({
  expression:
    '(attribute_not_exists(#assigned) OR #assigned < :limit) AND #licensesVersion = :licensesVersion',
  names: { '#assigned': 'assigned', '#licensesVersion': 'licensesVersion' },
  values: { ':limit': limit, ':licensesVersion': licensesVersion },
});

/** Named seats: the assignment items sit in the pool's partition, keyed by the user's hash. */
export const assignmentStore = (db: Db, tableName: string): AssignmentStore => {
  const pools = poolStore(db, tableName);
  return {
    pool: (projectId, productCode) => pools.get(projectId, productCode),

    get: async (projectId, productCode, userId) => {
      const out = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: keyOf(projectId, productCode, userId),
          ConsistentRead: true,
        }),
      );
      return out.Item ? fromItem<Assignment>(out.Item) : undefined;
    },

    assign: (assignment, limit, licensesVersion, event) =>
      transact(db, tableName, [
        {
          update: poolKeys.pool(assignment.projectId, assignment.productCode),
          set: {
            expression:
              'SET #assigned = if_not_exists(#assigned, :zero) + :one, ' +
              '#assignVersion = if_not_exists(#assignVersion, :zero) + :one',
            names: { '#assigned': 'assigned', '#assignVersion': 'assignVersion' },
            values: { ':zero': 0, ':one': 1 },
          },
          condition: all(exists, assignedBelow(limit, licensesVersion)),
          onConflict: (old) =>
            old && Number(old.licensesVersion) === licensesVersion
              ? new DomainError('POOL_FULL', 'Every named seat of this pool is assigned.', {
                  used: Number(old.assigned ?? 0),
                  limit,
                })
              : new DomainError('CONCURRENT_MODIFICATION', 'The pool’s licenses changed; retry.'),
        },
        {
          put: toItem(
            'assignment',
            keyOf(assignment.projectId, assignment.productCode, assignment.userId),
            assignment,
          ),
          condition: absent,
          onConflict: () => new DomainError('ALREADY_EXISTS', 'This user holds a seat already.'),
        },
        auditWrite(event),
      ]),

    unassign: async (assignment, event) => {
      try {
        await transact(db, tableName, [
          {
            remove: keyOf(assignment.projectId, assignment.productCode, assignment.userId),
            condition: exists,
            onConflict: () => new DomainError('NOT_FOUND', 'The assignment is gone.'),
          },
          {
            update: poolKeys.pool(assignment.projectId, assignment.productCode),
            set: {
              expression:
                'SET #assigned = #assigned - :one, #assignVersion = if_not_exists(#assignVersion, :zero) + :one',
              names: { '#assigned': 'assigned', '#assignVersion': 'assignVersion' },
              values: { ':zero': 0, ':one': 1 },
            },
            condition: {
              expression: '#assigned > :zero',
              names: { '#assigned': 'assigned' },
              values: { ':zero': 0 },
            },
          },
          auditWrite(event),
        ]);
        return true;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'NOT_FOUND') return false;
        throw error;
      }
    },

    list: async (projectId, productCode, page) => {
      const result = await queryPage(db, {
        tableName,
        partition: poolKeys.pool(projectId, productCode).pk,
        sortPrefix: assignmentKeys.sortPrefix,
        limit: page.limit,
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
      return {
        items: result.items.map((i) => fromItem<Assignment>(i)),
        nextCursor: result.nextCursor,
      };
    },
  };
};
