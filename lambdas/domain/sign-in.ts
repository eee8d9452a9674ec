import { auditEvent, type ChangeContext } from './audit.ts';
import { DomainError } from './errors.ts';
import { languages } from './language.ts';
import { auditedPerson, type PeopleStore, type Person, personRef, subjectsOf } from './people.ts';
import { personPrincipal } from './person-principal.ts';
import * as z from './zod.ts';

/**
 * Signing in with e-mail and password through the identity provider, for the console and the
 * portal. The provider checks the password; Tessera's record decides whether the person may sign
 * in at all, so a disabled or removed person is refused even where the provider (or its local
 * stand-in) would let them through. Every refusal is the same 401: nobody learns from it which
 * e-mails have accounts.
 */
export const SignInInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    email: z.email().max(254),
    password: z.string().min(1).max(256),
  }),
);
export type SignInInput = z.infer<typeof SignInInput>;

export const NewPasswordInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    email: z.email().max(254),
    session: z.string().min(1).max(4096).describe('From the NEW_PASSWORD_REQUIRED answer'),
    newPassword: z.string().min(1).max(256),
  }),
);
export type NewPasswordInput = z.infer<typeof NewPasswordInput>;

export const MfaCodeInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    email: z.email().max(254),
    session: z.string().min(1).max(4096).describe('From the MFA_REQUIRED answer'),
    code: z
      .string()
      .regex(/^\d{6}$/, 'six digits')
      .describe('The code the authenticator app shows now'),
  }),
);
export type MfaCodeInput = z.infer<typeof MfaCodeInput>;

export const SessionView = /* @__PURE__ */ z.lazy(() =>
  z.union([
    z.object({
      status: z.literal('SIGNED_IN'),
      accessToken: z.string().describe('Send as Bearer; keep it in memory only'),
      expiresIn: z.number().int().describe('Seconds the access token is valid'),
      person: z.object({
        id: z.string(),
        email: z.string(),
        role: z.string(),
        customerId: z.string().optional().describe('The customer a customer role belongs to'),
        projectIds: z
          .array(z.string())
          .optional()
          .describe('Set when the person sees only these projects of their customer'),
        language: z.enum(languages).optional().describe('Their own language, if they set one'),
      }),
    }),
    z.object({
      status: z.literal('NEW_PASSWORD_REQUIRED'),
      session: z.string().describe('Send back with the new password'),
    }),
    z.object({
      status: z.literal('MFA_REQUIRED'),
      session: z.string().describe('Send back with the authenticator code (POST /session/mfa)'),
    }),
  ]),
);

export const SignedOutView = /* @__PURE__ */ z.lazy(() => z.object({ signedOut: z.literal(true) }));

export const ForgotPasswordInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ email: z.email().max(254) }),
);
export type ForgotPasswordInput = z.infer<typeof ForgotPasswordInput>;

export const ResetPasswordInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    email: z.email().max(254),
    code: z.string().trim().min(4).max(16).describe('The code from the reset e-mail'),
    newPassword: z.string().min(1).max(256),
  }),
);
export type ResetPasswordInput = z.infer<typeof ResetPasswordInput>;

export const ResetRequestedView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    requested: z
      .literal(true)
      .describe('Always true: whether the e-mail has an account is not revealed'),
  }),
);
export const PasswordResetView = /* @__PURE__ */ z.lazy(() => z.object({ reset: z.literal(true) }));

export interface ProviderTokens {
  accessToken: string;
  expiresIn: number;
  /** Absent on a refresh: the refresh token stays the one the browser holds. */
  refreshToken?: string;
  subject: string;
}

export type ProviderSignIn =
  | ({ status: 'SIGNED_IN' } & ProviderTokens)
  | { status: 'NEW_PASSWORD_REQUIRED' | 'MFA_REQUIRED'; session: string }
  | { status: 'REFUSED' };

