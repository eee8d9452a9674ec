/**
 * Every CloudWatch metric Tessera emits (namespace `Tessera`, EMF through Powertools), named once
 * so the handlers that emit and the dashboard and alarms that read can never disagree.
 * Pure data: imported by lambdas and by lib/.
 */
export const METRIC_NAMESPACE = 'Tessera';
/** Powertools' default dimension, on every metric. */
export const SERVICE_DIMENSION = { service: 'tessera' } as const;

/** Business metrics: emitted with the service dimension only, plus the dimension listed. */
export const businessMetrics = {
  ActivationsStarted: { unit: 'Count' },
  ActivationsCompleted: { unit: 'Count' },
  /** dimension `code`: the refusal's error code. */
  ActivationsFailed: { unit: 'Count', dimension: 'code' },
  /** dimension `code`: VALID or the refusal's code. */
  Validations: { unit: 'Count', dimension: 'code' },
  SeatCheckouts: { unit: 'Count' },
  SeatDenialsPoolFull: { unit: 'Count' },
  SeatForcedReleases: { unit: 'Count' },
  /** Highest used/limit (percent) seen by reconciliation across pools. */
  PoolUtilisationMax: { unit: 'Percent' },
  /** Licenses whose validity ends within 30 days, counted by the expiry sweep. */
  LicensesExpiringIn30Days: { unit: 'Count' },
  EmailsSent: { unit: 'Count' },
  /** No dimension, so one alarm covers every reason; the reason is in the warning log line. */
  EmailsFailed: { unit: 'Count' },
  /** KMS signing failures (instance function). */
  SigningFailures: { unit: 'Count' },
} as const;

/** Job metrics: emitted with the service dimension plus `job`. */
export const jobMetrics = {
  JobRuns: { unit: 'Count' },
  JobFailures: { unit: 'Count' },
  JobItemsChanged: { unit: 'Count' },
  JobItemsFailed: { unit: 'Count' },
  JobDuration: { unit: 'Milliseconds' },
  /** Seat counters found off and repaired by reconciliation. */
  SeatCountersRepaired: { unit: 'Count' },
} as const;

export type BusinessMetric = keyof typeof businessMetrics;
export type JobMetric = keyof typeof jobMetrics;
