import { DomainError, forbidden, notFound } from './errors.ts';
import { boundCustomer, type Principal, projectLimit, type Role, roleOf } from './principal.ts';

/**
 * What each role may do. Customer roles act only inside their own customer; whether a customer's
 * data is visible at all is decided by `assertCustomerVisible`, which answers 404 rather than 403
 * so that a tenant cannot even learn that another tenant's ids exist.
 */
export const actions = [
  'product:read',
  'product:write',
  'customer:read',
  'customer:create',
  'customer:update',
  'customer:delete',
  'project:read',
  'project:write',
  'token:read',
  'token:write',
  'audit:read',
  'license:read',
  'license:write',
  'license:import',
  /** See and copy a license's full key; others see only its first group. */
  'license:key',
  /** Deactivate an instance on someone's behalf (its slot goes back where the product allows). */
  'activation:manage',
  /** See the people who sign in (staff, or a customer's own people). */
  'person:read',
  /** Invite people, change their role, disable, enable and remove them. */
  'person:write',
  /** See a customer's trials. */
  'trial:read',
  /** Ask for a product's trial for one's company (issued at once or after approval). */
  'trial:request',
  /** Approve or decline trials that wait for the vendor; list them across customers. */
  'trial:decide',
  /** See tickets: every one (staff), the company's (company users), one's own (users). */
  'ticket:read',
  /** Open tickets and write on one's own. */
  'ticket:write',
  /** The vendor's agents: the queue, status, assignment, internal notes, every thread. */
  'ticket:manage',
  /** Create, list and remove on-site relays of a project (docs/relay.md). */
  'relay:manage',
] as const;
export type Action = (typeof actions)[number];

const grants: Record<Role, ReadonlySet<Action>> = {
  'vendor-admin': new Set(actions),
  'vendor-support': new Set<Action>([
    'product:read',
    'customer:read',
    'customer:create',
    'customer:update',
    'project:read',
    'project:write',
    'audit:read',
    'license:read',
    'license:import',
    'license:key',
    'activation:manage',
    'person:read',
    'trial:read',
    'ticket:read',
    'ticket:write',
    'ticket:manage',
    'relay:manage',
  ]),
  'customer-admin': new Set<Action>([
    'product:read',
    'customer:read',
    'project:read',
    'project:write',
    'token:read',
    'token:write',
    'audit:read',
    'license:read',
    'license:import',
    'license:key',
    'activation:manage',
    'person:read',
    'person:write',
    'trial:read',
    'trial:request',
    'ticket:read',
    'ticket:write',
    'relay:manage',
  ]),
  'customer-user': new Set<Action>([
    'product:read',
    'customer:read',
    'project:read',
    'license:read',
    'trial:read',
    'ticket:read',
    'ticket:write',
  ]),
};

/**
 * What spans the whole company: someone limited to some projects does none of it (they would
 * see or change what lies outside their projects, or widen their own rights).
 */
const companyWide: ReadonlySet<Action> = new Set<Action>([
  'project:write',
  'token:read',
  'token:write',
  'person:read',
  'person:write',
]);

export const can = (principal: Principal, action: Action): boolean => {
  if (principal.kind === 'system') return true;
  const role = roleOf(principal);
  if (projectLimit(principal) !== undefined && companyWide.has(action)) return false;
  return role !== undefined && grants[role].has(action);
};

/**
 * A principal limited to some projects sees only those: anything in another project (or in none)
 * does not exist for it, so the answer is 404 like another customer's.
 */
export const assertProjectVisible = (
  principal: Principal,
  projectId: string | undefined,
  what: string,
): void => {
  const limit = projectLimit(principal);
  if (limit !== undefined && (projectId === undefined || !limit.includes(projectId))) {
    throw notFound(what);
  }
};

/**
 * A license as a principal may see it: its own customer's, in a project it sees; anything else
 * (or nothing) is 404. Unassigned licenses exist only for the vendor's staff.
 */
export const assertLicenseVisible = <L extends { customerId?: string; projectId?: string }>(
  principal: Principal,
  license: L | undefined,
): L => {
  assertCan(principal, 'license:read');
  const own = customerScope(principal);
  if (!license || (own !== undefined && license.customerId !== own)) throw notFound('License');
  assertProjectVisible(principal, license.projectId, 'License');
  return license;
};

/** The projects a listing must be limited to, or undefined for every project of the customer. */
export const projectScope = (principal: Principal): readonly string[] | undefined =>
  projectLimit(principal);

export const assertCan = (principal: Principal, action: Action): void => {
  if (!can(principal, action)) throw forbidden();
};

/** A customer-bound principal sees its own customer only; everything else does not exist for it. */
export const assertCustomerVisible = (principal: Principal, customerId: string): void => {
  const own = boundCustomer(principal);
  if (own !== undefined && own !== customerId) throw notFound('Customer');
};

/** The customer scope a listing must be limited to, or undefined for vendor principals. */
export const customerScope = (principal: Principal): string | undefined => boundCustomer(principal);

export const assertNotSelfEscalation = (principal: Principal, requested: Role): void => {
  if (principal.kind === 'system') return;
  const role = roleOf(principal);
  if (role === 'vendor-admin') return;
  if (role === 'customer-admin' && requested.startsWith('customer-')) return;
  throw new DomainError('FORBIDDEN', `Your role may not grant '${requested}'.`);
};
