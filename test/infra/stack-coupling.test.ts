import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it, vi } from 'vitest';
import { synthTessera } from './app-fixture.ts';

/** Every `Fn::ImportValue` of a stack, as `<producing stack>:<export>`. */
const imports = (stack: Stack) =>
  [...JSON.stringify(Template.fromStack(stack).toJSON()).matchAll(/"Fn::ImportValue":"([^"]+)"/g)]
    .map((m) => m[1] as string)
    .map((name) => name.replace(/^Tessera-dev-/, ''));

const exportsOf = (stack: Stack) =>
  Object.values(
    (Template.fromStack(stack).toJSON() as { Outputs?: Record<string, { Export?: unknown }> })
      .Outputs ?? {},
  ).filter((o) => o.Export !== undefined).length;

describe('stacks joined by names, not exports', () => {
  it('lets no stack import from the Api or Jobs stacks: only the table crosses, by export', () => {
    const { stacks } = synthTessera();
    for (const stack of [stacks.api, stacks.jobs, stacks.observability]) {
      const foreign = imports(stack).filter((i) => !i.startsWith('Data:'));
      expect(foreign, stack.stackName).toEqual([]);
    }
    expect(exportsOf(stacks.api)).toBe(0);
    expect(exportsOf(stacks.jobs)).toBe(0);
  });

  it('removing a route group and a job changes the watching stack, never an export the owner must keep', async () => {
    const before = synthTessera();
    // A group and a job removed, as a later release might: the catalogs read at synth time.
    vi.resetModules();
    const catalog = await import('../../lambdas/jobs/catalog.ts');
    const routeTable = await import('../../lambdas/routes.ts');
    const job = catalog.jobNames[0] as string;
    vi.doMock('../../lambdas/jobs/catalog.ts', () => {
      const jobCatalog = Object.fromEntries(
        Object.entries(catalog.jobCatalog).filter(([name]) => name !== job),
      );
      return { ...catalog, jobCatalog, jobNames: Object.keys(jobCatalog) };
    });
    vi.doMock('../../lambdas/routes.ts', () => ({
      ...routeTable,
      groups: Object.fromEntries(Object.entries(routeTable.groups).filter(([g]) => g !== 'audit')),
      routes: routeTable.routes.filter((r) => r.group !== 'audit'),
    }));
    const { synthTessera: synthAgain } = await import('./app-fixture.ts');
    const after = synthAgain();
    vi.doUnmock('../../lambdas/jobs/catalog.ts');
    vi.doUnmock('../../lambdas/routes.ts');

    // The dashboard and alarms follow by name…
    const watching = (s: Stack) => JSON.stringify(Template.fromStack(s).toJSON());
    expect(watching(before.stacks.observability)).toContain('"tessera-dev-audit"');
    expect(watching(before.stacks.observability)).toContain(`tessera-dev-job-${job}"`);
    expect(watching(after.stacks.observability)).not.toContain('"tessera-dev-audit"');
    expect(watching(after.stacks.observability)).not.toContain(`tessera-dev-job-${job}"`);
    // …and neither producing stack ever had an export the removal could strand.
    for (const built of [before, after]) {
      expect(exportsOf(built.stacks.api)).toBe(0);
      expect(exportsOf(built.stacks.jobs)).toBe(0);
    }
  });
});
