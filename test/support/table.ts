import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../bin/local/tables.ts';
import { documentClient } from '../../lambdas/adapters/dynamodb.ts';

/** A fresh table on the shared DynamoDB Local, so test files never see each other's data. */
export const createTestTable = async () => {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `t_${randomBytes(6).toString('hex')}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  await ensureTable(client, tableName);
  return {
    tableName,
    endpoint,
    /** Tessera's own client, as the stores use it. */
    db: documentClient({ endpoint, region: 'us-east-1' }),
    /** The AWS SDK's document client, for tests that look at or bend the table themselves. */
    sdk: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  };
};
