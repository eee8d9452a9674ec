import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Db } from '../adapters/dynamodb.ts';
import {
  TransactionCanceledException,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '../adapters/dynamodb.ts';
import { DomainError } from '../domain/errors.ts';
import { type Condition, toParams } from './conditions.ts';
import type { Item } from './items.ts';
import type { PrimaryKey } from './keys.ts';

/**
 * One write of a transaction. `onConflict` turns a failed condition into the domain error the
 * caller should see, given the item as it was (ALL_OLD), so a lost race is a 409 or a 404,
 * never a silent overwrite.
 */
export type Write =
  | { put: Item; condition?: Condition; onConflict?: Conflict }
  | { remove: PrimaryKey; condition?: Condition; onConflict?: Conflict }
  | { update: PrimaryKey; set: UpdateExpression; condition?: Condition; onConflict?: Conflict }
  | { check: PrimaryKey; condition: Condition; onConflict?: Conflict };

export type Conflict = (old: Item | undefined) => DomainError;

export interface UpdateExpression {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

const concurrent = () =>
  new DomainError('CONCURRENT_MODIFICATION', 'Someone else changed this at the same time; retry.');

const conditionParams = (condition: Condition | undefined, extra?: UpdateExpression) => {
  const names = { ...condition?.names, ...extra?.names };
  const values = { ...condition?.values, ...extra?.values };
  return {
    ...(condition ? { ConditionExpression: condition.expression } : {}),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
};

const toTransactItem = (tableName: string, write: Write) => {
  if ('put' in write) {
    return { Put: { TableName: tableName, Item: write.put, ...conditionParams(write.condition) } };
  }
  if ('remove' in write) {
    return {
      Delete: { TableName: tableName, Key: write.remove, ...conditionParams(write.condition) },
    };
  }
  if ('update' in write) {
    return {
      Update: {
        TableName: tableName,
        Key: write.update,
        UpdateExpression: write.set.expression,
        ...conditionParams(write.condition, write.set),
      },
    };
  }
  return {
    ConditionCheck: { TableName: tableName, Key: write.check, ...toParams(write.condition) },
  };
};

export const transact = async (db: Db, tableName: string, writes: Write[]): Promise<void> => {
  const input: TransactWriteCommandInput = {
    TransactItems: writes.map((w) => toTransactItem(tableName, w)),
  };
  try {
    await db.send(new TransactWriteCommand(input));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    for (const [index, reason] of reasons.entries()) {
      if (reason.Code === 'ConditionalCheckFailed') {
        const write = writes[index];
        // The document client does not unmarshall cancellation reasons; do it here.
        const old = reason.Item ? (unmarshall(reason.Item as never) as Item) : undefined;
        throw write?.onConflict ? write.onConflict(old) : concurrent();
      }
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict')) throw concurrent();
    throw error;
  }
};
