import {
  beginFederatedSignIn,
  completeFederatedSignIn,
  signInProviders,
} from '../domain/federation.ts';
import { beginMfaSetup, disableMfa, enableMfa, mfaStatus } from '../domain/mfa.ts';
import { changeOwnSettings } from '../domain/people.ts';
import {
  answerMfa,
  completeNewPassword,
  forgotPassword,
  refreshSession,
  resetPassword,
  type SessionResult,
  signIn,
  signOut,
} from '../domain/sign-in.ts';
import { sessionRoutes } from '../routes/session.ts';
import { peopleStore } from '../store/people.ts';
import { federation, mfaOffered, mfaProvider, signInProvider } from '../wiring/identity.ts';
import { guards } from './guards.ts';
import { httpHandler, type OperationRequest } from './handler.ts';

/**
 * The refresh token lives only in this cookie: HttpOnly (no script reads it), Secure, SameSite
 * Strict (no other site's page sends it), and scoped to the session routes' path.
 */
export const SESSION_COOKIE = 'tessera_session';
const REFRESH_DAYS = 30;

const cookie = (r: OperationRequest, value: string, maxAge: number) =>
  `${SESSION_COOKIE}=${value}; Path=${r.basePath}/session; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;

/**
 * The state and PKCE verifier of a federated sign-in under way, for ten minutes. SameSite Lax,
 * not Strict: the browser comes back from the identity provider, another site, and a Strict
 * cookie would stay behind.
 */
const FEDERATION_COOKIE = 'tessera_federation';
const federationCookie = (r: OperationRequest, value: string, maxAge: number) =>
  `${FEDERATION_COOKIE}=${value}; Path=${r.basePath}/session; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;

/** The body keeps the access token; the refresh token goes into the cookie and nowhere else. */
const answer = (r: OperationRequest, result: SessionResult) => {
  if (result.status !== 'SIGNED_IN') return result;
  const { refreshToken, ...body } = result;
  if (refreshToken) r.setCookie(cookie(r, refreshToken, REFRESH_DAYS * 86_400));
  return body;
};

const deps = (r: OperationRequest) => ({
  store: r.runtime.store(peopleStore),
  provider: signInProvider(),
});

const federated = (r: OperationRequest) => ({ ...deps(r), ...federation() });

const mfa = (r: OperationRequest) => ({
  store: r.runtime.store(peopleStore),
  provider: mfaProvider(),
  offered: mfaOffered(),
});

/** The person's own access token: Cognito authorizes their authenticator calls with it. */
const accessToken = (r: OperationRequest) => r.bearer ?? '';

export const handler = httpHandler(
  sessionRoutes,
  {
    signIn: async (r) => answer(r, await signIn(deps(r), r.input.body, r.runtime.clock.now())),
    setNewPassword: async (r) =>
      answer(r, await completeNewPassword(deps(r), r.input.body, r.runtime.clock.now())),
    answerMfa: async (r) =>
      answer(r, await answerMfa(deps(r), r.input.body, r.runtime.clock.now())),
    changeOwnSettings: (r) => changeOwnSettings(deps(r), r.change, r.input.body),
    getMfa: (r) => mfaStatus(mfa(r), r.principal, accessToken(r)),
    beginMfaSetup: (r) => beginMfaSetup(mfa(r), r.principal, accessToken(r)),
    enableMfa: (r) => enableMfa(mfa(r), r.change, accessToken(r), r.input.body),
    disableMfa: (r) => disableMfa(mfa(r), r.change, accessToken(r)),
    listSignInProviders: async () => signInProviders(federation().settings),
    startFederatedSignIn: async (r) => {
      const { location, cookie } = beginFederatedSignIn(federation(), r.input.path.provider);
      r.setCookie(federationCookie(r, cookie, 600));
      return { location };
    },
    finishFederatedSignIn: async (r) => {
      const outcome = await completeFederatedSignIn(
        federated(r),
        r.change,
        r.input.query,
        r.cookie(FEDERATION_COOKIE),
      );
      r.setCookie(federationCookie(r, '', 0));
      const console = r.runtime.config.CONSOLE_URL;
      if (typeof outcome === 'string') return { location: `${console}#/?signIn=${outcome}` };
      // The access token stays behind: the console gets its own from the cookie on arrival.
      answer(r, outcome);
      return { location: `${console}#/` };
    },
    refreshSession: async (r) => answer(r, await refreshSession(deps(r), r.cookie(SESSION_COOKIE))),
    forgotPassword: (r) => forgotPassword(deps(r), r.input.body),
    resetPassword: (r) => resetPassword(deps(r), r.change, r.input.body),
    signOut: async (r) => {
      const result = await signOut(signInProvider(), r.cookie(SESSION_COOKIE));
      r.setCookie(cookie(r, '', 0));
      return result;
    },
  },
  { guards },
);
