/** What operators see of a job's last run (`npm run status`): its outcome and figures. */
export interface JobRun {
  job: string;
  startedAt: string;
  durationMs: number;
  outcome: 'ok' | 'failed';
  scanned: number;
  changed: number;
  failed: number;
  truncated: boolean;
  /** A failed run's error, in one line (never a secret: jobs handle none). */
  error?: string;
}

export interface JobRunStore {
  /** Keeps the run as its job's last one. */
  record(run: JobRun): Promise<void>;
  /** The last run of every job that has run. */
  all(): Promise<JobRun[]>;
}
