import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema.ts';

/**
 * The one typed client of the API. Its types come from /openapi.json, so a route the console
 * calls wrongly fails the typecheck. The access token lives in this module's memory only (never
 * in storage); the refresh token is an HttpOnly cookie the browser sends to /session/refresh.
 */
export interface ApiSettings {
  /** '' locally (the API sits at the root), '/v1' behind CloudFront. */
  apiBase: string;
}

let accessToken: string | undefined;
let onSignedOut: () => void = () => undefined;
export interface SignedInPerson {
  id: string;
  email: string;
  role: string;
  /** Set for a customer's people: the console is then their company's portal. */
  customerId?: string;
  /** Set when they see only these projects of their company (no company-wide pages then). */
  projectIds?: string[];
  /** Their own language, when they set one. */
  language?: 'en' | 'it';
}
let refreshing: Promise<SignedInPerson | undefined> | undefined;

export const setAccessToken = (token: string | undefined) => {
  accessToken = token;
};
export const hasAccessToken = () => accessToken !== undefined;
export const whenSignedOut = (callback: () => void) => {
  onSignedOut = callback;
};

let client: Client<paths> | undefined;
let base = '';

/** A browser navigation to the API (federated sign-in leaves the page), under its base. */
export const apiUrl = (path: string) => `${base}${path}`;

/** The client, once main.tsx has read where the API is (config.json). */
export const api = (): Client<paths> => {
  if (!client) throw new Error('configureApi() first');
  return client;
};

export const configureApi = (settings: ApiSettings) => {
  base = settings.apiBase;
  client = createClient<paths>({ baseUrl: settings.apiBase, credentials: 'same-origin' });
  client.use(auth);
};

/**
 * A new access token from the session cookie, shared by every request that found its token
 * expired at once. Answers who is signed in, or nothing when the session is over.
 */
export const refreshSession = (): Promise<SignedInPerson | undefined> => {
  refreshing ??= (async () => {
    try {
      const { data } = await api().POST('/session/refresh', {});
      if (data?.status === 'SIGNED_IN') {
        accessToken = data.accessToken;
        return data.person;
      }
      return undefined;
    } catch {
      return undefined;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
};

const pending = new Map<string, Request>();
/**
 * The sign-in steps themselves: they carry no access token, and their 401 means a wrong password
 * or code, not an expired token. The signed-in person's own settings (/session/mfa…) are ordinary
 * authenticated calls.
 */
const SIGN_IN_STEP =
  /\/session(\/(new-password|refresh|sign-out|forgot-password|reset-password))?$/;
const isSessionCall = (request: Request) => {
  const path = new URL(request.url).pathname;
  return SIGN_IN_STEP.test(path) || (request.method === 'POST' && path.endsWith('/session/mfa'));
};

const auth: Middleware = {
  onRequest({ request, id }) {
    if (accessToken && !isSessionCall(request)) {
      request.headers.set('authorization', `Bearer ${accessToken}`);
    }
    // Kept to send again once, if the token turns out to have expired.
    if (!isSessionCall(request)) pending.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const original = pending.get(id);
    pending.delete(id);
    if (response.status !== 401 || !original) return response;
    if (await refreshSession()) {
      original.headers.set('authorization', `Bearer ${accessToken}`);
      return fetch(original);
    }
    accessToken = undefined;
    onSignedOut();
    return response;
  },
  onError({ id }) {
    pending.delete(id);
  },
};