/** The provider's sign-in API (Cognito's InitiateAuth, RespondToAuthChallenge, RevokeToken). */
export interface SignInProvider {
  passwordSignIn(email: string, password: string): Promise<ProviderSignIn>;
  /** REFUSED for a wrong session; throws PASSWORD_REJECTED for a password the policy refuses. */
  completeNewPassword(email: string, session: string, newPassword: string): Promise<ProviderSignIn>;
  /** The authenticator code for an MFA_REQUIRED session; REFUSED for a wrong code or session. */
  answerMfa(email: string, session: string, code: string): Promise<ProviderSignIn>;
  refresh(refreshToken: string): Promise<ProviderTokens | undefined>;
  revoke(refreshToken: string): Promise<void>;
  /** Sends a reset code to the account's e-mail; throws RESET_LIMIT_REACHED when throttled. */
  forgotPassword(email: string): Promise<void>;
  /** 'CODE_INVALID' for a wrong or spent code; throws PASSWORD_REJECTED for a weak password. */
  confirmForgotPassword(
    email: string,
    code: string,
    newPassword: string,
  ): Promise<'RESET' | 'CODE_INVALID'>;
}

export type SessionResult =
  | {
      status: 'SIGNED_IN';
      accessToken: string;
      expiresIn: number;
      refreshToken?: string;
      person: {
        id: string;
        email: string;
        role: string;
        customerId?: string;
        projectIds?: string[];
        language?: 'en' | 'it';
      };
    }
  | { status: 'NEW_PASSWORD_REQUIRED' | 'MFA_REQUIRED'; session: string };

const refused = () => new DomainError('UNAUTHENTICATED', 'Wrong e-mail or password.');

/** The person who may sign in with this e-mail, or the uniform refusal. */
const allowed = async (store: PeopleStore, email: string): Promise<Person> => {
  const person = await store.byEmail(email.trim().toLowerCase());
  if (!person || person.status === 'disabled') throw refused();
  return person;
};

const sessionOf = (person: Person, tokens: ProviderTokens): SessionResult => ({
  status: 'SIGNED_IN',
  accessToken: tokens.accessToken,
  expiresIn: tokens.expiresIn,
  ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
  person: {
    id: person.id,
    email: person.email,
    role: person.role,
    ...(person.customerId ? { customerId: person.customerId } : {}),
    ...(person.projectIds ? { projectIds: person.projectIds } : {}),
    ...(person.language ? { language: person.language } : {}),
  },
});

/**
 * Records the sign-in (an invited person becomes active). Someone else may change the person in
 * the meantime: another sign-in is harmless, but a disable or a removal must win, so the record
 * is read again and decides. Any other failure ends the session just begun.
 */
const recordSignIn = async (store: PeopleStore, person: Person, now: Date): Promise<void> => {
  const after: Person = {
    ...person,
    status: 'active',
    lastSignInAt: now.toISOString(),
    version: person.version + 1,
    updatedAt: now.toISOString(),
  };
  try {
    // Not audited: a sign-in is not a change anyone made to the person.
    await store.replace(person, after, undefined);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code !== 'CONCURRENT_MODIFICATION' && error.code !== 'NOT_FOUND') throw error;
    const current = await store.get(person.id);
    if (current?.status !== 'active') throw refused();
  }
};

export const signedIn = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  person: Person,
  tokens: ProviderTokens,
  now: Date,
): Promise<SessionResult> => {
  // The provider's account must be the one Tessera invited (or linked), not a namesake.
  if (!subjectsOf(person).includes(tokens.subject)) throw refused();
  try {
    await recordSignIn(deps.store, person, now);
  } catch (error) {
    if (tokens.refreshToken) await deps.provider.revoke(tokens.refreshToken).catch(() => undefined);
    throw error;
  }
  return sessionOf(person, tokens);
};

