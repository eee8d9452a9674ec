import { assignSeat, listAssignments, unassignSeat } from '../domain/assignments.ts';
import { assignmentsRoutes } from '../routes/assignments.ts';
import { httpHandler, type OperationRequest } from './handler.ts';

export const assignmentDeps = ({ runtime }: Pick<OperationRequest, 'runtime'>) => ({
  assignments: runtime.stores.assignments,
  productOf: (code: string) => runtime.stores.products.get(code),
});

export const handler = httpHandler(assignmentsRoutes, {
  listAssignments: (r) =>
    listAssignments(assignmentDeps(r), r.principal, r.input.path, r.input.query),
  assignSeat: (r) => assignSeat(assignmentDeps(r), r.change, r.input.path, r.input.body.userId),
  unassignSeat: (r) => unassignSeat(assignmentDeps(r), r.change, r.input.path),
});
