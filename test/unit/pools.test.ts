import { describe, expect, it } from 'vitest';
import { nextLimitChange, type PoolLicense, poolLimit } from '../../lambdas/domain/pools.ts';

const now = new Date('2026-06-15T12:00:00Z');
const lic = (seatLimit: number, extra: Partial<PoolLicense> = {}): PoolLicense => ({
  licenseId: `lic_${seatLimit}`,
  seatLimit,
  status: 'active',
  validFrom: '2026-01-01T00:00:00Z',
  ...extra,
});

describe('pool limits', () => {
  it('add licenses up for sum products and take the largest for max products', () => {
    const licenses = [lic(10), lic(25), lic(5)];
    expect(poolLimit(licenses, 'sum', now)).toBe(40);
    expect(poolLimit(licenses, 'max', now)).toBe(25);
  });

  it('count nothing from expired, not-yet-valid, suspended or revoked licenses', () => {
    const licenses = [
      lic(10),
      lic(100, { validTill: '2026-06-01T00:00:00Z' }),
      lic(200, { validFrom: '2026-07-01T00:00:00Z' }),
      lic(300, { status: 'suspended' }),
      lic(400, { status: 'revoked' }),
    ];
    expect(poolLimit(licenses, 'sum', now)).toBe(10);
    expect(poolLimit(licenses, 'max', now)).toBe(10);
  });

  it('is zero without a valid license', () => {
    expect(poolLimit([], 'sum', now)).toBe(0);
    expect(poolLimit([lic(5, { status: 'revoked' })], 'max', now)).toBe(0);
  });

  it('drops the moment a license ends, without any job running', () => {
    const licenses = [lic(10), lic(15, { validTill: '2026-06-15T12:00:01Z' })];
    expect(poolLimit(licenses, 'sum', now)).toBe(25);
    expect(poolLimit(licenses, 'sum', new Date('2026-06-15T12:00:01Z'))).toBe(10);
    expect(nextLimitChange(licenses, now)?.toISOString()).toBe('2026-06-15T12:00:01.000Z');
  });
});
