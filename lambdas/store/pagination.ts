import type { Db } from '../adapters/dynamodb.ts';
import { QueryCommand, type QueryCommandInput } from '../adapters/dynamodb.ts';
import type { Page } from '../domain/common.ts';
import { DomainError } from '../domain/errors.ts';
import * as z from '../domain/zod.ts';
import type { Condition } from './conditions.ts';
import type { Item } from './items.ts';
import { type IndexName, tableDefinition } from './table-definition.ts';

export interface PageRequest {
  tableName: string;
  index?: IndexName;
  partition: string;
  sortPrefix?: string;
  /** Only sort keys below this (e.g. ends before a time); not with `sortPrefix`. */
  sortBelow?: string;
  /** Lower-cased substring matched against the item's `search` attribute. */
  q?: string;
  /** A further condition on non-key attributes (applied after the read, like `q`). */
  filter?: Condition;
  limit: number;
  cursor?: string;
  newestFirst?: boolean;
}

/**
 * A filtered listing that has found something stops after this many reads and hands back a
 * cursor; one that has found nothing reads on to the end, so a page is never empty while a
 * cursor follows it.
 */
const MAX_ROUNDS = 5;
/** Items a filtered read examines per round trip (DynamoDB stops at 1 MB anyway). */
const FILTERED_READ = 250;

const keyNames = (index?: IndexName): { partition: string; sort: string; all: string[] } => {
  const base = [tableDefinition.partitionKey, tableDefinition.sortKey];
  const gsi = tableDefinition.globalSecondaryIndexes.find((i) => i.indexName === index);
  if (!gsi) return { partition: base[0] as string, sort: base[1] as string, all: base };
  return {
    partition: gsi.partitionKey,
    sort: gsi.sortKey,
    all: [...base, gsi.partitionKey, gsi.sortKey],
  };
};

const invalidCursor = () =>
  new DomainError('INVALID_CURSOR', 'The cursor is not one this listing handed out.');

const CursorShape = /* @__PURE__ */ z.lazy(() => z.record(z.string(), z.string()));

/** Cursors are opaque to clients but checked here: a cursor from another listing is refused. */
const decodeCursor = (cursor: string, request: PageRequest): Item => {
  const names = keyNames(request.index);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = CursorShape.safeParse(decoded);
  if (!parsed.success) throw invalidCursor();
  const key = parsed.data;
  const sameKeys =
    Object.keys(key).length === names.all.length &&
    names.all.every((n) => typeof key[n] === 'string');
  const samePartition = key[names.partition] === request.partition;
  const samePrefix =
    request.sortPrefix === undefined || (key[names.sort] ?? '').startsWith(request.sortPrefix);
  const inRange = request.sortBelow === undefined || (key[names.sort] ?? '') < request.sortBelow;
  if (!sameKeys || !samePartition || !samePrefix || !inRange) throw invalidCursor();
  return key;
};

const encodeCursor = (item: Item, index?: IndexName): string => {
  const key = Object.fromEntries(keyNames(index).all.map((n) => [n, item[n]]));
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
};

export const queryPage = async (db: Db, request: PageRequest): Promise<Page<Item>> => {
  const names = keyNames(request.index);
  const values: Record<string, unknown> = { ':partition': request.partition };
  const exprNames: Record<string, string> = { '#partition': names.partition };
  let keyCondition = '#partition = :partition';
  if (request.sortPrefix !== undefined) {
    keyCondition += ' AND begins_with(#sort, :sortPrefix)';
    exprNames['#sort'] = names.sort;
    values[':sortPrefix'] = request.sortPrefix;
  } else if (request.sortBelow !== undefined) {
    keyCondition += ' AND #sort < :sortBelow';
    exprNames['#sort'] = names.sort;
    values[':sortBelow'] = request.sortBelow;
  }
  const filters: string[] = [];
  if (request.q !== undefined) {
    filters.push('contains(#search, :q)');
    exprNames['#search'] = 'search';
    values[':q'] = request.q.toLowerCase();
  }
  if (request.filter) {
    filters.push(request.filter.expression);
    Object.assign(exprNames, request.filter.names);
    Object.assign(values, request.filter.values);
  }
  const filtered = filters.length > 0;
  // DynamoDB rejects redundant parentheses, so wrap parts only when there is more than one.
  const filter = filtered
    ? {
        FilterExpression:
          filters.length === 1 ? filters[0] : filters.map((f) => `(${f})`).join(' AND '),
      }
    : {};

  const items: Item[] = [];
  let startKey = request.cursor ? decodeCursor(request.cursor, request) : undefined;
  for (let round = 0; round < MAX_ROUNDS || items.length === 0; round++) {
    const input: QueryCommandInput = {
      TableName: request.tableName,
      ...(request.index ? { IndexName: request.index } : {}),
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: exprNames,
      ExpressionAttributeValues: values,
      ScanIndexForward: !request.newestFirst,
      // Unfiltered reads fetch exactly what is missing; filtered reads fetch more per round trip.
      Limit: filtered ? FILTERED_READ : request.limit - items.length,
      ...filter,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    const page = await db.send(new QueryCommand(input));
    for (const item of page.Items ?? []) {
      items.push(item);
      if (items.length === request.limit) {
        const last = items[items.length - 1] as Item;
        const more = page.LastEvaluatedKey !== undefined || item !== page.Items?.at(-1);
        return { items, nextCursor: more ? encodeCursor(last, request.index) : null };
      }
    }
    if (!page.LastEvaluatedKey) return { items, nextCursor: null };
    startKey = page.LastEvaluatedKey;
  }
  // Every read item up to startKey was either returned or filtered out, so go on from there.
  return { items, nextCursor: encodeCursor(startKey as Item, request.index) };
};

/**
 * How many items of one partition have a sort key starting with `prefix`, or, given `attribute`,
 * the sum of that number attribute over them: a consistent read of the whole range.
 */
export const countItems = async (
  db: Db,
  tableName: string,
  partition: string,
  prefix: string,
  attribute?: string,
) => {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#sk': 'sk',
          ...(attribute ? { '#summed': attribute } : {}),
        },
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ...(attribute ? { ProjectionExpression: '#summed' } : { Select: 'COUNT' as const }),
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    total += attribute
      ? (out.Items ?? []).reduce((sum, item) => sum + Number(item[attribute] ?? 0), 0)
      : (out.Count ?? 0);
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
};
