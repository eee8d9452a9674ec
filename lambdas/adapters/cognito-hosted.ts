import { createHash, randomBytes } from 'node:crypto';
import type { FederatedTokens, HostedSignIn } from '../domain/federation.ts';
import { unverifiedClaims } from './cognito.ts';

export interface HostedSettings {
  /** The pool's domain, e.g. https://acme-licenses.auth.eu-west-1.amazoncognito.com */
  domain: string;
  clientId: string;
  /** The app client's registered callback: Tessera's /session/federation-callback. */
  callbackUrl: string;
}

/**
 * The authorization code flow with PKCE against the pool's hosted endpoints. The app client has
 * no secret (the console's client is public), so the verifier is what binds a code to the
 * sign-in that asked for it.
 */
export const cognitoHostedSignIn = (
  settings: HostedSettings,
  post: typeof fetch = fetch,
): HostedSignIn => ({
  begin: (provider) => {
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL('/oauth2/authorize', settings.domain);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: settings.clientId,
      redirect_uri: settings.callbackUrl,
      identity_provider: provider,
      scope: 'openid email profile',
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return { location: url.toString(), state, verifier };
  },
  exchange: async (code, verifier): Promise<FederatedTokens | undefined> => {
    const response = await post(new URL('/oauth2/token', settings.domain), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: settings.clientId,
        code,
        redirect_uri: settings.callbackUrl,
        code_verifier: verifier,
      }).toString(),
      signal: AbortSignal.timeout(5_000),
    });
    // invalid_grant and its kin: a spent, expired or foreign code.
    if (response.status === 400) return undefined;
    if (!response.ok) throw new Error(`The sign-in domain answered ${response.status}`);
    const body = (await response.json()) as Record<string, unknown>;
    const { id_token: idToken, access_token: accessToken, refresh_token: refreshToken } = body;
    if (typeof idToken !== 'string' || typeof accessToken !== 'string') {
      throw new Error('The sign-in domain answered no tokens');
    }
    // Read, not verified: they came straight from the pool's token endpoint over TLS (OpenID
    // Connect Core 3.1.3.7), and every later use of the access token verifies it.
    const id = unverifiedClaims(idToken);
    const access = unverifiedClaims(accessToken);
    if (id.aud !== settings.clientId || id.token_use !== 'id' || typeof access.sub !== 'string') {
      throw new Error('The sign-in domain answered tokens of another client');
    }
    const identities = Array.isArray(id.identities) ? id.identities : [];
    const provider = (identities[0] as { providerName?: unknown } | undefined)?.providerName;
    return {
      accessToken,
      expiresIn: Number(body.expires_in ?? 3600),
      ...(typeof refreshToken === 'string' ? { refreshToken } : {}),
      subject: access.sub,
      ...(typeof id.email === 'string' ? { email: id.email } : {}),
      ...(typeof provider === 'string' ? { provider } : {}),
    };
  },
});
