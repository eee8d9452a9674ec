import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { applyPatch, IdOf, type Page, PageQuery, ProjectIds, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import { type Language, LanguageCode, languages } from './language.ts';
import { membershipOf } from './person-principal.ts';
import {
  assertCan,
  assertCustomerVisible,
  assertNotSelfEscalation,
  customerScope,
} from './policy.ts';
import { isCustomerRole, type Membership, type Principal, Role } from './principal.ts';
import * as z from './zod.ts';

/**
 * People who sign in (staff and customers' users), as seed 002 enables them: an invitation
 * e-mail carries the credentials (username = e-mail, a random temporary password), the first
 * sign-in sets a password of one's own.
 *
 * Tessera keeps its own record of each person and checks it on every request: the identity
 * provider (Cognito) proves who signs in, the record says whether they may and as what. So
 * disabling or removing someone takes effect on their next request, although an access token
 * the provider issued stays valid until it expires.
 */
export const personStatuses = ['invited', 'active', 'disabled'] as const;
export type PersonStatus = (typeof personStatuses)[number];

export interface Person {
  id: string;
  /** Lower-cased; also the sign-in name. */
  email: string;
  name?: string;
  role: Role;
  /** Set exactly for customer roles. */
  customerId?: string;
  /** Customer roles: only these projects of the customer (absent: all of them). */
  projectIds?: string[];
  /** `invited` until the first sign-in sets a password; `disabled` signs in no more. */
  status: PersonStatus;
  /** The identity provider's subject (`sub`) of this person's account. */
  subject: string;
  invitedAt: string;
  lastSignInAt?: string;
  /** Signs in with an authenticator app as well (lambdas/domain/mfa.ts). */
  mfa?: boolean;
  /** Their own language for e-mails and pages; else their customer's. */
  language?: Language;
  /**
   * Accounts at the stage's federated identity providers (the vendor's own directory), linked
   * at their first sign-in by e-mail (lambdas/domain/federation.ts); each subject is claimed.
   */
  links?: FederatedLink[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface FederatedLink {
  provider: string;
  subject: string;
}

export const PersonId = /* @__PURE__ */ z.lazy(() => IdOf('per'));
export const PersonPath = /* @__PURE__ */ z.lazy(() => z.strictObject({ personId: PersonId }));

export const InvitePersonInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    email: z.email().max(254).describe('Sign-in name and where the invitation goes'),
    name: z.string().trim().min(1).max(200).optional(),
    role: Role,
    customerId: IdOf('cus').optional().describe('Required for customer roles'),
    projectIds: ProjectIds.optional().describe(
      'Customer roles: only these projects of the customer (omit for all of them)',
    ),
    language: LanguageCode.optional().describe("Omit for the customer's language"),
  }),
);
export type InvitePersonInput = z.infer<typeof InvitePersonInput>;

export const ChangePersonInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      role: Role.optional(),
      name: z.string().trim().min(1).max(200).nullable().optional(),
      projectIds: ProjectIds.nullable()
        .optional()
        .describe('Customer roles: only these projects; null gives all of them again'),
      language: LanguageCode.nullable().optional().describe("null: the customer's language"),
    })
    .refine((input) => Object.keys(input).length > 0, 'Give at least one field to change'),
);
export type ChangePersonInput = z.infer<typeof ChangePersonInput>;

export const PersonListQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap().extend({
    customerId: IdOf('cus').optional().describe('Only this customer’s people'),
  }),
);

export const PersonView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: PersonId,
    email: z.string(),
    name: z.string().optional(),
    role: Role,
    customerId: z.string().optional(),
    projectIds: z
      .array(z.string())
      .optional()
      .describe('Set when the person sees only these projects of their customer'),
    status: z.enum(personStatuses),
    language: z.enum(languages).optional(),
    invitedAt: Timestamp,
    lastSignInAt: Timestamp.optional(),
    mfa: z.boolean().optional().describe('Signs in with an authenticator app as a second factor'),
    signInProviders: z
      .array(z.string())
      .optional()
      .describe('Federated identity providers this person has signed in through'),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);
