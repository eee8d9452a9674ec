import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cognitoHostedSignIn } from '../../lambdas/adapters/cognito-hosted.ts';

/**
 * The hosted sign-in as Cognito's OAuth 2.0 endpoints document it: /oauth2/authorize with PKCE
 * S256 and /oauth2/token with a form-encoded authorization_code grant and no client secret.
 */
const settings = {
  domain: 'https://acme.auth.eu-west-1.amazoncognito.com',
  clientId: 'client-1',
  callbackUrl: 'https://licenses.acme.example/v1/session/federation-callback',
};
const jwt = (claims: Record<string, unknown>) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const idToken = (claims: Record<string, unknown> = {}) =>
  jwt({
    aud: 'client-1',
    token_use: 'id',
    email: 'stella@acme.example',
    identities: [{ providerName: 'AcmeIdP' }],
    ...claims,
  });

const answering = (status: number, body: unknown) => {
  const calls: { url: string; init: RequestInit }[] = [];
  const post = (async (url: URL | string, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { calls, post };
};

describe('the hosted sign-in on the wire', () => {
  it('sends the browser to /oauth2/authorize for one provider with a fresh state and an S256 challenge of its verifier', () => {
    const hosted = cognitoHostedSignIn(settings);

    const first = hosted.begin('AcmeIdP');
    const second = hosted.begin('AcmeIdP');

    const url = new URL(first.location);
    expect(url.origin + url.pathname).toBe(`${settings.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: settings.callbackUrl,
      identity_provider: 'AcmeIdP',
      scope: 'openid email profile',
      state: first.state,
      code_challenge: createHash('sha256').update(first.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    expect(first.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.state).not.toBe(first.state);
    expect(second.verifier).not.toBe(first.verifier);
  });

  it('exchanges the code with its verifier and reads who signed in from the ID token', async () => {
    const { calls, post } = answering(200, {
      id_token: idToken(),
      access_token: jwt({ sub: 'sub-fed' }),
      refresh_token: 'refresh-1',
      expires_in: 900,
    });

    const tokens = await cognitoHostedSignIn(settings, post).exchange('code-1', 'verifier-1');

    expect(tokens).toMatchObject({
      subject: 'sub-fed',
      refreshToken: 'refresh-1',
      expiresIn: 900,
      email: 'stella@acme.example',
      provider: 'AcmeIdP',
    });
    expect(calls[0]?.url).toBe(`${settings.domain}/oauth2/token`);
    expect(calls[0]?.init.headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(Object.fromEntries(new URLSearchParams(String(calls[0]?.init.body)))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-1',
      code: 'code-1',
      redirect_uri: settings.callbackUrl,
      code_verifier: 'verifier-1',
    });
  });

  it('a spent or foreign code (400 invalid_grant) is no sign-in; tokens of another client are an error', async () => {
    const spent = answering(400, { error: 'invalid_grant' });
    const foreign = answering(200, {
      id_token: idToken({ aud: 'another-client' }),
      access_token: jwt({ sub: 's' }),
    });

    expect(await cognitoHostedSignIn(settings, spent.post).exchange('c', 'v')).toBeUndefined();
    await expect(cognitoHostedSignIn(settings, foreign.post).exchange('c', 'v')).rejects.toThrow(
      'another client',
    );
  });
});
