import type { Db } from '../adapters/dynamodb.ts';
import { GetCommand } from '../adapters/dynamodb.ts';
import { searchText } from '../domain/common.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import type { Product, ProductStore } from '../domain/products.ts';
import { auditWrite } from './audit.ts';
import { absent, all, counterIs, exists, versionIs } from './conditions.ts';
import { fromItem, replaceFields, toItem } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './pagination.ts';
import { transact } from './transact.ts';

const item = (p: Product) =>
  toItem('product', { ...keys.product(p.code), ...keys.productList(p.code) }, p, {
    search: searchText(p.code, p.name),
  });

const changedMeanwhile = (code: string) => (old: unknown) =>
  old
    ? new DomainError('CONCURRENT_MODIFICATION', `Product ${code} changed meanwhile; retry.`)
    : notFound(`Product ${code}`);

export const productStore = (db: Db, tableName: string): ProductStore => ({
  create: (product, event) =>
    transact(db, tableName, [
      {
        put: item(product),
        condition: absent,
        onConflict: () =>
          new DomainError('ALREADY_EXISTS', `Product ${product.code} already exists.`),
      },
      auditWrite(event),
    ]),

  get: async (code) => {
    const out = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.product(code), ConsistentRead: true }),
    );
    return out.Item ? fromItem<Product>(out.Item) : undefined;
  },

  list: async ({ limit, cursor, q }) => {
    const page = await queryPage(db, {
      tableName,
      index: 'gsi1',
      partition: keys.productListPartition,
      limit,
      ...(cursor ? { cursor } : {}),
      ...(q ? { q } : {}),
    });
    return { items: page.items.map((i) => fromItem<Product>(i)), nextCursor: page.nextCursor };
  },

  replace: (before, after, event) =>
    transact(db, tableName, [
      {
        update: keys.product(before.code),
        set: replaceFields(item(before), item(after), ['licenseCount']),
        condition: all(exists, versionIs(before.version)),
        onConflict: changedMeanwhile(before.code),
      },
      auditWrite(event),
    ]),

  remove: (product, event) =>
    transact(db, tableName, [
      {
        remove: keys.product(product.code),
        condition: all(exists, versionIs(product.version), counterIs('licenseCount', 0)),
        onConflict: (old) =>
          old && old.licenseCount !== 0
            ? new DomainError(
                'HAS_DEPENDENTS',
                `Product ${product.code} gained licenses meanwhile.`,
              )
            : changedMeanwhile(product.code)(old),
      },
      auditWrite(event),
    ]),
});
