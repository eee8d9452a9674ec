import type { Product } from '../domain/products.ts';
import type { PoolState } from '../domain/seats.ts';

/**
 * Pools and their product this function read lately, so a checkout need not read them again:
 * the checkout transaction holds only while the pool's licenses are still the remembered
 * version (domain/seats.ts), and a refusal is confirmed by a fresh read, so a stale entry costs
 * a retry, never a wrong answer. The product's seat model and aggregation cannot change while it
 * has licenses (domain/products.ts), and a pool exists only with licenses; its lease length may
 * be up to a minute old. Per process, bounded, forgotten after a minute.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 1_000;

interface Entry {
  pool: PoolState;
  product: Product;
  until: number;
}
const entries = new Map<string, Entry>();
const keyOf = (projectId: string, productCode: string) => `${projectId}\u0000${productCode}`;

export const recentPools = {
  get: (projectId: string, productCode: string, now: number) => {
    const entry = entries.get(keyOf(projectId, productCode));
    if (!entry || entry.until <= now) return undefined;
    return { pool: entry.pool, product: entry.product };
  },
  remember: (
    projectId: string,
    productCode: string,
    pool: PoolState | undefined,
    product: Product | undefined,
    now: number,
  ) => {
    const key = keyOf(projectId, productCode);
    entries.delete(key);
    if (!pool || !product || pool.licenses.length === 0) return;
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    entries.set(key, { pool, product, until: now + TTL_MS });
  },
};
