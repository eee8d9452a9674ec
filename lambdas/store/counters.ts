import type { Db } from '../adapters/dynamodb.ts';
import { UpdateCommand } from '../adapters/dynamodb.ts';
import type { PrimaryKey } from './keys.ts';

/** The next value of an atomic counter item (license serials, ticket numbers): 1, 2, 3, … */
export const nextCounterValue = async (
  db: Db,
  tableName: string,
  key: PrimaryKey,
): Promise<number> => {
  const out = await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'ADD #n :one',
      ExpressionAttributeNames: { '#n': 'value' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.value);
};
