import type { Db } from '../adapters/dynamodb.ts';
import { QueryCommand } from '../adapters/dynamodb.ts';
import type { PrimaryKey } from './keys.ts';

/** One entry of a job queue (gsi3, keys only): the item's key and its place in the queue. */
export interface QueueEntry extends PrimaryKey {
  gsi3sk: string;
}

export interface QueueRange {
  /** Only entries whose sort key is below this (e.g. an ISO time: "due before now"). */
  below?: string;
  /** Only entries whose sort key is at or above this. */
  from?: string;
}

/**
 * Reads a job queue in order, one page at a time, so a job can stop at its deadline and let the
 * next run start from the head of the queue again (done entries have left the queue by then).
 */
export const queueReader = (db: Db, tableName: string) => ({
  async *entries(partition: string, range: QueueRange = {}, pageSize = 100) {
    let start: Record<string, unknown> | undefined;
    const conditions = ['#pk = :pk'];
    const values: Record<string, unknown> = { ':pk': partition };
    if (range.from !== undefined && range.below !== undefined) {
      conditions.push('#sk BETWEEN :from AND :below');
      values[':from'] = range.from;
      values[':below'] = range.below;
    } else if (range.below !== undefined) {
      conditions.push('#sk < :below');
      values[':below'] = range.below;
    } else if (range.from !== undefined) {
      conditions.push('#sk >= :from');
      values[':from'] = range.from;
    }
    do {
      const out = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: {
            '#pk': 'gsi3pk',
            ...(conditions.length > 1 ? { '#sk': 'gsi3sk' } : {}),
          },
          ExpressionAttributeValues: values,
          Limit: pageSize,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const entry: QueueEntry = {
          pk: String(item.pk),
          sk: String(item.sk),
          gsi3sk: String(item.gsi3sk),
        };
        // BETWEEN includes its upper bound; "below" means strictly below.
        if (range.below !== undefined && entry.gsi3sk >= range.below) continue;
        yield entry;
      }
      start = out.LastEvaluatedKey;
    } while (start);
  },
});

export type QueueReader = ReturnType<typeof queueReader>;
