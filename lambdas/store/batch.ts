import type { Db } from '../adapters/dynamodb.ts';
import { BatchGetCommand } from '../adapters/dynamodb.ts';
import type { Item } from './items.ts';
import type { PrimaryKey } from './keys.ts';

/** DynamoDB takes at most this many keys per BatchGetItem. */
const BATCH = 100;
const ATTEMPTS = 5;

/**
 * Reads items by key in as few round trips as DynamoDB allows, consistently, and retries the keys
 * it leaves unprocessed (under throttling) with a short back-off. Missing items are absent.
 */
export const batchGet = async (
  db: Db,
  tableName: string,
  keys: readonly PrimaryKey[],
): Promise<Item[]> => {
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const found: Item[] = [];
  for (let i = 0; i < unique.length; i += BATCH) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= ATTEMPTS) throw new Error('DynamoDB left keys unprocessed; retry later');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      found.push(...((out.Responses?.[tableName] ?? []) as Item[]));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
};
