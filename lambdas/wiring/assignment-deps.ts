import type { Runtime } from './runtime.ts';

/** What the named-seat rules need, for the assignments group and the instance's seat check. */
export const assignmentDeps = ({ runtime }: { runtime: Runtime }) => ({
  assignments: runtime.stores.assignments,
  productOf: (code: string) => runtime.stores.products.get(code),
});
