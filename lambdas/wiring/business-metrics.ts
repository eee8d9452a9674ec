import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DailyCounter, StatsStore } from '../domain/dashboard.ts';
import { DomainError } from '../domain/errors.ts';
import { type BusinessMetric, businessMetrics } from '../metric-names.ts';
import { logger, metrics } from '../middleware/observability.ts';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/**
 * Emits one business metric at once, as its own EMF line with the service dimension and, when
 * the metric has one (lambdas/metric-names.ts), its own dimension: never the per-request
 * `operation` or a job's `job`, so the dashboard and alarms find it under one set of dimensions
 * whichever function emitted it. A metric that cannot be written never fails the request.
 */
export const emitBusiness = (name: BusinessMetric, value: number, dimensionValue?: string) => {
  const spec: { unit: string; dimension?: string } = businessMetrics[name];
  try {
    const single = metrics.singleMetric();
    if (spec.dimension) single.addDimension(spec.dimension, dimensionValue ?? 'UNKNOWN');
    single.addMetric(name, spec.unit as Unit, value);
  } catch (error) {
    logger.warn('business metric not emitted', { metric: name, error });
  }
};

/** Counts one occurrence, e.g. `countBusiness('Validations', 'VALID')`. */
export const countBusiness = (name: BusinessMetric, dimensionValue?: string) =>
  emitBusiness(name, 1, dimensionValue);

/** The stable code of a refusal; anything else is an internal failure. */
export const failureCode = (error: unknown) =>
  error instanceof DomainError ? error.code : 'INTERNAL';

/**
 * Runs an operation and counts its outcome: `success` when it returns, `failure` with the
 * refusal's code when it throws (the error is rethrown unchanged).
 */
export const countingOutcome = async <T>(
  run: () => Promise<T>,
  success: BusinessMetric,
  failure: BusinessMetric,
): Promise<T> => {
  try {
    const result = await run();
    countBusiness(success);
    return result;
  } catch (error) {
    countBusiness(failure, failureCode(error));
    throw error;
  }
};

/**
 * Adds one to today's dashboard figure (domain/dashboard.ts). Like a metric, a count that cannot
 * be written never fails the request it counts.
 */
export const countDaily = async (stats: StatsStore, counter: DailyCounter, at: Date) => {
  try {
    await stats.count(counter, at);
  } catch (error) {
    logger.warn('daily count not written', { counter, error });
  }
};
