import { type Db, PutCommand, QueryCommand } from '../adapters/dynamodb.ts';
import type { JobRun, JobRunStore } from '../domain/job-runs.ts';
import { fromItem } from './items.ts';
import { jobRunKeys } from './keys.ts';

/** One item per job under one partition: a handful of items, read in one query. */
export const jobRunStore = (db: Db, tableName: string): JobRunStore => ({
  record: async (run) => {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...jobRunKeys.run(run.job), _type: 'JobRun', ...run },
      }),
    );
  },
  all: async () => {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': jobRunKeys.partition },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => fromItem<JobRun>(item));
  },
});
