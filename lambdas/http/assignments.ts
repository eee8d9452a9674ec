import { assignSeat, listAssignments, unassignSeat } from '../domain/assignments.ts';
import { assignmentsRoutes } from '../routes/assignments.ts';
import { assignmentDeps } from '../wiring/assignment-deps.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  assignmentsRoutes,
  {
    listAssignments: (r) =>
      listAssignments(assignmentDeps(r), r.principal, r.input.path, r.input.query),
    assignSeat: (r) => assignSeat(assignmentDeps(r), r.change, r.input.path, r.input.body.userId),
    unassignSeat: (r) => unassignSeat(assignmentDeps(r), r.change, r.input.path),
  },
  { guards },
);
