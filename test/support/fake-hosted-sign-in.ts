import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureLocalPool } from '../../bin/local/cognito.ts';
import { cognitoApi } from '../../lambdas/adapters/aws/services.ts';

/**
 * A stand-in for a Cognito pool's hosted sign-in domain, as its OAuth 2.0 endpoints behave
 * (authorize → code → token, PKCE S256, one use per code): the emulator has no hosted UI. The
 * "identity provider" signs in whoever the test names; the tokens are the emulator's own, for
 * an emulator account playing the federated user, so everything after the exchange (verifying
 * the access token, refreshing, revoking) runs against the emulator as it would against Cognito.
 */
export interface FederatedUser {
  provider: string;
  email: string;
}

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

export const startFakeHostedSignIn = async (cognitoEndpoint: () => string) => {
  const codes = new Map<
    string,
    { challenge: string; redirectUri: string; clientId: string; user: FederatedUser }
  >();
  const accounts = new Map<string, { username: string; password: string }>();
  const authorizations: URLSearchParams[] = [];
  let next: FederatedUser | 'cancel' | undefined;

  const emulator = async () => {
    const endpoint = cognitoEndpoint();
    const pool = await ensureLocalPool(endpoint, 'local');
    const api = cognitoApi({
      region: 'us-east-1',
      endpoint,
      credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
    });
    return { pool, api };
  };

  /**
   * The emulator account that stands for the provider's user. Cognito names them Provider_id;
   * the emulator insists on an e-mail as the username, so the stand-in's is shaped like one.
   */
  const accountOf = async (user: FederatedUser) => {
    const key = `${user.provider}:${user.email.toLowerCase()}`;
    const known = accounts.get(key);
    if (known) return known;
    const { pool, api } = await emulator();
    const account = {
      username: `${user.provider.toLowerCase()}_${randomUUID()}@federated.invalid`,
      password: 'Federated-Pass-1!',
    };
    await api.call('AdminCreateUser', {
      UserPoolId: pool.userPoolId,
      Username: account.username,
      MessageAction: 'SUPPRESS',
      TemporaryPassword: 'Temporary-Pass-1!',
      // Not the person's e-mail: that would collide with their own account's. The ID token
      // below carries the e-mail the provider vouches for.
      UserAttributes: [{ Name: 'email', Value: account.username }],
    });
    await api.call('AdminSetUserPassword', {
      UserPoolId: pool.userPoolId,
      Username: account.username,
      Password: account.password,
      Permanent: true,
    });
    accounts.set(key, account);
    return account;
  };

  const token = async (form: URLSearchParams) => {
    const code = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    if (
      !code ||
      form.get('grant_type') !== 'authorization_code' ||
      form.get('client_id') !== code.clientId ||
      form.get('redirect_uri') !== code.redirectUri ||
      createHash('sha256').update(verifier).digest('base64url') !== code.challenge
    ) {
      return { status: 400, body: { error: 'invalid_grant' } };
    }
    const account = await accountOf(code.user);
    const { pool, api } = await emulator();
    const signedIn = (await api.call('InitiateAuth', {
      ClientId: pool.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: account.username, PASSWORD: account.password },
    })) as { AuthenticationResult: Record<string, string | number> };
    const result = signedIn.AuthenticationResult;
    const access = JSON.parse(
      Buffer.from(String(result.AccessToken).split('.')[1] ?? '', 'base64url').toString(),
    ) as { sub: string };
    return {
      status: 200,
      body: {
        id_token: jwt({
          sub: access.sub,
          aud: code.clientId,
          token_use: 'id',
          email: code.user.email,
          identities: [{ providerName: code.user.provider, providerType: 'OIDC', userId: 'x' }],
        }),
        access_token: result.AccessToken,
        refresh_token: result.RefreshToken,
        expires_in: result.ExpiresIn,
        token_type: 'Bearer',
      },
    };
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
      authorizations.push(url.searchParams);
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      const who = next;
      next = undefined;
      if (!who || who === 'cancel') {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = randomUUID();
        codes.set(code, {
          challenge: url.searchParams.get('code_challenge') ?? '',
          redirectUri: back.toString(),
          clientId: url.searchParams.get('client_id') ?? '',
          user: who,
        });
        back.searchParams.set('code', code);
      }
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      let text = '';
      req.on('data', (chunk) => {
        text += chunk;
      });
      req.on('end', () => {
        token(new URLSearchParams(text)).then(
          ({ status, body }) =>
            res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
          (error: unknown) => res.writeHead(500).end(String(error)),
        );
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Who the provider signs in at the next authorization ('cancel': the person gives up). */
    signInNext: (who: FederatedUser | 'cancel') => {
      next = who;
    },
    authorizations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
