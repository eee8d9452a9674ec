import * as z from 'zod';

export const roles = ['vendor-admin', 'vendor-support', 'customer-admin', 'customer-user'] as const;
export const Role = z.lazy(() => z.enum(roles));
export type Role = z.infer<typeof Role>;

export const isCustomerRole = (role: Role): boolean =>
  role === 'customer-admin' || role === 'customer-user';

/** Who is calling. Customer roles are always bound to exactly one customer. */
export type Principal =
  | { kind: 'token'; tokenId: string; role: 'vendor-admin' | 'vendor-support' }
  | { kind: 'token'; tokenId: string; role: 'customer-admin' | 'customer-user'; customerId: string }
  | { kind: 'system'; name: string }
  /** An open route's caller (instances before activation): no rights at all. */
  | { kind: 'anonymous' }
  /** An instance acting on its own activation (completing it, returning it): no other rights. */
  | { kind: 'instance'; activationId: string };

/** The actor recorded on audit events. */
export interface Actor {
  type: 'token' | 'system' | 'instance';
  id: string;
  role?: Role;
  customerId?: string;
}

export const actorOf = (principal: Principal): Actor => {
  if (principal.kind === 'system') return { type: 'system', id: principal.name };
  if (principal.kind === 'anonymous') return { type: 'system', id: 'anonymous' };
  if (principal.kind === 'instance') return { type: 'instance', id: principal.activationId };
  return {
    type: 'token',
    id: principal.tokenId,
    role: principal.role,
    ...('customerId' in principal ? { customerId: principal.customerId } : {}),
  };
};

export const boundCustomer = (principal: Principal): string | undefined =>
  principal.kind === 'token' && 'customerId' in principal ? principal.customerId : undefined;
