/**
 * A license's status as people see it. Stored status is `active`, `suspended` or `revoked`;
 * `expired` and `not_yet_valid` are computed from the dates at every read and every check, so
 * no job has to run for a license to stop being valid.
 */
export type StoredStatus = 'active' | 'suspended' | 'revoked';
export type LicenseStatus = StoredStatus | 'expired' | 'not_yet_valid';

export interface Validity {
  status: StoredStatus;
  validFrom: string;
  /** Absent for perpetual licenses. */
  validTill?: string;
}

const DAY_MS = 86_400_000;

/** Precedence: revoked, suspended, not yet valid, expired, active. */
export const effectiveStatus = (license: Validity, now: Date): LicenseStatus => {
  if (license.status === 'revoked') return 'revoked';
  if (license.status === 'suspended') return 'suspended';
  if (new Date(license.validFrom) > now) return 'not_yet_valid';
  if (license.validTill !== undefined && new Date(license.validTill) <= now) return 'expired';
  return 'active';
};

/** Whole days until validTill (0 on the last day, negative once expired); null when perpetual. */
export const daysLeft = (license: Validity, now: Date): number | null =>
  license.validTill === undefined
    ? null
    : Math.floor((new Date(license.validTill).getTime() - now.getTime()) / DAY_MS);
