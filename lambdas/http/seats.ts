import { authenticateInstance } from '../domain/activations.ts';
import { DomainError } from '../domain/errors.ts';
import {
  CheckoutInput,
  checkout,
  DEFAULT_LEASE_SECONDS,
  heartbeat,
  poolOf,
  SeatSession,
} from '../domain/seats.ts';
import { activationDeps, noMailer, noSigner } from './activation-deps.ts';
import { httpHandler, type OperationRequest, parsed } from './handler.ts';

/** The pool of the calling instance: its activation's license's project and product. */
const instancePool = async (r: OperationRequest) => {
  const deps = activationDeps(r.runtime, { mailer: noMailer, signer: noSigner });
  const activation = await authenticateInstance(deps, r.bearer);
  const license = await r.runtime.stores.licenses.get(activation.licenseId);
  if (!license) throw new DomainError('NO_ENTITLEMENT', 'The license of this activation is gone.');
  const product = await r.runtime.stores.products.get(license.productCode);
  return { activation, pool: poolOf(license), aggregation: product?.aggregation ?? 'sum' };
};

export const handler = httpHandler('seats', {
  checkoutSeat: async (r) => {
    const { activation, pool, aggregation } = await instancePool(r);
    const input = parsed(CheckoutInput, r.input.body);
    const lease = await checkout(
      r.runtime.stores.seats,
      {
        ...pool,
        aggregation,
        leaseSeconds: DEFAULT_LEASE_SECONDS,
        userId: input.userId,
        sessionId: input.sessionId,
        activationId: activation.id,
      },
      r.runtime.clock.now(),
    );
    const { projectId: _p, activationId: _a, ...view } = lease;
    return view;
  },
  heartbeatSeat: async (r) => {
    const { pool } = await instancePool(r);
    const { sessionId } = parsed(SeatSession, r.input.body);
    return heartbeat(
      r.runtime.stores.seats,
      { ...pool, sessionId },
      DEFAULT_LEASE_SECONDS,
      r.runtime.clock.now(),
    );
  },
  releaseSeat: async (r) => {
    const { activation, pool } = await instancePool(r);
    const { sessionId } = parsed(SeatSession, r.input.body);
    const seat = { ...pool, sessionId, activationId: activation.id };
    return { released: await r.runtime.stores.seats.release(seat) };
  },
});