export type PersonView = Omit<Person, 'subject' | 'links'> & { signInProviders?: string[] };
/** What anyone shown a person sees: the provider's subjects stay Tessera's business. */
export const toPersonView = ({ subject: _subject, links, ...view }: Person): PersonView => ({
  ...view,
  ...(links?.length ? { signInProviders: links.map((l) => l.provider) } : {}),
});
/** Every subject that signs in as this person: their own account and any linked ones. */
export const subjectsOf = (p: Person): string[] => [
  p.subject,
  ...(p.links ?? []).map((l) => l.subject),
];

/** The accounts at the identity provider; username = the lower-cased e-mail. */
export interface IdentityDirectory {
  /** Creates the account with a temporary password, sending nothing; answers its subject. */
  createUser(account: { email: string; temporaryPassword: string } & Membership): Promise<{
    subject: string;
  }>;
  /** A new temporary password: the account must set its own at the next sign-in. */
  resetTemporaryPassword(email: string, temporaryPassword: string): Promise<void>;
  setMembership(email: string, membership: Membership, previous: Membership): Promise<void>;
  disableUser(email: string): Promise<void>;
  enableUser(email: string): Promise<void>;
  deleteUser(email: string): Promise<void>;
}

export interface PasswordGenerator {
  /** A random password the provider's policy accepts. */
  temporary(): string;
}

/** What tells the invited person: Tessera's own invitation e-mail (never the provider's). */
export interface Inviter {
  send(invitation: {
    to: string;
    temporaryPassword: string;
    role: Role;
    /** The person's own language, if set; else the inviter finds their customer's. */
    language?: Language;
    customerId?: string;
  }): Promise<void>;
}

export interface PeopleStore {
  /** Writes the person and its e-mail claim; ALREADY_EXISTS if the e-mail is taken. */
  create(person: Person, event: AuditEvent): Promise<void>;
  get(personId: string): Promise<Person | undefined>;
  byEmail(email: string): Promise<Person | undefined>;
  bySubject(subject: string): Promise<Person | undefined>;
  list(
    scope: { customerId?: string },
    query: { limit: number; cursor?: string },
  ): Promise<Page<Person>>;
  /** Replaces `before` (checked by version) with `after`. */
  replace(before: Person, after: Person, event: AuditEvent | undefined): Promise<void>;
  /**
   * Replaces `before` with `after`, which links one more subject (claimed, so no one else can
   * hold it: ALREADY_EXISTS), releasing `released` (the provider's former subject), if any.
   */
  link(
    before: Person,
    after: Person,
    change: { claimed: string; released?: string },
    event: AuditEvent,
  ): Promise<void>;
  remove(person: Person, event: AuditEvent): Promise<void>;
}

export interface PeopleDeps {
  store: PeopleStore;
  directory: IdentityDirectory;
  passwords: PasswordGenerator;
  inviter: Inviter;
}

/** The audit trail's reference to a person. */
export const personRef = (p: Person) => ({
  type: 'person' as const,
  id: p.id,
  ...(p.customerId ? { customerId: p.customerId } : {}),
});

/** The audit trail records who and what, never a password. */
export const auditedPerson = toPersonView;

/** Whether `principal` may see this person at all; otherwise it does not exist for them. */
const visiblePerson = (principal: Principal, person: Person | undefined): Person => {
  if (!person) throw notFound('Person');
  const own = customerScope(principal);
  if (own !== undefined && person.customerId !== own) throw notFound('Person');
  return person;
};

export const getPerson = async (store: PeopleStore, principal: Principal, personId: string) => {
  assertCan(principal, 'person:read');
  return toPersonView(visiblePerson(principal, await store.get(personId)));
};

export const listPeople = async (
  store: PeopleStore,
  principal: Principal,
  query: { limit: number; cursor?: string; customerId?: string },
): Promise<Page<PersonView>> => {
  assertCan(principal, 'person:read');
  const own = customerScope(principal);
  if (own !== undefined && query.customerId !== undefined) {
    assertCustomerVisible(principal, query.customerId);
  }
  const customerId = own ?? query.customerId;
  const page = await store.list(customerId ? { customerId } : {}, query);
  return { items: page.items.map(toPersonView), nextCursor: page.nextCursor };
};

