import { cognitoApi } from '../adapters/aws/services.ts';
import {
  cognitoDirectory,
  cognitoMfa,
  cognitoSignIn,
  randomPasswords,
} from '../adapters/cognito.ts';
import { cognitoHostedSignIn } from '../adapters/cognito-hosted.ts';
import { config } from '../config.ts';
import { notFound } from '../domain/errors.ts';
import type { FederationSettings, HostedSignIn } from '../domain/federation.ts';
import type { MfaProvider } from '../domain/mfa.ts';
import type { IdentityDirectory, PasswordGenerator } from '../domain/people.ts';
import type { SignInProvider } from '../domain/sign-in.ts';
import { poolSettings } from './person-tokens.ts';

/**
 * The stage's user pool, built on first use: the directory for managing people (the `people`
 * function) and the sign-in API (the `session` function). Verifying tokens is
 * ./person-tokens.ts, which every authenticated function carries, and which also reads the
 * pool's settings for both.
 */
let api: ReturnType<typeof cognitoApi> | undefined;
const client = () => {
  api ??= cognitoApi({ region: config().AWS_REGION });
  return api;
};

let directory: IdentityDirectory | undefined;
export const identityDirectory = (): IdentityDirectory => {
  directory ??= cognitoDirectory(client(), poolSettings().userPoolId);
  return directory;
};

let signIn: SignInProvider | undefined;
export const signInProvider = (): SignInProvider => {
  signIn ??= cognitoSignIn(client(), poolSettings().clientId);
  return signIn;
};

let mfa: MfaProvider | undefined;
export const mfaProvider = (): MfaProvider => {
  mfa ??= cognitoMfa(client());
  return mfa;
};
export const mfaOffered = (): boolean => config().IDENTITY_MFA === 'optional';

/** Where federation is not configured (and locally): no provider, so no hosted sign-in to call. */
const notConfigured: HostedSignIn = {
  begin: () => {
    throw notFound('Sign-in provider');
  },
  exchange: async () => undefined,
};

let federated: { settings: FederationSettings; hosted: HostedSignIn } | undefined;
/** The stage's federated providers and the pool's hosted sign-in; none unless configured. */
export const federation = (): { settings: FederationSettings; hosted: HostedSignIn } => {
  if (federated) return federated;
  const cfg = config();
  federated =
    cfg.IDENTITY_DOMAIN && cfg.IDENTITY_CALLBACK_URL
      ? {
          settings: { providers: cfg.IDENTITY_PROVIDERS },
          hosted: cognitoHostedSignIn({
            domain: cfg.IDENTITY_DOMAIN,
            clientId: poolSettings().clientId,
            callbackUrl: cfg.IDENTITY_CALLBACK_URL,
          }),
        }
      : { settings: { providers: [] }, hosted: notConfigured };
  return federated;
};

export const passwords: PasswordGenerator = randomPasswords;
