import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Progress } from '../domain/job-progress.ts';
import type { JobRun as RunRecord } from '../domain/job-runs.ts';
import { type JobMetric, jobMetrics } from '../metric-names.ts';
import { logger, metrics, withObservability } from '../middleware/observability.ts';
import { jobRunStore } from '../store/job-runs.ts';
import { type Runtime, runtime } from '../wiring/runtime.ts';
import type { JobName, JobSummary } from './catalog.ts';

/** What a job body gets: the stores, the time it runs at, and when to stop taking new work. */
export interface JobRun {
  runtime: Runtime;
  now: Date;
  progress: Progress;
}

export type JobResult = Pick<JobSummary, 'scanned' | 'changed' | 'failed' | 'truncated'> & {
  details: Record<string, number>;
};

export type JobBody = (run: JobRun) => Promise<JobResult>;

/** A job-specific figure, under the run's `job` dimension. */
export const emitJobMetric = (name: JobMetric, value: number) =>
  metrics.addMetric(name, jobMetrics[name].unit as MetricUnitValue, value);

type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

/** The run as its job's last one, for `npm run status`; never fails the run itself. */
const keepRun = async (rt: Runtime, run: RunRecord) => {
  try {
    await rt.store(jobRunStore).record(run);
  } catch (error) {
    logger.warn('job run not recorded', { job: run.job, error });
  }
};

/** Stop taking new work this long before the Lambda timeout; the next run resumes. */
const SAFETY_MARGIN_MS = 10_000;

/**
 * Runs a job body once and reports it: one summary log line and the job metrics (runs, items
 * changed/failed, duration; failures), then throws if the run failed: Scheduler invokes the job
 * asynchronously, so Lambda's async retries run it again and then park the event in the job's
 * dead-letter queue (Scheduler's own retries cover invocations it could not make).
 */
export const runJob = async (
  job: JobName,
  body: JobBody,
  options: { remainingMs: () => number; now?: Date; runtime?: Runtime },
): Promise<JobSummary> => {
  const rt = options.runtime ?? runtime();
  const now = options.now ?? rt.clock.now();
  const started = performance.now();
  const progress: Progress = { inTime: () => options.remainingMs() > SAFETY_MARGIN_MS };
  metrics.addDimension('job', job);
  try {
    const result = await body({ runtime: rt, now, progress });
    const summary: JobSummary = {
      job,
      startedAt: now.toISOString(),
      durationMs: Math.round(performance.now() - started),
      ...result,
    };
    metrics.addMetric('JobRuns', MetricUnit.Count, 1);
    metrics.addMetric('JobItemsChanged', MetricUnit.Count, summary.changed);
    metrics.addMetric('JobItemsFailed', MetricUnit.Count, summary.failed);
    metrics.addMetric('JobDuration', MetricUnit.Milliseconds, summary.durationMs);
    // A run that found nothing to do says so only at DEBUG: a quiet system stays quiet.
    const idle = summary.scanned === 0 && summary.failed === 0;
    (idle ? logger.debug : logger.info)('job finished', { summary });
    const { details: _d, ...figures } = summary;
    await keepRun(rt, { ...figures, outcome: 'ok' });
    return summary;
  } catch (error) {
    metrics.addMetric('JobFailures', MetricUnit.Count, 1);
    logger.error('job failed', { job, error });
    await keepRun(rt, {
      job,
      startedAt: now.toISOString(),
      durationMs: Math.round(performance.now() - started),
      outcome: 'failed',
      scanned: 0,
      changed: 0,
      failed: 0,
      truncated: false,
      error:
        (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300) ??
        '',
    });
    throw error;
  }
};

/** The Lambda handler of one job: its own logger and metrics scope, the run inside it. */
export const jobHandler = (job: JobName, body: JobBody) =>
  withObservability(
    (_event: unknown, context: Context) =>
      runJob(job, body, { remainingMs: () => context.getRemainingTimeInMillis() }),
    { coldStartMetric: true },
  );
