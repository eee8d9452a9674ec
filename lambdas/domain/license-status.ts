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

/** What a license that is not valid now answers where it is used: its stable refusal code. */
export const refusalOf = {
  revoked: { code: 'LICENSE_REVOKED', message: 'This license is revoked.' },
  suspended: {
    code: 'LICENSE_SUSPENDED',
    message: 'This license is suspended; contact your vendor.',
  },
  not_yet_valid: { code: 'LICENSE_NOT_YET_VALID', message: 'This license is not valid yet.' },
  expired: { code: 'LICENSE_EXPIRED', message: 'This license has expired.' },
} as const satisfies Record<Exclude<LicenseStatus, 'active'>, { code: string; message: string }>;

export type LicenseRefusal = (typeof refusalOf)[keyof typeof refusalOf];

/** The refusal for a license that is not valid at `now`, in the precedence above; else none. */
export const licenseRefusal = (license: Validity, now: Date): LicenseRefusal | undefined => {
  const status = effectiveStatus(license, now);
  return status === 'active' ? undefined : refusalOf[status];
};
