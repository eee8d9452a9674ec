import {
  type Db,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '../adapters/dynamodb.ts';
import type { DailyCounter, DayCounts, FullestPools, StatsStore } from '../domain/dashboard.ts';
import { fromItem } from './items.ts';
import { STATS_SHARDS, statsKeys } from './keys.ts';

export const statsStore = (db: Db, tableName: string): StatsStore => ({
  count: async (counter: DailyCounter, at: Date) => {
    const shard = Math.floor(Math.random() * STATS_SHARDS);
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: statsKeys.day(at.toISOString().slice(0, 10), shard),
        UpdateExpression: 'ADD #counter :one SET #type = :type',
        ExpressionAttributeNames: { '#counter': counter, '#type': '_type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'DayCounts' },
      }),
    );
  },

  days: async (from: string, to: string) => {
    const sums = new Map<string, DayCounts>();
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: {
            ':pk': statsKeys.dayPartition,
            ':from': `${from}#`,
            ':to': `${to}#~`,
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const date = String(item.sk).slice(0, 10);
        const day = sums.get(date) ?? { date, activations: 0, refusedCheckouts: 0 };
        day.activations += Number(item.activations ?? 0);
        day.refusedCheckouts += Number(item.refusedCheckouts ?? 0);
        sums.set(date, day);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return [...sums.values()];
  },

  saveFullestPools: async (snapshot: FullestPools) => {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...statsKeys.fullestPools(), _type: 'FullestPools', ...snapshot },
      }),
    );
  },

  fullestPools: async () => {
    const out = await db.send(
      new GetCommand({ TableName: tableName, Key: statsKeys.fullestPools() }),
    );
    return out.Item ? fromItem<FullestPools>(out.Item) : undefined;
  },
});
