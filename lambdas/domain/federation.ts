import { auditEvent, type ChangeContext } from './audit.ts';
import { DomainError, isDomainError, notFound } from './errors.ts';
import { auditedPerson, type PeopleStore, type Person, personRef, subjectsOf } from './people.ts';
import { personPrincipal } from './person-principal.ts';
import type { Role } from './principal.ts';
import {
  type ProviderTokens,
  type SessionResult,
  type SignInProvider,
  signedIn,
} from './sign-in.ts';
import * as z from './zod.ts';

/**
 * Signing in through the vendor's own identity provider (SAML or OIDC, federated by the stage's
 * Cognito pool): the browser leaves for the provider and comes back with a code, which Tessera
 * exchanges for the pool's tokens (authorization code with PKCE). The provider vouches for the
 * e-mail; the person must already be invited as vendor staff, and their record decides as for
 * any sign-in. The first such sign-in links the provider's account to the person, audited.
 */
export const ProviderName = /* @__PURE__ */ z.lazy(() =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'a provider name from the stage configuration'),
);

export const FederationStartPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ provider: ProviderName }),
);

/** What the provider sends back; every field optional, because a failure is an answer too. */
export const FederationCallbackQuery = /* @__PURE__ */ z.lazy(() =>
  z.object({
    code: z.string().max(2048).optional(),
    state: z.string().max(256).optional(),
    error: z.string().max(256).optional(),
    error_description: z.string().max(2048).optional(),
  }),
);
export type FederationCallbackQuery = z.infer<typeof FederationCallbackQuery>;

export const RedirectView = /* @__PURE__ */ z.lazy(() => z.object({ location: z.string() }));

export const SignInProvidersView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    providers: z
      .array(z.object({ name: z.string(), label: z.string() }))
      .describe('Identity providers people may sign in through, besides a password'),
  }),
);

export interface FederationSettings {
  providers: { name: string; label: string }[];
}

/** The tokens the pool's hosted sign-in answered for a code, and who they say signed in. */
export interface FederatedTokens extends ProviderTokens {
  email?: string;
  provider?: string;
}

/** The pool's hosted sign-in (Cognito's /oauth2 endpoints). */
export interface HostedSignIn {
  /** Where the browser goes to sign in through `provider`, with a fresh state and verifier. */
  begin(provider: string): { location: string; state: string; verifier: string };
  /** Undefined when the code is spent, expired, or was not issued for this verifier. */
  exchange(code: string, verifier: string): Promise<FederatedTokens | undefined>;
}

export interface FederationDeps {
  store: PeopleStore;
  provider: SignInProvider;
  hosted: HostedSignIn;
  settings: FederationSettings;
}

/** Why a federated sign-in ended without a session; the console says it in words. */
export type FederationFailure =
  | 'FEDERATION_CANCELLED'
  | 'FEDERATION_EXPIRED'
  | 'FEDERATION_REFUSED';

/** Federation is for the vendor's own staff; customers sign in with a password. */
const STAFF: readonly Role[] = ['vendor-admin', 'vendor-support'];

export const signInProviders = (settings: FederationSettings) => ({
  providers: settings.providers,
});

/** Step 1: where to send the browser, and what its cookie must hold when it comes back. */
export const beginFederatedSignIn = (
  deps: Pick<FederationDeps, 'hosted' | 'settings'>,
  provider: string,
): { location: string; cookie: string } => {
  if (!deps.settings.providers.some((p) => p.name === provider)) {
    throw notFound('Sign-in provider');
  }
  const { location, state, verifier } = deps.hosted.begin(provider);
  return { location, cookie: `${state}.${verifier}` };
};

/** Links the provider's account to the person, replacing an older one of the same provider. */
const linked = async (
  store: PeopleStore,
  ctx: Omit<ChangeContext, 'principal'>,
  person: Person,
  provider: string,
  subject: string,
): Promise<Person> => {
  if (subjectsOf(person).includes(subject)) return person;
  const former = person.links?.find((l) => l.provider === provider);
  const after: Person = {
    ...person,
    links: [...(person.links ?? []).filter((l) => l.provider !== provider), { provider, subject }],
    version: person.version + 1,
    updatedAt: ctx.now.toISOString(),
  };
  const principal = personPrincipal(person);
  await store.link(
    person,
    after,
    { claimed: subject, ...(former ? { released: former.subject } : {}) },
    auditEvent(
      { ...ctx, principal },
      'person.provider-linked',
      personRef(person),
      auditedPerson(person),
      auditedPerson(after),
    ),
  );
  return after;
};

const REFUSALS = ['UNAUTHENTICATED', 'ALREADY_EXISTS', 'CONCURRENT_MODIFICATION', 'NOT_FOUND'];

/** Step 2: the provider's answer becomes a session, or a failure the console explains. */
export const completeFederatedSignIn = async (
  deps: FederationDeps,
  ctx: Omit<ChangeContext, 'principal'>,
  query: FederationCallbackQuery,
  cookie: string | undefined,
): Promise<SessionResult | FederationFailure> => {
  if (query.error || !query.code) return 'FEDERATION_CANCELLED';
  // No provider is configured here: no answer can be one this installation asked for.
  if (deps.settings.providers.length === 0) return 'FEDERATION_EXPIRED';
  const [state, verifier] = (cookie ?? '').split('.');
  // The state ties the answer to the browser that asked; without it, someone else's code could
  // sign this browser in as them.
  if (!state || !verifier || state !== query.state) return 'FEDERATION_EXPIRED';
  const tokens = await deps.hosted.exchange(query.code, verifier);
  if (!tokens) return 'FEDERATION_EXPIRED';
  try {
    const person = tokens.email
      ? await deps.store.byEmail(tokens.email.trim().toLowerCase())
      : undefined;
    const provider = deps.settings.providers.find((p) => p.name === tokens.provider)?.name;
    if (!person || !provider || person.status === 'disabled' || !STAFF.includes(person.role)) {
      throw new DomainError('UNAUTHENTICATED', 'Not someone this provider may sign in.');
    }
    const current = await linked(deps.store, ctx, person, provider, tokens.subject);
    return await signedIn(deps, current, tokens, ctx.now);
  } catch (error) {
    if (tokens.refreshToken) await deps.provider.revoke(tokens.refreshToken).catch(() => undefined);
    if (isDomainError(error) && REFUSALS.includes(error.code)) return 'FEDERATION_REFUSED';
    throw error;
  }
};
