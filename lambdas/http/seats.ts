import { checkAssignment } from '../domain/assignments.ts';
import { isDomainError } from '../domain/errors.ts';
import { instanceSeats, requireConcurrent } from '../domain/instance-seats.ts';
import { checkout, heartbeat } from '../domain/seats.ts';
import { seatsRoutes } from '../routes/seats.ts';
import { assignmentDeps } from '../wiring/assignment-deps.ts';
import { countBusiness } from '../wiring/business-metrics.ts';
import { httpHandler, instanceOf, type OperationRequest } from './handler.ts';

/** The calling instance's license, product and pool (domain/instance-seats.ts). */
const instancePool = (r: OperationRequest) =>
  instanceSeats(
    { licenses: r.runtime.stores.licenses, products: r.runtime.stores.products },
    instanceOf(r),
  );

export const handler = httpHandler(seatsRoutes, {
  checkoutSeat: async (r) => {
    const { activation, license, pool, product, leaseSeconds } = await instancePool(r);
    requireConcurrent(product);
    const input = r.input.body;
    try {
      const lease = await checkout(
        r.runtime.stores.seats,
        {
          ...pool,
          aggregation: product.aggregation,
          leaseSeconds,
          userId: input.userId,
          sessionId: input.sessionId,
          activationId: activation.id,
          licenseId: license.id,
        },
        r.runtime.clock.now(),
      );
      countBusiness('SeatCheckouts');
      const { projectId: _p, activationId: _a, ...view } = lease;
      return view;
    } catch (error) {
      if (isDomainError(error) && error.code === 'POOL_FULL') countBusiness('SeatDenialsPoolFull');
      throw error;
    }
  },
  heartbeatSeat: async (r) => {
    const { activation, license, pool, leaseSeconds } = await instancePool(r);
    const { sessionId } = r.input.body;
    return heartbeat(
      r.runtime.stores.seats,
      { ...pool, sessionId, activationId: activation.id },
      leaseSeconds,
      r.runtime.clock.now(),
      license,
    );
  },
  releaseSeat: async (r) => {
    const { activation, pool } = await instancePool(r);
    const { sessionId } = r.input.body;
    const seat = { ...pool, sessionId, activationId: activation.id };
    return { released: await r.runtime.stores.seats.release(seat) };
  },
  checkSeatAssignment: async (r) => {
    const { license, pool } = await instancePool(r);
    const { userId } = r.input.body;
    return checkAssignment(assignmentDeps(r), { ...pool, license }, userId, r.runtime.clock.now());
  },
});
