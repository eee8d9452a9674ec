import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';

/**
 * Verifies a person's access token (a Cognito JWT) and answers its subject, or undefined for any
 * token that is not one: expired, tampered, from another pool or issuer, for another app client,
 * an ID token instead of an access token. Signatures are checked against the pool's JWKS, fetched
 * once and cached by `aws-jwt-verify`.
 *
 * On AWS only the stage's own pool is accepted. `localIssuer` is set by the local runtime alone:
 * its emulator's signing key ships inside an npm package, so a token it signed proves nothing
 * anywhere else, and no deployed function is ever configured with it.
 */
export interface PersonTokenVerifier {
  subjectOf(token: string): Promise<string | undefined>;
}

/** The emulator serves its JWKS over plain HTTP, which the library's HTTPS fetcher refuses. */
const plainFetcher = {
  fetch: async (uri: string) => {
    const response = await fetch(uri);
    if (!response.ok) throw new Error(`JWKS fetch failed: ${response.status}`);
    return response.arrayBuffer();
  },
};

export const personTokenVerifier = (options: {
  userPoolId: string;
  clientId: string;
  region?: string;
  localIssuer?: string;
}): PersonTokenVerifier => {
  const region = options.region ?? options.userPoolId.split('_')[0] ?? 'us-east-1';
  const issuer =
    options.localIssuer ?? `https://cognito-idp.${region}.amazonaws.com/${options.userPoolId}`;
  // The checks CognitoJwtVerifier makes (issuer, access token of this client, expiry, signature
  // by a key of the issuer's JWKS), spelled out once for both issuers.
  const verifier = JwtVerifier.create(
    {
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access' || payload.client_id !== options.clientId) {
          throw new Error('Not an access token of this client');
        }
      },
    },
    options.localIssuer
      ? { jwksCache: new SimpleJwksCache({ fetcher: plainFetcher }) }
      : { jwksCache: new SimpleJwksCache() },
  );
  return {
    subjectOf: async (token) => {
      try {
        const payload = await verifier.verify(token);
        return typeof payload.sub === 'string' ? payload.sub : undefined;
      } catch {
        return undefined;
      }
    },
  };
};

/** A bearer value shaped like a JWT (three base64url parts), not a `tsr_` or `tsa_` token. */
export const looksLikeJwt = (bearer: string | undefined): bearer is string =>
  bearer !== undefined && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(bearer);
