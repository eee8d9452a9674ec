import { auditEvent, type ChangeContext } from './audit.ts';
import { DomainError, notFound } from './errors.ts';
import { auditedPerson, type PeopleStore, type Person, personRef } from './people.ts';
import type { Principal } from './principal.ts';
import * as z from './zod.ts';

/**
 * A second factor for people who sign in: an authenticator app (TOTP), added and removed by the
 * person themselves while signed in. The identity provider keeps the secret and checks the codes;
 * Tessera records whether the person has one (so administrators see it) and audits each change.
 * The stage decides whether it is offered at all (identity.mfa).
 */
export const MfaView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    offered: z.boolean().describe('Whether this installation offers a second factor'),
    enabled: z.boolean().describe('Whether the signed-in person has an authenticator app'),
  }),
);

export const MfaSetupView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    secret: z.string().describe('Base32 key to type into the authenticator app; shown once'),
    uri: z.string().describe('The same key as an otpauth:// URI (what a QR code would carry)'),
  }),
);

export const MfaEnableInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    code: z
      .string()
      .regex(/^\d{6}$/, 'six digits')
      .describe('A code the app shows, proving it holds the key'),
  }),
);
export type MfaEnableInput = z.infer<typeof MfaEnableInput>;

/** The provider's side, called with the person's own access token. */
export interface MfaProvider {
  enabled(accessToken: string): Promise<boolean>;
  /** A new secret for the account; not in force until confirmed. */
  associate(accessToken: string): Promise<string>;
  /** Checks a code against the new secret and makes the app required at sign-in. */
  confirm(accessToken: string, code: string): Promise<'ENABLED' | 'CODE_INVALID'>;
  disable(accessToken: string): Promise<void>;
}

export interface MfaDeps {
  store: PeopleStore;
  provider: MfaProvider;
  /** The stage's setting: `off` refuses enrolment. */
  offered: boolean;
}

/** Only a person has an authenticator; for an API token these routes do not exist. */
const signedInPerson = async (store: PeopleStore, principal: Principal): Promise<Person> => {
  const person = principal.kind === 'person' ? await store.get(principal.personId) : undefined;
  if (!person) throw notFound('Two-step sign-in');
  return person;
};

const offeredOrRefuse = (deps: MfaDeps) => {
  if (!deps.offered) {
    throw new DomainError('MFA_NOT_OFFERED', 'This installation does not offer a second factor.');
  }
};

export const mfaStatus = async (deps: MfaDeps, principal: Principal, accessToken: string) => {
  await signedInPerson(deps.store, principal);
  return { offered: deps.offered, enabled: await deps.provider.enabled(accessToken) };
};

export const beginMfaSetup = async (deps: MfaDeps, principal: Principal, accessToken: string) => {
  offeredOrRefuse(deps);
  const person = await signedInPerson(deps.store, principal);
  const secret = await deps.provider.associate(accessToken);
  const label = encodeURIComponent(`Tessera:${person.email}`);
  return { secret, uri: `otpauth://totp/${label}?secret=${secret}&issuer=Tessera` };
};

const recorded = async (
  deps: MfaDeps,
  ctx: ChangeContext,
  person: Person,
  mfa: boolean,
): Promise<void> => {
  const after: Person = {
    ...person,
    mfa,
    version: person.version + 1,
    updatedAt: ctx.now.toISOString(),
  };
  const action = mfa ? 'person.mfa-enabled' : 'person.mfa-disabled';
  await deps.store.replace(
    person,
    after,
    auditEvent(ctx, action, personRef(person), auditedPerson(person), auditedPerson(after)),
  );
};

export const enableMfa = async (
  deps: MfaDeps,
  ctx: ChangeContext,
  accessToken: string,
  input: MfaEnableInput,
): Promise<{ offered: boolean; enabled: true }> => {
  offeredOrRefuse(deps);
  const person = await signedInPerson(deps.store, ctx.principal);
  if ((await deps.provider.confirm(accessToken, input.code)) !== 'ENABLED') {
    throw new DomainError('MFA_CODE_INVALID', 'The code does not match; try the next one.');
  }
  await recorded(deps, ctx, person, true);
  return { offered: true, enabled: true };
};

/** Allowed even where the stage stopped offering it, so nobody is left with a factor they cannot remove. */
export const disableMfa = async (
  deps: MfaDeps,
  ctx: ChangeContext,
  accessToken: string,
): Promise<{ offered: boolean; enabled: false }> => {
  const person = await signedInPerson(deps.store, ctx.principal);
  await deps.provider.disable(accessToken);
  if (person.mfa) await recorded(deps, ctx, person, false);
  return { offered: deps.offered, enabled: false };
};
