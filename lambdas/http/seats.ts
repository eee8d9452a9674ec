import { AssignInput, checkAssignment } from '../domain/assignments.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import {
  CheckoutInput,
  checkout,
  DEFAULT_LEASE_SECONDS,
  heartbeat,
  poolOf,
  SeatSession,
} from '../domain/seats.ts';
import { assignmentDeps } from './assignments.ts';
import { countBusiness } from './business-metrics.ts';
import { httpHandler, instanceOf, type OperationRequest, parsed } from './handler.ts';

/** The pool of the calling instance: its activation's license's project and product. */
const instancePool = async (r: OperationRequest) => {
  const activation = instanceOf(r);
  const license = await r.runtime.stores.licenses.get(activation.licenseId);
  if (!license) throw new DomainError('NO_ENTITLEMENT', 'The license of this activation is gone.');
  const product = await r.runtime.stores.products.get(license.productCode);
  if (!product) throw new DomainError('NO_ENTITLEMENT', 'The product of this license is gone.');
  return { activation, license, pool: poolOf(license), product };
};

/** Concurrent checkouts only for products that count users signed in now. */
const requireConcurrent = (product: { seatModel: string }) => {
  if (product.seatModel !== 'concurrent') {
    throw new DomainError(
      'WRONG_SEAT_MODEL',
      `This product counts ${product.seatModel} seats, not concurrent ones.`,
      { seatModel: product.seatModel },
    );
  }
};

const leaseSecondsOf = (product: { leaseSeconds?: number }) =>
  product.leaseSeconds ?? DEFAULT_LEASE_SECONDS;

export const handler = httpHandler('seats', {
  checkoutSeat: async (r) => {
    const { activation, license, pool, product } = await instancePool(r);
    requireConcurrent(product);
    const input = parsed(CheckoutInput, r.input.body);
    try {
      const lease = await checkout(
        r.runtime.stores.seats,
        {
          ...pool,
          aggregation: product.aggregation,
          leaseSeconds: leaseSecondsOf(product),
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
    const { activation, license, pool, product } = await instancePool(r);
    const { sessionId } = parsed(SeatSession, r.input.body);
    return heartbeat(
      r.runtime.stores.seats,
      { ...pool, sessionId, activationId: activation.id },
      leaseSecondsOf(product),
      r.runtime.clock.now(),
      license,
    );
  },
  releaseSeat: async (r) => {
    const { activation, pool } = await instancePool(r);
    const { sessionId } = parsed(SeatSession, r.input.body);
    const seat = { ...pool, sessionId, activationId: activation.id };
    return { released: await r.runtime.stores.seats.release(seat) };
  },
  checkSeatAssignment: async (r) => {
    const { license, pool } = await instancePool(r);
    const { userId } = parsed(AssignInput, r.input.body);
    return checkAssignment(assignmentDeps(r), { ...pool, license }, userId, r.runtime.clock.now());
  },
});
