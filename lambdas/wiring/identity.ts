import { cognitoApi } from '../adapters/aws/services.ts';
import { cognitoDirectory, cognitoSignIn, randomPasswords } from '../adapters/cognito.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { IdentityDirectory, PasswordGenerator } from '../domain/people.ts';
import type { SignInProvider } from '../domain/sign-in.ts';

/**
 * The stage's user pool, built on first use: the directory for managing people (the `people`
 * function) and the sign-in API (the `session` function). Verifying tokens is
 * ./person-tokens.ts, which every authenticated function carries. Without a configured pool,
 * nobody signs in and a person's token gets 401.
 */
export const pool = () => {
  const cfg = config();
  if (!cfg.USER_POOL_ID || !cfg.USER_POOL_CLIENT_ID) {
    throw new DomainError('UNAUTHENTICATED', 'Signing in is not set up on this installation.');
  }
  return { cfg, userPoolId: cfg.USER_POOL_ID, clientId: cfg.USER_POOL_CLIENT_ID };
};

let api: ReturnType<typeof cognitoApi> | undefined;
const client = () => {
  api ??= cognitoApi({ region: config().AWS_REGION });
  return api;
};

let directory: IdentityDirectory | undefined;
export const identityDirectory = (): IdentityDirectory => {
  directory ??= cognitoDirectory(client(), pool().userPoolId);
  return directory;
};

let signIn: SignInProvider | undefined;
export const signInProvider = (): SignInProvider => {
  signIn ??= cognitoSignIn(client(), pool().clientId);
  return signIn;
};

export const passwords: PasswordGenerator = randomPasswords;
