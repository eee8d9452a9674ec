import { type PersonTokenVerifier, personTokenVerifier } from '../adapters/person-tokens.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';

/** The stage's user pool and app client; without them nobody signs in (a person's token: 401). */
export const poolSettings = () => {
  const cfg = config();
  if (!cfg.USER_POOL_ID || !cfg.USER_POOL_CLIENT_ID) {
    throw new DomainError('UNAUTHENTICATED', 'Signing in is not set up on this installation.');
  }
  return {
    userPoolId: cfg.USER_POOL_ID,
    clientId: cfg.USER_POOL_CLIENT_ID,
    ...(cfg.IDENTITY_LOCAL_ISSUER ? { localIssuer: cfg.IDENTITY_LOCAL_ISSUER } : {}),
  };
};

let verifier: PersonTokenVerifier | undefined;

/** The verifier of people's access tokens for this stage's pool, built on first use. */
export const personTokens = (): PersonTokenVerifier => {
  verifier ??= personTokenVerifier(poolSettings());
  return verifier;
};
