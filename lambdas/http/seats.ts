import { checkAssignment } from '../domain/assignments.ts';
import { isDomainError } from '../domain/errors.ts';
import {
  instanceSeats,
  requireConcurrent,
  seatPlaceOf,
  seatProduct,
} from '../domain/instance-seats.ts';
import { checkout, DEFAULT_LEASE_SECONDS, heartbeat } from '../domain/seats.ts';
import { seatsRoutes } from '../routes/seats.ts';
import { licenseStore } from '../store/licenses.ts';
import { productStore } from '../store/products.ts';
import { seatStore } from '../store/seats.ts';
import { statsStore } from '../store/stats.ts';
import { assignmentDeps } from '../wiring/assignment-deps.ts';
import { countBusiness, countDaily } from '../wiring/business-metrics.ts';
import { recentPools } from '../wiring/recent-pools.ts';
import { httpHandler, instanceOf, type OperationRequest } from './handler.ts';
import { instanceGuards } from './instance-guards.ts';

/** The calling instance's license, product and pool (domain/instance-seats.ts). */
const instancePool = (r: OperationRequest) =>
  instanceSeats(
    { licenses: r.runtime.store(licenseStore), products: r.runtime.store(productStore) },
    instanceOf(r),
  );

/** Where the calling instance's seats are counted, without reading its license. */
const seatPlace = (r: OperationRequest) =>
  seatPlaceOf({ licenses: r.runtime.store(licenseStore) }, instanceOf(r));

export const handler = httpHandler(
  seatsRoutes,
  {
    // Authentication read the activation; then one transaction, with the pool and product
    // this function read lately (wiring/recent-pools.ts), else one read of both first.
    checkoutSeat: async (r) => {
      const place = await seatPlace(r);
      const seats = r.runtime.store(seatStore);
      const now = r.runtime.clock.now();
      const remembered = recentPools.get(place.projectId, place.productCode, now.getTime());
      const { pool, product: found } =
        remembered ?? (await seats.poolWithProduct(place.projectId, place.productCode));
      const product = seatProduct(found);
      if (!remembered) {
        recentPools.remember(place.projectId, place.productCode, pool, found, now.getTime());
      }
      requireConcurrent(product);
      const input = r.input.body;
      try {
        const lease = await checkout(
          seats,
          {
            projectId: place.projectId,
            productCode: place.productCode,
            aggregation: product.aggregation,
            leaseSeconds: product.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
            userId: input.userId,
            sessionId: input.sessionId,
            activationId: instanceOf(r).id,
            licenseId: place.licenseId,
          },
          now,
          {
            pool,
            remembered: remembered !== undefined,
            onRead: (fresh) =>
              recentPools.remember(
                place.projectId,
                place.productCode,
                fresh,
                product,
                now.getTime(),
              ),
          },
        );
        countBusiness('SeatCheckouts');
        const { projectId: _p, activationId: _a, ...view } = lease;
        return view;
      } catch (error) {
        if (isDomainError(error) && error.code === 'POOL_FULL') {
          countBusiness('SeatDenialsPoolFull');
          await countDaily(r.runtime.store(statsStore), 'refusedCheckouts', r.runtime.clock.now());
        }
        throw error;
      }
    },
    heartbeatSeat: async (r) => {
      const { activation, license, pool, leaseSeconds } = await instancePool(r);
      const { sessionId } = r.input.body;
      return heartbeat(
        r.runtime.store(seatStore),
        { ...pool, sessionId, activationId: activation.id },
        leaseSeconds,
        r.runtime.clock.now(),
        license,
      );
    },
    // Authentication read the activation; the release is one transaction.
    releaseSeat: async (r) => {
      const { projectId, productCode } = await seatPlace(r);
      const { sessionId } = r.input.body;
      const seat = { projectId, productCode, sessionId, activationId: instanceOf(r).id };
      return { released: await r.runtime.store(seatStore).release(seat) };
    },
    checkSeatAssignment: async (r) => {
      const { license, pool } = await instancePool(r);
      const { userId } = r.input.body;
      return checkAssignment(
        assignmentDeps(r),
        { ...pool, license },
        userId,
        r.runtime.clock.now(),
      );
    },
  },
  { guards: instanceGuards },
);
