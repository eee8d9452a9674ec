import {
  AssignInput,
  AssignmentPath,
  AssignmentView,
  UnassignView,
} from '../domain/assignments.ts';
import { PageQuery, pageOf } from '../domain/common.ts';
import { PoolPath } from '../domain/seats.ts';
import { route } from './route.ts';

/** The `assignments` group's routes (see ./route.ts for what a route says). */
export const assignmentsRoutes = [
  route({
    operationId: 'listAssignments',
    method: 'GET',
    path: '/customers/{customerId}/projects/{projectId}/pools/{productCode}/assignments',
    group: 'assignments',
    auth: 'token',
    status: 200,
    summary: 'The named seats of a pool: who holds one, since when, assigned by whom',
    schemas: { path: PoolPath, query: PageQuery, response: pageOf(AssignmentView) },
  }),
  route({
    operationId: 'assignSeat',
    location: (a, path) =>
      `/customers/${path.customerId}/projects/${path.projectId}/pools/${path.productCode}/assignments/${encodeURIComponent(String(a.userId))}`,
    method: 'POST',
    path: '/customers/{customerId}/projects/{projectId}/pools/{productCode}/assignments',
    group: 'assignments',
    auth: 'token',
    status: 201,
    summary: 'Give a user a named seat; never more than the limit, a user never twice',
    schemas: { path: PoolPath, body: AssignInput, response: AssignmentView },
  }),
  route({
    operationId: 'unassignSeat',
    method: 'DELETE',
    path: '/customers/{customerId}/projects/{projectId}/pools/{productCode}/assignments/{userId}',
    group: 'assignments',
    auth: 'token',
    status: 200,
    summary: 'Take a named seat back from a user',
    schemas: { path: AssignmentPath, response: UnassignView },
  }),
] as const;
