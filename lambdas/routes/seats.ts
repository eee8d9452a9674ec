import { AssignInput, AssignmentCheckView } from '../domain/assignments.ts';
import {
  CheckoutInput,
  HeartbeatView,
  LeaseView,
  ReleaseView,
  SeatSession,
} from '../domain/seats.ts';
import { route } from './route.ts';

/** The `seats` group's routes (see ./route.ts for what a route says). */
export const seatsRoutes = [
  route({
    operationId: 'checkoutSeat',
    method: 'POST',
    path: '/instance/seats/checkout',
    group: 'seats',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Take a concurrent seat for a user session (idempotent per session)',
    schemas: { body: CheckoutInput, response: LeaseView },
  }),
  route({
    operationId: 'heartbeatSeat',
    method: 'POST',
    path: '/instance/seats/heartbeat',
    group: 'seats',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Keep a seat; 410 LEASE_GONE once it was released or taken back',
    schemas: { body: SeatSession, response: HeartbeatView },
  }),
  route({
    operationId: 'releaseSeat',
    method: 'POST',
    path: '/instance/seats/release',
    group: 'seats',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Give a seat back (releasing twice is harmless)',
    schemas: { body: SeatSession, response: ReleaseView },
  }),
  route({
    operationId: 'checkSeatAssignment',
    method: 'POST',
    path: '/instance/seats/assignment',
    group: 'seats',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Named-seat products: does this user hold a seat of the pool?',
    schemas: { body: AssignInput, response: AssignmentCheckView },
  }),
] as const;
