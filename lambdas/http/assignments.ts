import {
  AssignInput,
  AssignmentPath,
  assignSeat,
  listAssignments,
  unassignSeat,
} from '../domain/assignments.ts';
import { PageQuery } from '../domain/common.ts';
import { PoolPath } from '../domain/seats.ts';
import { httpHandler, type OperationRequest, parsed } from './handler.ts';

export const assignmentDeps = ({ runtime }: Pick<OperationRequest, 'runtime'>) => ({
  assignments: runtime.stores.assignments,
  productOf: (code: string) => runtime.stores.products.get(code),
});

export const handler = httpHandler('assignments', {
  listAssignments: (r) =>
    listAssignments(
      assignmentDeps(r),
      r.principal,
      parsed(PoolPath, r.input.path),
      parsed(PageQuery, r.input.query),
    ),
  assignSeat: (r) =>
    assignSeat(
      assignmentDeps(r),
      r.change,
      parsed(PoolPath, r.input.path),
      parsed(AssignInput, r.input.body).userId,
    ),
  unassignSeat: (r) =>
    unassignSeat(assignmentDeps(r), r.change, parsed(AssignmentPath, r.input.path)),
});
