import * as z from './zod.ts';

export const roles = ['vendor-admin', 'vendor-support', 'customer-admin', 'customer-user'] as const;
export const Role = /* @__PURE__ */ z.lazy(() => z.enum(roles));
export type Role = z.infer<typeof Role>;

export const isCustomerRole = (role: Role): boolean =>
  role === 'customer-admin' || role === 'customer-user';

/**
 * A role and, for customer roles, the one customer it is bound to; `projects`, when present,
 * limits it further to those projects of that customer (rights per project).
 */
export type Membership =
  | { role: 'vendor-admin' | 'vendor-support' }
  | {
      role: 'customer-admin' | 'customer-user';
      customerId: string;
      projects?: readonly string[];
    };

/**
 * Who is calling. An API token and a signed-in person carry the same membership, so one
 * authorization path serves both. Customer roles are always bound to exactly one customer.
 */
export type Principal =
  | ({ kind: 'token'; tokenId: string } & Membership)
  | ({ kind: 'person'; personId: string } & Membership)
  | { kind: 'system'; name: string }
  /** An open route's caller (instances before activation): no rights at all. */
  | { kind: 'anonymous' }
  /** An instance acting on its own activation (completing it, returning it): no other rights. */
  | { kind: 'instance'; activationId: string };

/** The actor recorded on audit events. */
export interface Actor {
  /** `email`: someone known only by the address their e-mail came from (`id`). */
  type: 'token' | 'person' | 'system' | 'instance' | 'email';
  id: string;
  role?: Role;
  customerId?: string;
}

export const actorOf = (principal: Principal): Actor => {
  if (principal.kind === 'system') return { type: 'system', id: principal.name };
  if (principal.kind === 'anonymous') return { type: 'system', id: 'anonymous' };
  if (principal.kind === 'instance') return { type: 'instance', id: principal.activationId };
  return {
    type: principal.kind,
    id: principal.kind === 'token' ? principal.tokenId : principal.personId,
    role: principal.role,
    ...('customerId' in principal ? { customerId: principal.customerId } : {}),
  };
};

/** The role of a token or a person; none for the system, anonymous callers and instances. */
export const roleOf = (principal: Principal): Role | undefined =>
  principal.kind === 'token' || principal.kind === 'person' ? principal.role : undefined;

export const boundCustomer = (principal: Principal): string | undefined =>
  (principal.kind === 'token' || principal.kind === 'person') && 'customerId' in principal
    ? principal.customerId
    : undefined;

/** The projects a principal is limited to; undefined when it sees all its customer's projects. */
export const projectLimit = (principal: Principal): readonly string[] | undefined =>
  (principal.kind === 'token' || principal.kind === 'person') && 'projects' in principal
    ? principal.projects
    : undefined;
