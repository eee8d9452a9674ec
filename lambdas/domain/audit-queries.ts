import type { AuditEvent, AuditQuery } from './audit.ts';
import type { Page } from './common.ts';
import { forbidden } from './errors.ts';
import { assertCan, assertCustomerVisible, customerScope } from './policy.ts';
import { type Principal, projectLimit } from './principal.ts';

export interface AuditReader {
  list(query: AuditQuery & { customerScope?: string }): Promise<Page<AuditEvent>>;
}

/**
 * Vendor principals read the whole trail; customer admins read their own customer's events only,
 * and a filter naming another customer's entity simply finds nothing.
 */
export const listAuditEvents = async (
  reader: AuditReader,
  principal: Principal,
  query: AuditQuery,
): Promise<Page<AuditEvent>> => {
  assertCan(principal, 'audit:read');
  // The company's trail spans every project; someone limited to some reads a license's history.
  if (projectLimit(principal) !== undefined) throw forbidden();
  const own = customerScope(principal);
  if (own === undefined) return reader.list(query);
  if (query.customerId !== undefined) assertCustomerVisible(principal, query.customerId);
  const page = await reader.list({ ...query, customerScope: own });
  // Entity-filtered reads use the entity's partition: keep only the caller's customer's events.
  return { items: page.items.filter((e) => e.customerId === own), nextCursor: page.nextCursor };
};

/**
 * A license's history, newest first: issue, changes, activations completed, returned, locked or
 * deactivated, expiry. Whoever may not see the license gets 404.
 */
export const listLicenseEvents = async (
  deps: { audit: AuditReader; license: (id: string) => Promise<unknown> },
  principal: Principal,
  licenseId: string,
  page: { limit: number; cursor?: string },
): Promise<Page<AuditEvent>> => {
  assertCan(principal, 'audit:read');
  await deps.license(licenseId);
  return deps.audit.list({
    entityType: 'license',
    entityId: licenseId,
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
};
