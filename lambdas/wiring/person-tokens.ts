import { type PersonTokenVerifier, personTokenVerifier } from '../adapters/person-tokens.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';

let verifier: PersonTokenVerifier | undefined;

/** The verifier of people's access tokens for this stage's pool, built on first use. */
export const personTokens = (): PersonTokenVerifier => {
  if (verifier) return verifier;
  const cfg = config();
  if (!cfg.USER_POOL_ID || !cfg.USER_POOL_CLIENT_ID) {
    throw new DomainError('UNAUTHENTICATED', 'Signing in is not set up on this installation.');
  }
  verifier = personTokenVerifier({
    userPoolId: cfg.USER_POOL_ID,
    clientId: cfg.USER_POOL_CLIENT_ID,
    ...(cfg.IDENTITY_LOCAL_ISSUER ? { localIssuer: cfg.IDENTITY_LOCAL_ISSUER } : {}),
  });
  return verifier;
};
