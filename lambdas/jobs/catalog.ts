/**
 * Tessera's scheduled jobs: one list read by CDK (one function and one EventBridge Scheduler
 * schedule per job, with retries and a dead-letter queue), by the local runtime's in-process
 * scheduler, and by `npm run job -- <name>`. Pure data: no SDK or CDK imports.
 */
export const jobCatalog = {
  'seat-reaper': {
    description: 'Frees concurrent seats whose lease expired without a release',
    everyMinutes: 1,
    /** Lambda timeout; a run stops taking new work well before it and resumes next time. */
    timeoutSeconds: 50,
    sendsMail: false,
  },
  'seat-reconciliation': {
    description: 'Recounts live leases per pool and repairs a counter that drifted',
    everyMinutes: 60,
    timeoutSeconds: 300,
    sendsMail: false,
  },
  'expiry-sweep': {
    description: 'Marks licenses whose validity ended as expired and records the event',
    everyMinutes: 60,
    timeoutSeconds: 300,
    sendsMail: false,
  },
  notifications: {
    description: 'Sends expiry reminders and license-issued e-mails, each exactly once',
    everyMinutes: 15,
    timeoutSeconds: 300,
    sendsMail: true,
  },
  'activation-cleanup': {
    description: 'Removes pending activations whose code expired',
    everyMinutes: 60,
    timeoutSeconds: 300,
    sendsMail: false,
  },
} as const satisfies Record<string, JobSpec>;

export interface JobSpec {
  description: string;
  everyMinutes: number;
  timeoutSeconds: number;
  /** Only jobs that send mail get `ses:SendEmail`, and only they import the mailer. */
  sendsMail: boolean;
}

export type JobName = keyof typeof jobCatalog;
export const jobNames = Object.keys(jobCatalog) as JobName[];

/** The Lambda entry of a job, relative to the repository root. */
export const jobEntry = (name: JobName) => `lambdas/jobs/entries/${name}.ts`;

/** What every run reports: in its log line, its metrics and the local runtime's summary. */
export interface JobSummary {
  job: JobName;
  startedAt: string;
  durationMs: number;
  /** Items looked at. */
  scanned: number;
  /** Items changed (seats freed, licenses expired, e-mails sent, counters repaired…). */
  changed: number;
  /** Items that failed and will be retried at the next run. */
  failed: number;
  /** True when the run stopped at its deadline with work left; the next run resumes. */
  truncated: boolean;
  /** Job-specific figures, e.g. `{ drifted: 1 }` for reconciliation. */
  details: Record<string, number>;
}