export const invitePerson = async (
  deps: PeopleDeps,
  ctx: ChangeContext,
  input: InvitePersonInput,
): Promise<PersonView> => {
  assertCan(ctx.principal, 'person:write');
  assertNotSelfEscalation(ctx.principal, input.role);
  const own = customerScope(ctx.principal);
  const customerId = isCustomerRole(input.role) ? (input.customerId ?? own) : undefined;
  if (isCustomerRole(input.role) && customerId === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Customer roles need a customerId.', {
      errors: [{ path: 'body.customerId', message: 'Required for customer roles' }],
    });
  }
  if (!isCustomerRole(input.role) && input.customerId !== undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Staff are not bound to a customer.', {
      errors: [{ path: 'body.customerId', message: 'Not allowed for vendor roles' }],
    });
  }
  if (customerId !== undefined) assertCustomerVisible(ctx.principal, customerId);
  if (customerId === undefined && input.projectIds !== undefined) throw staffHaveNoProjects();
  const email = input.email.trim().toLowerCase();
  if (await deps.store.byEmail(email)) {
    throw new DomainError('ALREADY_EXISTS', 'Someone with this e-mail is already invited.');
  }
  const temporaryPassword = deps.passwords.temporary();
  const membership = membershipOf({ role: input.role, ...(customerId ? { customerId } : {}) });
  const { subject } = await deps.directory.createUser({ email, temporaryPassword, ...membership });
  const at = ctx.now.toISOString();
  const person: Person = {
    id: ctx.ids.next('per'),
    email,
    ...(input.name ? { name: input.name } : {}),
    ...membership,
    ...(input.projectIds ? { projectIds: input.projectIds } : {}),
    ...(input.language ? { language: input.language } : {}),
    status: 'invited',
    subject,
    invitedAt: at,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await deps.store.create(
      person,
      auditEvent(ctx, 'person.invited', personRef(person), null, auditedPerson(person)),
    );
  } catch (error) {
    // Nothing half-made: the account goes again if Tessera's record could not be written.
    await deps.directory.deleteUser(email).catch(() => undefined);
    throw error;
  }
  await deps.inviter.send(invitationOf(person, temporaryPassword));
  return toPersonView(person);
};

const invitationOf = (person: Person, temporaryPassword: string) => ({
  to: person.email,
  temporaryPassword,
  role: person.role,
  ...(person.language ? { language: person.language } : {}),
  ...(person.customerId ? { customerId: person.customerId } : {}),
});

const staffHaveNoProjects = () =>
  new DomainError('VALIDATION_FAILED', 'Staff see every project.', {
    errors: [{ path: 'body.projectIds', message: 'Only for customer roles' }],
  });

/** Someone who may manage `person`: sees it, and could have invited someone with its role. */
const manageable = async (deps: PeopleDeps, ctx: ChangeContext, personId: string) => {
  assertCan(ctx.principal, 'person:write');
  const person = visiblePerson(ctx.principal, await deps.store.get(personId));
  assertNotSelfEscalation(ctx.principal, person.role);
  if (ctx.principal.kind === 'person' && ctx.principal.personId === person.id) {
    throw new DomainError('FORBIDDEN', 'Ask someone else to change your own account.');
  }
  return person;
};

const changed = (ctx: ChangeContext, before: Person, patch: Partial<Person>): Person => ({
  ...before,
  ...patch,
  version: before.version + 1,
  updatedAt: ctx.now.toISOString(),
});

/** A new temporary password by e-mail, while the person has not signed in yet. */
export const resendInvitation = async (
  deps: PeopleDeps,
  ctx: ChangeContext,
  personId: string,
): Promise<PersonView> => {
  const before = await manageable(deps, ctx, personId);
  if (before.status !== 'invited') {
    throw new DomainError('CONCURRENT_MODIFICATION', 'This person has already signed in.');
  }
  const temporaryPassword = deps.passwords.temporary();
  await deps.directory.resetTemporaryPassword(before.email, temporaryPassword);
  const after = changed(ctx, before, { invitedAt: ctx.now.toISOString() });
  await deps.store.replace(
    before,
    after,
    auditEvent(
      ctx,
      'person.invitation-resent',
      personRef(after),
      auditedPerson(before),
      auditedPerson(after),
    ),
  );
  await deps.inviter.send(invitationOf(after, temporaryPassword));
  return toPersonView(after);
};

