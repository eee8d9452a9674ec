import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

/**
 * Building zod schemas is a third of a function's import time, and a function uses few of the
 * schemas it bundles (response views only the OpenAPI document and tests read). So every schema a
 * module exports is built on first use (`z.lazy`), and importing a module builds none (ADR 0010).
 */
const root = join(import.meta.dirname, '../..');
const modules = [
  ...readdirSync(join(root, 'lambdas/domain')).map((f) => `lambdas/domain/${f}`),
  'lambdas/http/meta-schemas.ts',
  'lambdas/adapters/jwks.ts',
].filter((f) => f.endsWith('.ts'));

describe('schemas exported by the domain and the HTTP views', () => {
  it.each(modules)('%s builds none of its schemas on import', async (file) => {
    const exports: Record<string, unknown> = await import(join(root, file));
    const eager = Object.entries(exports)
      .filter(([, value]) => value instanceof z.ZodType && !(value instanceof z.ZodLazy))
      .map(([name]) => name);
    expect(eager).toEqual([]);
  });

  it.each(modules)('%s marks every module-level schema pure, so a bundle can drop it', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const unmarked = text.split('\n').filter((line) => /= z\.lazy\(/.test(line));
    expect(unmarked).toEqual([]);
  });

  it('finds the schemas it checks, and a lazy schema still validates', async () => {
    const { CustomerView } = await import('../../lambdas/domain/customers.ts');
    const { PageQuery } = await import('../../lambdas/domain/common.ts');
    expect(CustomerView).toBeInstanceOf(z.ZodLazy);
    expect(PageQuery.parse({})).toEqual({ limit: 25 });
    expect(PageQuery.safeParse({ limit: '0' }).success).toBe(false);
  });
});
