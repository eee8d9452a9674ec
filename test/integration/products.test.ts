import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { auditEvent, type ChangeContext } from '../../lambdas/domain/audit.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import {
  CreateProductInput,
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../../lambdas/domain/products.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { keys } from '../../lambdas/store/keys.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ctx = (principal: Principal = admin): ChangeContext => ({
  principal,
  now: new Date(),
  ids: idGenerator(),
  requestId: 'req-1',
});
const input = (code: string, extra: Record<string, unknown> = {}) =>
  CreateProductInput.parse({ code, name: `Product ${code}`, seatModel: 'concurrent', ...extra });

const event = (code: string, before: object | null, after: object | null) =>
  auditEvent(ctx(), 'product.test', { type: 'product', id: code }, before, after);

let stores: Stores;
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
});

const auditCount = async (code: string) => {
  const out = await table.sdk.send(
    new ScanCommand({
      TableName: table.tableName,
      FilterExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditEntityPartition('product', code) },
    }),
  );
  return out.Items?.length ?? 0;
};

describe('products on DynamoDB Local', () => {
  it('creates a product with an audit event naming who, what and the after-image', async () => {
    await createProduct(
      stores.products,
      ctx(),
      input('PBX', { modules: [{ code: 'ivr', name: 'IVR' }] }),
    );
    const page = await stores.audit.list({ limit: 10, entityType: 'product', entityId: 'PBX' });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: 'product.created',
      actor: { type: 'token', id: 'tok_admin', role: 'vendor-admin' },
      requestId: 'req-1',
      before: null,
      after: { code: 'PBX', modules: [{ code: 'ivr', name: 'IVR' }] },
    });
  });

  it('refuses a second product with the same code and writes no second audit event', async () => {
    await createProduct(stores.products, ctx(), input('CHAT'));
    expect(await codeOf(createProduct(stores.products, ctx(), input('CHAT')))).toBe(
      'ALREADY_EXISTS',
    );
    expect(await auditCount('CHAT')).toBe(1);
  });

  it('lets exactly one of 10 concurrent creations of one code win', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        codeOf(createProduct(stores.products, ctx(), input('RACE'))),
      ),
    );
    expect(results.filter((r) => r === 'resolved')).toHaveLength(1);
    expect(results.filter((r) => r === 'ALREADY_EXISTS')).toHaveLength(9);
    expect(await auditCount('RACE')).toBe(1);
  });

  it('records before and after on update and bumps the version', async () => {
    await createProduct(stores.products, ctx(), input('EMAIL'));
    const after = await updateProduct(stores.products, ctx(), 'EMAIL', {
      name: 'E-mail',
      aggregation: 'max',
    });
    expect(after).toMatchObject({ name: 'E-mail', aggregation: 'max', version: 2 });
    const page = await stores.audit.list({ limit: 10, entityType: 'product', entityId: 'EMAIL' });
    expect(page.items[0]).toMatchObject({
      action: 'product.updated',
      before: { name: 'Product EMAIL', version: 1 },
      after: { name: 'E-mail', version: 2 },
    });
  });

  it('turns a lost update race into CONCURRENT_MODIFICATION instead of overwriting', async () => {
    await createProduct(stores.products, ctx(), input('SMS'));
    const results = await Promise.all(
      ['One', 'Two', 'Three', 'Four'].map((name) =>
        codeOf(updateProduct(stores.products, ctx(), 'SMS', { name })),
      ),
    );
    const winners = results.filter((r) => r === 'resolved').length;
    expect(winners).toBeGreaterThanOrEqual(1);
    expect(winners + results.filter((r) => r === 'CONCURRENT_MODIFICATION').length).toBe(4);
    const product = await getProduct(stores.products, admin, 'SMS');
    expect(product.version).toBe(1 + winners);
  });

  it('never overwrites a license counter raised between read and update', async () => {
    await createProduct(stores.products, ctx(), input('FAX'));
    const before = await getProduct(stores.products, admin, 'FAX');
    await table.sdk.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.product('FAX'),
        UpdateExpression: 'SET licenseCount = licenseCount + :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const changed = { ...before, name: 'Fax', version: 2 };
    await stores.products.replace(before, changed, event('FAX', before, changed));
    const after = await getProduct(stores.products, admin, 'FAX');
    expect(after).toMatchObject({ name: 'Fax', licenseCount: 1 });
  });

  it('refuses to delete a product with licenses, also when they appear after the read', async () => {
    await createProduct(stores.products, ctx(), input('GW'));
    const read = await getProduct(stores.products, admin, 'GW');
    await table.sdk.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.product('GW'),
        UpdateExpression: 'SET licenseCount = :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    expect(await codeOf(deleteProduct(stores.products, ctx(), 'GW'))).toBe('HAS_DEPENDENTS');
    expect(await codeOf(stores.products.remove(read, event('GW', read, null)))).toBe(
      'HAS_DEPENDENTS',
    );
    expect(await getProduct(stores.products, admin, 'GW')).toMatchObject({ code: 'GW' });
  });

  it('deletes a product without licenses and audits it', async () => {
    await createProduct(stores.products, ctx(), input('OLD'));
    await deleteProduct(stores.products, ctx(), 'OLD');
    expect(await codeOf(getProduct(stores.products, admin, 'OLD'))).toBe('NOT_FOUND');
    const page = await stores.audit.list({ limit: 10, entityType: 'product', entityId: 'OLD' });
    expect(page.items.map((e) => e.action)).toEqual(['product.deleted', 'product.created']);
  });

  it('pages through every product exactly once, in code order, and filters by search', async () => {
    const codes = Array.from({ length: 23 }, (_, i) => `PAGE_${String(i).padStart(2, '0')}`);
    await Promise.all(codes.map((code) => createProduct(stores.products, ctx(), input(code))));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listProducts(stores.products, admin, {
        limit: 5,
        q: 'page_',
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((p) => p.code));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(codes);
  });

  it('refuses a cursor that another listing handed out', async () => {
    await createProduct(stores.products, ctx(), input('CUR_A'));
    await createProduct(stores.products, ctx(), input('CUR_B'));
    const foreign = Buffer.from(
      JSON.stringify({ pk: 'CUSTOMER#x', sk: 'CUSTOMER', gsi1pk: 'CUSTOMERS', gsi1sk: 'x' }),
    ).toString('base64url');
    expect(await codeOf(listProducts(stores.products, admin, { limit: 1, cursor: foreign }))).toBe(
      'INVALID_CURSOR',
    );
    expect(
      await codeOf(listProducts(stores.products, admin, { limit: 1, cursor: 'not base64 json' })),
    ).toBe('INVALID_CURSOR');
  });

  it('keeps seat model and aggregation fixed once licenses exist', async () => {
    await createProduct(stores.products, ctx(), input('LOCKED'));
    await table.sdk.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.product('LOCKED'),
        UpdateExpression: 'SET licenseCount = :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    expect(
      await codeOf(updateProduct(stores.products, ctx(), 'LOCKED', { seatModel: 'named' })),
    ).toBe('HAS_DEPENDENTS');
    expect(
      await codeOf(updateProduct(stores.products, ctx(), 'LOCKED', { name: 'Still fine' })),
    ).toBe('resolved');
  });
});
