import { cognitoApi } from '../adapters/aws/services.ts';
import {
  cognitoDirectory,
  cognitoMfa,
  cognitoSignIn,
  randomPasswords,
} from '../adapters/cognito.ts';
import { cognitoHostedSignIn } from '../adapters/cognito-hosted.ts';
import { config } from '../config.ts';
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

let hosted: HostedSignIn | undefined;
/** The stage's federated providers; none where federation is not configured (and locally). */
export const federation = (): { settings: FederationSettings; hosted: HostedSignIn } => {
  const cfg = config();
  const configured = cfg.IDENTITY_DOMAIN && cfg.IDENTITY_CALLBACK_URL;
  hosted ??= cognitoHostedSignIn({
    domain: cfg.IDENTITY_DOMAIN ?? 'https://federation.invalid',
    clientId: cfg.USER_POOL_CLIENT_ID ?? '',
    callbackUrl: cfg.IDENTITY_CALLBACK_URL ?? 'https://federation.invalid/',
  });
  return { settings: { providers: configured ? cfg.IDENTITY_PROVIDERS : [] }, hosted };
};

export const passwords: PasswordGenerator = randomPasswords;
