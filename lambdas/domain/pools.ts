import { effectiveStatus, type Validity } from './license-status.ts';

/**
 * A pool is one project's entitlement to one product: the licenses valid *now*, combined by the
 * product's aggregation rule (seed 001: licenses of a product add up, except products like CHAT
 * and EMAIL where the largest license counts; an expired license gives no access).
 */
export type Aggregation = 'sum' | 'max';

export interface PoolLicense extends Validity {
  licenseId: string;
  seatLimit: number;
}

const combine = (values: number[], aggregation: Aggregation) => {
  if (values.length === 0) return 0;
  return aggregation === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
};

/** The seats a pool allows at `now`: only active licenses inside their validity window count. */
export const poolLimit = (
  licenses: readonly PoolLicense[],
  aggregation: Aggregation,
  now: Date,
): number =>
  combine(
    licenses.filter((l) => effectiveStatus(l, now) === 'active').map((l) => l.seatLimit),
    aggregation,
  );

export type SeatModel = 'concurrent' | 'named' | 'instance';

/**
 * Seed 001's registry columns. Used: users signed in now (competitive, i.e. concurrent), users
 * assigned (nominal, i.e. named), or instances activated (instance model). Limit: the most the
 * pool (or license) allows of the same thing. Competitive: whether seats are concurrent.
 */
export interface SeatFigures {
  used: number;
  limit: number;
  competitive: boolean;
}

/** A license's instance figures, read from the license itself for instance-model pools. */
export interface LicenseActivations {
  activationCount: number;
  maxActivations: number;
}

export const poolFigures = (
  model: SeatModel,
  aggregation: Aggregation,
  pool: { used: number; assigned: number; licenses: readonly PoolLicense[] },
  activations: ReadonlyMap<string, LicenseActivations>,
  now: Date,
): SeatFigures => {
  const competitive = model === 'concurrent';
  if (model !== 'instance') {
    const used = model === 'named' ? pool.assigned : pool.used;
    return { used, limit: poolLimit(pool.licenses, aggregation, now), competitive };
  }
  const valid = pool.licenses
    .filter((l) => effectiveStatus(l, now) === 'active')
    .map((l) => activations.get(l.licenseId))
    .filter((a): a is LicenseActivations => a !== undefined);
  return {
    used: valid.reduce((sum, a) => sum + a.activationCount, 0),
    limit: combine(
      valid.map((a) => a.maxActivations),
      aggregation,
    ),
    competitive,
  };
};

/**
 * A license row's figures: its own limit; for concurrent and named products its pool's use
 * (seats are not attributed to one license of a pool), for instance products its own activations.
 */
export const licenseFigures = (
  model: SeatModel,
  license: { seatLimit: number } & LicenseActivations,
  pool: { used: number; assigned: number } | undefined,
): SeatFigures => {
  if (model === 'instance') {
    return { used: license.activationCount, limit: license.maxActivations, competitive: false };
  }
  const used = model === 'named' ? (pool?.assigned ?? 0) : (pool?.used ?? 0);
  return { used, limit: license.seatLimit, competitive: model === 'concurrent' };
};

/**
 * The next moment the limit can change by itself (a license starting or ending), so a stored
 * limit knows when it goes stale; undefined when no date lies ahead.
 */
export const nextLimitChange = (licenses: readonly PoolLicense[], now: Date): Date | undefined => {
  const ahead = licenses
    .filter((l) => l.status === 'active')
    .flatMap((l) => [l.validFrom, l.validTill])
    .filter((t): t is string => t !== undefined)
    .map((t) => new Date(t))
    .filter((t) => t > now)
    .sort((a, b) => a.getTime() - b.getTime());
  return ahead[0];
};
