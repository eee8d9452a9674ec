import { randomUUID } from 'node:crypto';
import { type JobName, type JobSummary, jobCatalog, jobNames } from '../../lambdas/jobs/catalog.ts';
import { lambdaContext } from './events.ts';

type JobHandler = (
  event: unknown,
  context: ReturnType<typeof lambdaContext>,
) => Promise<JobSummary>;

export const isJobName = (name: string): name is JobName => (jobNames as string[]).includes(name);

/**
 * Runs a job's very Lambda handler in this process, as EventBridge Scheduler would invoke it in
 * AWS: empty event, a context whose remaining time is the job's timeout. One run per job at a
 * time: a run asked for while one is going joins it instead of overlapping.
 */
export const localJobRunner = () => {
  const running = new Map<JobName, Promise<JobSummary>>();
  const run = (job: JobName): Promise<JobSummary> => {
    const going = running.get(job);
    if (going) return going;
    const started = (async () => {
      const module = (await import(`../../lambdas/jobs/entries/${job}.ts`)) as {
        handler: JobHandler;
      };
      const context = lambdaContext(job, randomUUID(), jobCatalog[job].timeoutSeconds * 1000);
      return module.handler({}, context);
    })().finally(() => running.delete(job));
    running.set(job, started);
    return started;
  };
  return { run };
};

export type LocalJobRunner = ReturnType<typeof localJobRunner>;

/** A run in one line, for the terminal of `npm start`. */
export const summaryLine = (s: JobSummary) => {
  const details = Object.entries(s.details)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return (
    `job ${s.job}: ${s.scanned} looked at, ${s.changed} changed, ${s.failed} failed` +
    `${s.truncated ? ' (more next run)' : ''}${details ? `; ${details}` : ''} in ${s.durationMs} ms`
  );
};

/**
 * The local stand-in for EventBridge Scheduler: each job at its catalog rate. Runs that found
 * nothing to do stay quiet; every other run prints its one-line summary.
 */
export const startLocalScheduler = (
  runner: LocalJobRunner,
  print: (line: string) => void,
): { stop(): void } => {
  const timers = jobNames.map((job) =>
    setInterval(() => {
      runner.run(job).then(
        (summary) => {
          if (summary.scanned > 0 || summary.failed > 0) print(summaryLine(summary));
        },
        (error: unknown) =>
          print(`job ${job} failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, jobCatalog[job].everyMinutes * 60_000).unref(),
  );
  return { stop: () => timers.forEach(clearInterval) };
};
