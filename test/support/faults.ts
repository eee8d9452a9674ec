import { AwsError } from '../../lambdas/adapters/aws/client.ts';
import type { Around, AroundAttempt } from '../../lambdas/adapters/dynamodb.ts';

/**
 * Faults injected into Tessera's DynamoDB client through its call and attempt hooks, so every request that is let
 * through still runs on DynamoDB Local. A fault names the command it strikes
 * (e.g. `TransactWriteItemsCommand`) and what goes wrong:
 *
 * - `lost-request`: the call fails before anything reaches DynamoDB (a network error after the
 *   SDK gave up); nothing is written.
 * - `lost-response`: DynamoDB executes the request, then the caller sees a timeout instead of
 *   the answer; the write is committed.
 * - `lost-attempt-response`: one attempt inside the SDK's retry loop commits and its answer is
 *   lost; the SDK then retries the very same request (same ClientRequestToken) by itself.
 * - `in-flight`: the caller stops waiting (a timeout) while its request is still on its way; the
 *   request lands, and commits, just before the next call of the same command is sent, i.e.
 *   while the caller's retry is already running.
 * - `throttled` / `throttled-transaction`: DynamoDB refuses every attempt for capacity
 *   (ProvisionedThroughputExceededException, or TransactionCanceledException with
 *   ThrottlingError reasons); the SDK retries what it deems retryable, then the error surfaces.
 *   Nothing is written.
 */
export type FaultKind =
  | 'lost-request'
  | 'lost-response'
  | 'lost-attempt-response'
  | 'in-flight'
  | 'throttled'
  | 'throttled-transaction';

export interface InjectedFault {
  command: string;
  kind: FaultKind;
}

export const FAULT_KINDS: readonly FaultKind[] = [
  'lost-request',
  'lost-response',
  'lost-attempt-response',
  'in-flight',
  'throttled',
  'throttled-transaction',
];

const networkError = () =>
  new AwsError({
    name: 'ECONNRESET',
    message: 'socket hang up (injected)',
    status: 0,
    fault: 'client',
  });

const timeout = () =>
  new AwsError({
    name: 'TimeoutError',
    message: 'Connection timed out after 1000 ms (injected)',
    status: 0,
    fault: 'client',
  });

const throttled = () =>
  new AwsError({
    name: 'ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
    status: 400,
    fault: 'client',
  });

/** What DynamoDB answers when a transaction's items are throttled: one reason per item. */
const throttledTransaction = (items: number) =>
  new AwsError({
    name: 'TransactionCanceledException',
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    status: 400,
    fault: 'client',
    details: {
      CancellationReasons: Array.from({ length: Math.max(items, 1) }, () => ({
        Code: 'ThrottlingError',
        Message:
          'Throughput exceeds the current capacity for one or more global secondary indexes.',
      })),
    },
  });

const itemCount = (input: unknown) => {
  const items = (input as { TransactItems?: unknown[] } | undefined)?.TransactItems;
  return Array.isArray(items) ? items.length : 1;
};

export interface FaultInjector {
  /**
   * Strikes one call of `command` with `kind`: the next one, or the one after `skip` calls of it
   * went through. Queued faults fire in order.
   */
  once(command: string, kind: FaultKind, options?: { skip?: number }): void;
  /** From now on, each call of one of `commands` fails with probability `p`, with a random kind. */
  randomly(options: { p: number; commands: readonly string[]; random?: () => number }): void;
  /** Stops all faults (queued and random). */
  clear(): void;
  /** Every fault that fired, in order. */
  readonly injected: InjectedFault[];
}

/** The injector, and the two hooks to build the faulty client with (`documentClient`). */
export const injectFaults = (): {
  faults: FaultInjector;
  hooks: { around: Around; aroundAttempt: AroundAttempt };
} => {
  const queue: (InjectedFault & { skip: number })[] = [];
  const injected: InjectedFault[] = [];
  const perAttempt = new WeakMap<object, FaultKind>();
  const inFlight = new Map<string, () => Promise<unknown>>();
  let random: { p: number; commands: readonly string[]; random: () => number } | undefined;

  /** Decides, once per call the application makes, whether and how this call fails. */
  const pick = (command: string): FaultKind | undefined => {
    const queued = queue.find((f) => f.command === command);
    if (queued && queued.skip > 0) {
      queued.skip--;
      return undefined;
    }
    if (queued) return queue.splice(queue.indexOf(queued), 1)[0]?.kind;
    if (random?.commands.includes(command) && random.random() < random.p) {
      return FAULT_KINDS[Math.floor(random.random() * FAULT_KINDS.length)];
    }
    return undefined;
  };

  // Outside the client's retry loop: what the application sees once the client has given up.
  const around: Around = async (operation, input, next) => {
    const command = `${operation}Command`;
    const landing = inFlight.get(command);
    if (landing) {
      inFlight.delete(command);
      await landing().catch(() => undefined);
    }
    const kind = pick(command);
    if (!kind) return next(input);
    injected.push({ command, kind });
    switch (kind) {
      case 'lost-request':
        throw networkError();
      case 'lost-response':
        await next(input);
        throw timeout();
      case 'in-flight':
        inFlight.set(command, () => next(input));
        throw timeout();
      default:
        // Left to the per-attempt hook below, inside the retry loop.
        perAttempt.set(input, kind);
        return next(input);
    }
  };

  // Inside the client's retry loop, once per attempt.
  const aroundAttempt: AroundAttempt = async (operation, input, attempt) => {
    const kind = perAttempt.get(input);
    if (kind === 'throttled') throw throttled();
    if (kind === 'throttled-transaction') {
      throw operation === 'TransactWriteItems'
        ? throttledTransaction(itemCount(input))
        : throttled();
    }
    if (kind !== 'lost-attempt-response') return attempt();
    perAttempt.delete(input); // only the first attempt is lost; the client's retry goes through
    await attempt();
    throw timeout();
  };

  const faults: FaultInjector = {
    once: (command, kind, options) => {
      queue.push({ command, kind, skip: options?.skip ?? 0 });
    },
    randomly: (options) => {
      random = { random: Math.random, ...options };
    },
    clear: () => {
      queue.length = 0;
      random = undefined;
      inFlight.clear();
    },
    injected,
  };
  return { faults, hooks: { around, aroundAttempt } };
};
