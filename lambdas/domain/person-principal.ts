import { DomainError } from './errors.ts';
import type { Membership, Principal, Role } from './principal.ts';

/** What authenticating a person reads of Tessera's record (domain/people.ts holds the rest). */
export interface PersonRecord {
  id: string;
  role: Role;
  customerId?: string;
  /** Set when the person may see only these projects of their customer. */
  projectIds?: string[];
  status: 'invited' | 'active' | 'disabled';
}

/**
 * A signed-in person as a principal: what every authenticated function needs of people, kept
 * apart from managing them so those functions do not carry the rest (ADR 0010).
 */
export const membershipOf = (person: Pick<PersonRecord, 'role' | 'customerId'>): Membership => {
  if (person.role === 'customer-admin' || person.role === 'customer-user') {
    if (!person.customerId) throw new Error('A customer role without a customer');
    return { role: person.role, customerId: person.customerId };
  }
  return { role: person.role };
};

/** The person acting as themselves: a sign-in, their own password reset, their own link. */
export const personPrincipal = (
  person: Pick<PersonRecord, 'id' | 'role' | 'customerId' | 'projectIds'>,
): Principal => ({
  kind: 'person',
  personId: person.id,
  ...membershipOf(person),
  ...(person.customerId && person.projectIds ? { projects: person.projectIds } : {}),
});

/** The principal behind a verified provider token, or 401 when Tessera's record says no. */
export const principalOfSubject = async (
  store: { bySubject(subject: string): Promise<PersonRecord | undefined> },
  subject: string,
): Promise<Principal> => {
  const person = await store.bySubject(subject);
  if (person?.status !== 'active') {
    throw new DomainError('UNAUTHENTICATED', 'Sign in again.');
  }
  return personPrincipal(person);
};
