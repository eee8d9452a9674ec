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

/** The seats a pool allows at `now`: only active licenses inside their validity window count. */
export const poolLimit = (
  licenses: readonly PoolLicense[],
  aggregation: Aggregation,
  now: Date,
): number => {
  const counting = licenses
    .filter((l) => effectiveStatus(l, now) === 'active')
    .map((l) => l.seatLimit);
  if (counting.length === 0) return 0;
  return aggregation === 'max' ? Math.max(...counting) : counting.reduce((a, b) => a + b, 0);
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
