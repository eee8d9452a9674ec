import { assignmentStore } from '../store/assignments.ts';
import { productStore } from '../store/products.ts';
import type { Runtime } from './runtime.ts';

/** What the named-seat rules need, for the assignments group and the instance's seat check. */
export const assignmentDeps = ({ runtime }: { runtime: Runtime }) => ({
  assignments: runtime.store(assignmentStore),
  productOf: (code: string) => runtime.store(productStore).get(code),
});