export const changePerson = async (
  deps: PeopleDeps,
  ctx: ChangeContext,
  personId: string,
  input: ChangePersonInput,
): Promise<PersonView> => {
  const before = await manageable(deps, ctx, personId);
  const role = input.role ?? before.role;
  assertNotSelfEscalation(ctx.principal, role);
  if (isCustomerRole(role) !== isCustomerRole(before.role)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'A person stays staff or stays a customer’s; invite a new account instead.',
      { errors: [{ path: 'body.role', message: 'Cannot move between staff and customer roles' }] },
    );
  }
  if (!before.customerId && input.projectIds) throw staffHaveNoProjects();
  // PATCH semantics: an absent field stays, null removes it.
  const after = changed(
    ctx,
    applyPatch(before, {
      name: input.name,
      projectIds: input.projectIds,
      language: input.language,
    }),
    { role },
  );
  if (role !== before.role) {
    await deps.directory.setMembership(before.email, membershipOf(after), membershipOf(before));
  }
  return saveChange(deps, ctx, before, after);
};

/** Writes a person's change with its `person.changed` event (409 on a lost race). */
const saveChange = async (
  deps: Pick<PeopleDeps, 'store'>,
  ctx: ChangeContext,
  before: Person,
  after: Person,
): Promise<PersonView> => {
  await deps.store.replace(
    before,
    after,
    auditEvent(
      ctx,
      'person.changed',
      personRef(after),
      auditedPerson(before),
      auditedPerson(after),
    ),
  );
  return toPersonView(after);
};

/** What a signed-in person may change about themselves: the language of their messages. */
export const OwnSettingsInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    language: LanguageCode.nullable().describe("null: their customer's (or the vendor's) language"),
  }),
);
export type OwnSettingsInput = z.infer<typeof OwnSettingsInput>;

/**
 * A person changes the language of their own e-mails (invitations aside, every message to them).
 * Only a person has a self: an API token gets 404. Lost races answer 409, as every change does.
 */
export const changeOwnSettings = async (
  deps: Pick<PeopleDeps, 'store'>,
  ctx: ChangeContext,
  input: OwnSettingsInput,
): Promise<PersonView> => {
  const before =
    ctx.principal.kind === 'person' ? await deps.store.get(ctx.principal.personId) : undefined;
  if (!before) throw notFound('Person');
  return saveChange(
    deps,
    ctx,
    before,
    changed(ctx, applyPatch(before, { language: input.language }), {}),
  );
};

export const disablePerson = async (deps: PeopleDeps, ctx: ChangeContext, personId: string) => {
  const before = await manageable(deps, ctx, personId);
  if (before.status === 'disabled') return toPersonView(before);
  // Tessera's record first: it is what every request checks, so the person is out at once.
  const after = changed(ctx, before, { status: 'disabled' });
  await deps.store.replace(
    before,
    after,
    auditEvent(
      ctx,
      'person.disabled',
      personRef(after),
      auditedPerson(before),
      auditedPerson(after),
    ),
  );
  await deps.directory.disableUser(before.email);
  return toPersonView(after);
};

export const enablePerson = async (deps: PeopleDeps, ctx: ChangeContext, personId: string) => {
  const before = await manageable(deps, ctx, personId);
  if (before.status !== 'disabled') return toPersonView(before);
  await deps.directory.enableUser(before.email);
  const after = changed(ctx, before, { status: before.lastSignInAt ? 'active' : 'invited' });
  await deps.store.replace(
    before,
    after,
    auditEvent(
      ctx,
      'person.enabled',
      personRef(after),
      auditedPerson(before),
      auditedPerson(after),
    ),
  );
  return toPersonView(after);
};

export const removePerson = async (deps: PeopleDeps, ctx: ChangeContext, personId: string) => {
  const before = await manageable(deps, ctx, personId);
  await deps.store.remove(
    before,
    auditEvent(ctx, 'person.removed', personRef(before), auditedPerson(before), null),
  );
  await deps.directory.deleteUser(before.email);
};
