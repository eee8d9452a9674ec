import { beforeAll, describe, expect, it } from 'vitest';
import { dashboard } from '../../lambdas/domain/dashboard.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const vendor: Principal = { kind: 'token', tokenId: 'tok_v', role: 'vendor-support' };
const acme: Principal = {
  kind: 'person',
  personId: 'per_a',
  role: 'customer-admin',
  customerId: 'cus_acme',
};
const now = new Date('2026-11-30T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

let stores: Stores;

beforeAll(async () => {
  const table = await createTestTable();
  stores = createStores(table.db, table.tableName);
});

describe('the dashboard figures', () => {
  it('sums each day’s activations and refused checkouts over its shards, with zeros for quiet days', async () => {
    for (let i = 0; i < 5; i++) await stores.stats.count('activations', now);
    for (let i = 0; i < 7; i++) await stores.stats.count('refusedCheckouts', now);
    await stores.stats.count('activations', daysAgo(2));
    await stores.stats.count('activations', daysAgo(20)); // outside the window

    const view = await dashboard(stores.stats, vendor, { days: 14 }, now);

    expect(view.activity).toHaveLength(14);
    expect(view.activity.at(-1)).toEqual({
      date: '2026-11-30',
      activations: 5,
      refusedCheckouts: 7,
    });
    expect(view.activity.at(-3)).toEqual({
      date: '2026-11-28',
      activations: 1,
      refusedCheckouts: 0,
    });
    expect(view.activity[0]?.date).toBe('2026-11-17');
    expect(view.activity.reduce((sum, d) => sum + d.activations, 0)).toBe(6);
  });

  it('shows the fullest pools of the last snapshot, and a customer only its own and no traffic', async () => {
    expect((await dashboard(stores.stats, vendor, { days: 1 }, now)).fullestPools).toEqual({
      at: null,
      items: [],
    });
    const pool = (customerId: string, projectId: string, used: number) => ({
      customerId,
      projectId,
      productCode: 'CAD',
      used,
      limit: 10,
      utilisation: used / 10,
    });
    await stores.stats.saveFullestPools({
      at: now.toISOString(),
      items: [pool('cus_globex', 'prj_g', 9), pool('cus_acme', 'prj_a', 7)],
    });

    const seen = await dashboard(stores.stats, vendor, { days: 1 }, now);
    const theirs = await dashboard(stores.stats, acme, { days: 14 }, now);

    expect(seen.fullestPools.items.map((p) => p.customerId)).toEqual(['cus_globex', 'cus_acme']);
    expect(theirs.fullestPools.items.map((p) => p.customerId)).toEqual(['cus_acme']);
    expect(theirs.activity).toEqual([]);
  });

  it('is refused to callers without a role', async () => {
    expect(await codeOf(dashboard(stores.stats, { kind: 'anonymous' }, { days: 1 }, now))).toBe(
      'FORBIDDEN',
    );
  });
});
