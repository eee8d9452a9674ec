import type { AuditEvent, AuditQuery } from './audit.ts';
import type { Page } from './common.ts';
import { assertCan, assertCustomerVisible, customerScope } from './policy.ts';
import type { Principal } from './principal.ts';

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
  const own = customerScope(principal);
  if (own === undefined) return reader.list(query);
  if (query.customerId !== undefined) assertCustomerVisible(principal, query.customerId);
  const page = await reader.list({ ...query, customerScope: own });
  // Entity-filtered reads use the entity's partition: keep only the caller's customer's events.
  return { items: page.items.filter((e) => e.customerId === own), nextCursor: page.nextCursor };
};
