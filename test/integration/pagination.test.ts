import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryPage } from '../../lambdas/store/pagination.ts';
import { createTestTable } from '../support/table.ts';

/** A filtered listing reads on until it finds something: no empty page ever comes with a cursor. */
let table: Awaited<ReturnType<typeof createTestTable>>;
const PARTITION = 'TEST#SPARSE';
const COUNT = 1_400;

beforeAll(async () => {
  table = await createTestTable();
  const items = Array.from({ length: COUNT }, (_, i) => ({
    pk: PARTITION,
    sk: `ITEM#${String(i).padStart(5, '0')}`,
    colour: i === COUNT - 1 ? 'red' : 'grey',
  }));
  for (let i = 0; i < items.length; i += 25) {
    await table.sdk.send(
      new BatchWriteCommand({
        RequestItems: {
          [table.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }
});

describe('filtered pages', () => {
  it('finds the one match behind 1,399 filtered-out items instead of answering an empty page', async () => {
    const page = await queryPage(table.db, {
      tableName: table.tableName,
      partition: PARTITION,
      limit: 1,
      filter: {
        expression: '#colour = :red',
        names: { '#colour': 'colour' },
        values: { ':red': 'red' },
      },
    });

    expect(page.items.map((i) => i.colour)).toEqual(['red']);
    expect(page.nextCursor).toBeNull();
  });

  it('ends with an empty page and no cursor when nothing matches', async () => {
    const page = await queryPage(table.db, {
      tableName: table.tableName,
      partition: PARTITION,
      limit: 10,
      filter: {
        expression: '#colour = :blue',
        names: { '#colour': 'colour' },
        values: { ':blue': 'blue' },
      },
    });

    expect(page).toEqual({ items: [], nextCursor: null });
  });
});
