import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../bin/local/tables.ts';
import { documentClient } from '../../lambdas/adapters/dynamodb.ts';

/** A fresh table on the shared DynamoDB Local, so test files never see each other's data. */
export const createTestTable = async () => {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `t_${randomBytes(6).toString('hex')}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  await ensureTable(client, tableName);
  client.destroy();
  return { tableName, endpoint, db: documentClient({ endpoint, region: 'us-east-1' }) };
};
