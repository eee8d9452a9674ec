import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/**
 * A logger and a metrics buffer per invocation. In Lambda one process serves one invocation at a
 * time, but the local runtime serves every function and job in one process, concurrently: with
 * one shared buffer a job's `job` dimension landed on a request's EMF line, and one request's
 * keys on another's log lines. Each invocation therefore runs in its own scope (AsyncLocalStorage)
 * with a child logger and a fresh `Metrics`; `logger` and `metrics` below act on the current
 * scope, or on the process's own outside any (cold start, tests calling the domain directly).
 * Service name and namespace come from POWERTOOLS_* variables set by CDK (and by the local
 * runtime). Tracing is Lambda's and API Gateway's own active X-Ray tracing (docs/adr/0010).
 */
const root = new Logger({ serviceName: 'tessera' });
const newMetrics = () => new Metrics({ namespace: 'Tessera', serviceName: 'tessera' });

/**
 * An invocation's logger is made on its first log line (most invocations write none below the
 * level, and a Powertools child logger builds its own console); keys appended before then wait.
 */
class Scope {
  private made: Logger | undefined;
  private readonly keys: Record<string, unknown> = {};
  constructor(
    private readonly context: Context | undefined,
    readonly metrics: Metrics,
    made?: Logger,
  ) {
    this.made = made;
  }
  get logger(): Logger {
    if (!this.made) {
      this.made = root.createChild();
      if (this.context) this.made.addContext(this.context);
      this.made.appendKeys(this.keys);
    }
    return this.made;
  }
  appendKeys(keys: Record<string, unknown>) {
    if (this.made) this.made.appendKeys(keys);
    else Object.assign(this.keys, keys);
  }
}

const scopes = new AsyncLocalStorage<Scope>();
const processScope = new Scope(undefined, newMetrics(), root);
const current = (): Scope => scopes.getStore() ?? processScope;

type Log = (message: string, ...extra: unknown[]) => void;

export const logger = {
  debug: ((message, ...extra) => current().logger.debug(message, ...(extra as never[]))) as Log,
  info: ((message, ...extra) => current().logger.info(message, ...(extra as never[]))) as Log,
  warn: ((message, ...extra) => current().logger.warn(message, ...(extra as never[]))) as Log,
  error: ((message, ...extra) => current().logger.error(message, ...(extra as never[]))) as Log,
  appendKeys: (keys: Record<string, unknown>) => current().appendKeys(keys),
};

export const metrics = {
  addMetric: (...args: Parameters<Metrics['addMetric']>) => current().metrics.addMetric(...args),
  addDimension: (name: string, value: string) => current().metrics.addDimension(name, value),
  /** A metric on its own EMF line, with none of the invocation's dimensions. */
  singleMetric: () => current().metrics.singleMetric(),
};

let coldStart = true;

/**
 * The first middleware of every handler: runs the rest of the invocation in a scope of its own,
 * with the Lambda context on its log lines, and writes its metrics (if it added any: an idle run
 * prints nothing) when it ends, whatever the outcome.
 */
export const observed = <T>(
  context: Context,
  run: () => Promise<T>,
  options: { coldStartMetric?: boolean } = {},
): Promise<T> => {
  const scope = new Scope(context, newMetrics());
  return scopes.run(scope, async () => {
    if (coldStart && options.coldStartMetric) scope.metrics.captureColdStartMetric();
    coldStart = false;
    try {
      return await run();
    } finally {
      if (scope.metrics.hasStoredMetrics()) scope.metrics.publishStoredMetrics();
    }
  });
};

/** `observed` for a middy chain: wraps the chain's handler. */
export const withObservability =
  <E, R>(
    handler: (event: E, context: Context) => Promise<R>,
    options: { coldStartMetric?: boolean } = {},
  ) =>
  (event: E, context: Context): Promise<R> =>
    observed(context, () => handler(event, context), options);
