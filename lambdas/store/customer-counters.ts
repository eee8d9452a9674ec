import { notFound } from '../domain/errors.ts';
import { type Condition, exists } from './conditions.ts';
import { keys } from './keys.ts';
import type { Write } from './transact.ts';

/**
 * What is counted on a customer so it cannot be deleted while any of it remains: its live
 * customer-bound tokens, and its trial requests waiting for a decision. The count moves in the
 * transaction that creates or ends the thing counted, and only while the customer exists.
 */
export type CustomerCounter = 'tokenCount' | 'pendingTrialCount';

export const countOnCustomer = (
  customerId: string,
  counter: CustomerCounter,
  delta: 1 | -1,
): Write => ({
  update: keys.customer(customerId),
  set: {
    expression: 'SET #counter = if_not_exists(#counter, :zero) + :delta',
    names: { '#counter': counter },
    values: { ':delta': delta, ':zero': 0 },
  },
  condition: exists,
  onConflict: () => notFound('Customer'),
});

/**
 * Nothing of `counter` remains. At most zero, not exactly: a trial requested before trials were
 * counted takes one off a count that never had it when it is decided, and must not keep its
 * customer forever.
 */
export const noneCounted = (counter: CustomerCounter): Condition => ({
  expression: `attribute_not_exists(#${counter}) OR #${counter} <= :none`,
  names: { [`#${counter}`]: counter },
  values: { ':none': 0 },
});
