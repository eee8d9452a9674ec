import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file under lambdas/, with the relative imports it makes. */
const root = join(import.meta.dirname, '../..');
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
const files = walk(join(root, 'lambdas')).map((f) => relative(root, f));
const source = new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
const importsOf = (file: string) =>
  [...(source.get(file) ?? '').matchAll(/from '(\.[^']+)'/g)].map((m) =>
    normalize(join(dirname(file), m[1] as string)),
  );
const packagesOf = (file: string) =>
  [...(source.get(file) ?? '').matchAll(/from '([^.'][^']*)'/g)].map((m) => m[1] as string);

describe('the code under lambdas/', () => {
  it('has no import cycles', () => {
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, path: string[]) => {
      if (path.includes(file)) {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      if (done.has(file)) return;
      for (const next of importsOf(file)) visit(next, [...path, file]);
      done.add(file);
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps the domain free of AWS, HTTP, storage and wiring', () => {
    for (const file of files.filter((f) => f.startsWith('lambdas/domain/'))) {
      expect(
        packagesOf(file).filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@middy')),
        file,
      ).toEqual([]);
      expect(
        importsOf(file).filter((i) => !i.startsWith('lambdas/domain/')),
        file,
      ).toEqual([]);
    }
  });

  it('never builds every store in a function: each imports the stores it calls (store/index.ts is for tools and tests)', () => {
    const importers = files.filter((f) => importsOf(f).includes('lambdas/store/index.ts'));
    expect(importers).toEqual([]);
  });

  it('lets only the adapters and the store speak to AWS', () => {
    for (const file of files.filter((f) => !/^lambdas\/(adapters|store)\//.test(f))) {
      expect(
        packagesOf(file).filter((p) => p.startsWith('@aws-sdk/')),
        file,
      ).toEqual([]);
    }
  });

  it('parses DynamoDB keys only in the key module', () => {
    for (const file of files.filter(
      (f) => f.startsWith('lambdas/store/') && !f.endsWith('keys.ts'),
    )) {
      expect(source.get(file), file).not.toMatch(/\.split\('#'\)|startsWith\('[A-Z]+#'\)/);
    }
  });

  it('writes every condition from named parts (store/conditions.ts), never a raw expression', () => {
    for (const file of files.filter((f) => f.startsWith('lambdas/store/'))) {
      expect(source.get(file), file).not.toMatch(/\bConditionExpression: ['`]/);
    }
  });
});
