import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../lambdas/domain/errors.ts';
import { assertCan, assertCustomerVisible, can } from '../../lambdas/domain/policy.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_a', role: 'vendor-admin' };
const support: Principal = { kind: 'token', tokenId: 'tok_s', role: 'vendor-support' };
const custAdmin: Principal = {
  kind: 'token',
  tokenId: 'tok_c',
  role: 'customer-admin',
  customerId: 'cus_1',
};
const custUser: Principal = {
  kind: 'token',
  tokenId: 'tok_u',
  role: 'customer-user',
  customerId: 'cus_1',
};

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe('policy', () => {
  it('lets a vendor admin do everything', () => {
    expect(can(admin, 'product:write')).toBe(true);
    expect(can(admin, 'customer:delete')).toBe(true);
    expect(can(admin, 'token:write')).toBe(true);
  });

  it('keeps vendor support away from the catalog, tokens and deletions', () => {
    expect(can(support, 'customer:update')).toBe(true);
    expect(can(support, 'product:write')).toBe(false);
    expect(can(support, 'token:write')).toBe(false);
    expect(can(support, 'customer:delete')).toBe(false);
  });

  it('lets customer users only read', () => {
    expect(can(custUser, 'project:read')).toBe(true);
    expect(can(custUser, 'project:write')).toBe(false);
    expect(codeOf(() => assertCan(custUser, 'project:write'))).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND, not FORBIDDEN, when a customer-bound caller names another customer', () => {
    expect(codeOf(() => assertCustomerVisible(custAdmin, 'cus_2'))).toBe('NOT_FOUND');
    expect(codeOf(() => assertCustomerVisible(custAdmin, 'cus_1'))).toBeUndefined();
    expect(codeOf(() => assertCustomerVisible(support, 'cus_2'))).toBeUndefined();
  });

  it('gives the caller of an open route no rights at all', () => {
    const nobody: Principal = { kind: 'anonymous' };
    for (const action of ['product:read', 'license:write', 'token:write', 'audit:read'] as const) {
      expect(can(nobody, action)).toBe(false);
    }
  });
});
