import { describe, expect, it } from 'vitest';
import { daysLeft, effectiveStatus } from '../../lambdas/domain/license-status.ts';

const now = new Date('2026-06-15T12:00:00Z');
const base = { status: 'active' as const, validFrom: '2026-01-01T00:00:00Z' };

describe('license status', () => {
  it('is active inside the validity window and for perpetual licenses', () => {
    expect(effectiveStatus({ ...base, validTill: '2027-01-01T00:00:00Z' }, now)).toBe('active');
    expect(effectiveStatus(base, now)).toBe('active');
  });

  it('is derived from the dates: expired at validTill, not yet valid before validFrom', () => {
    expect(effectiveStatus({ ...base, validTill: '2026-06-15T12:00:00Z' }, now)).toBe('expired');
    expect(effectiveStatus({ ...base, validFrom: '2026-07-01T00:00:00Z' }, now)).toBe(
      'not_yet_valid',
    );
  });

  it('puts revoked before suspended before the dates', () => {
    const expired = { ...base, validTill: '2026-02-01T00:00:00Z' };
    expect(effectiveStatus({ ...expired, status: 'revoked' }, now)).toBe('revoked');
    expect(effectiveStatus({ ...expired, status: 'suspended' }, now)).toBe('suspended');
  });

  it('counts whole days left, negative after expiry, null when perpetual', () => {
    expect(daysLeft({ ...base, validTill: '2026-06-25T12:00:00Z' }, now)).toBe(10);
    expect(daysLeft({ ...base, validTill: '2026-06-16T11:00:00Z' }, now)).toBe(0);
    expect(daysLeft({ ...base, validTill: '2026-06-10T12:00:00Z' }, now)).toBe(-5);
    expect(daysLeft(base, now)).toBeNull();
  });
});