const outcome = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  person: Person,
  result: ProviderSignIn,
  now: Date,
): Promise<SessionResult> => {
  if (result.status === 'REFUSED') throw refused();
  if (result.status === 'SIGNED_IN') return signedIn(deps, person, result, now);
  return { status: result.status, session: result.session };
};

export const signIn = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  input: SignInInput,
  now: Date,
): Promise<SessionResult> => {
  const person = await allowed(deps.store, input.email);
  const result = await deps.provider.passwordSignIn(person.email, input.password);
  return outcome(deps, person, result, now);
};

export const completeNewPassword = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  input: NewPasswordInput,
  now: Date,
): Promise<SessionResult> => {
  const person = await allowed(deps.store, input.email);
  const result = await deps.provider.completeNewPassword(
    person.email,
    input.session,
    input.newPassword,
  );
  return outcome(deps, person, result, now);
};

/** The second step of a sign-in for someone who added an authenticator app. */
export const answerMfa = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  input: MfaCodeInput,
  now: Date,
): Promise<SessionResult> => {
  const person = await allowed(deps.store, input.email);
  const result = await deps.provider.answerMfa(person.email, input.session, input.code);
  // The password was right: saying the code was wrong tells nobody anything new.
  if (result.status === 'REFUSED') {
    throw new DomainError('MFA_CODE_INVALID', 'The code is wrong or expired; try the next one.');
  }
  return outcome(deps, person, result, now);
};

/** A new access token for the refresh token the browser holds, while the person may still. */
export const refreshSession = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  refreshToken: string | undefined,
): Promise<SessionResult> => {
  const expired = new DomainError('UNAUTHENTICATED', 'The session has ended; sign in again.');
  if (!refreshToken) throw expired;
  const tokens = await deps.provider.refresh(refreshToken);
  if (!tokens) throw expired;
  const person = await deps.store.bySubject(tokens.subject);
  if (person?.status !== 'active') {
    await deps.provider.revoke(refreshToken).catch(() => undefined);
    throw expired;
  }
  return sessionOf(person, tokens);
};

export const signOut = async (
  provider: SignInProvider,
  refreshToken: string | undefined,
): Promise<{ signedOut: true }> => {
  if (refreshToken) await provider.revoke(refreshToken).catch(() => undefined);
  return { signedOut: true };
};

/**
 * Forgot-password, step 1: a reset code goes to the person's e-mail, if they may sign in at all.
 * The answer is the same for every e-mail, so nobody learns from it who has an account.
 * Someone invited who never signed in has no password to reset: an administrator sends the
 * invitation again.
 */
export const forgotPassword = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  input: ForgotPasswordInput,
): Promise<{ requested: true }> => {
  const person = await deps.store.byEmail(input.email.trim().toLowerCase());
  if (person?.status === 'active') await deps.provider.forgotPassword(person.email);
  return { requested: true };
};

/** Forgot-password, step 2: the code and a new password. Audited as the person's own change. */
export const resetPassword = async (
  deps: { store: PeopleStore; provider: SignInProvider },
  ctx: Omit<ChangeContext, 'principal'>,
  input: ResetPasswordInput,
): Promise<{ reset: true }> => {
  const invalid = new DomainError('RESET_CODE_INVALID', 'The code is wrong or no longer valid.');
  const person = await deps.store.byEmail(input.email.trim().toLowerCase());
  if (person?.status !== 'active') throw invalid;
  const outcome = await deps.provider.confirmForgotPassword(
    person.email,
    input.code,
    input.newPassword,
  );
  if (outcome !== 'RESET') throw invalid;
  const after: Person = {
    ...person,
    version: person.version + 1,
    updatedAt: ctx.now.toISOString(),
  };
  // The person changed their own password: they are the actor, whoever the caller was.
  const principal = personPrincipal(person);
  await deps.store.replace(
    person,
    after,
    auditEvent(
      { ...ctx, principal },
      'person.password-reset',
      personRef(person),
      auditedPerson(person),
      auditedPerson(after),
    ),
  );
  return { reset: true };
};
