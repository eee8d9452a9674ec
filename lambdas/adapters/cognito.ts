import { randomInt } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import type { MfaProvider } from '../domain/mfa.ts';
import type { IdentityDirectory, PasswordGenerator } from '../domain/people.ts';
import type { Membership } from '../domain/principal.ts';
import type { ProviderSignIn, ProviderTokens, SignInProvider } from '../domain/sign-in.ts';
import { AwsError } from './aws/client.ts';
import type { CognitoApi } from './aws/services.ts';

/**
 * Tessera's side of a Cognito user pool: the same calls reach Cognito on AWS and the local
 * emulator (`npm start`). Username = the lower-cased e-mail; the role is the user's one group
 * (named like the role) and a customer role's customer is `custom:customerId`. Tessera's own
 * record of the person decides; these mirror it for whoever reads the pool.
 */
export const CUSTOMER_ATTRIBUTE = 'custom:customerId';

const failedAs = (error: unknown, name: string) => error instanceof AwsError && error.name === name;

export const cognitoDirectory = (api: CognitoApi, userPoolId: string): IdentityDirectory => {
  const user = (email: string) => ({ UserPoolId: userPoolId, Username: email });
  return {
    createUser: async ({ email, temporaryPassword, ...membership }) => {
      let created: Record<string, unknown>;
      try {
        created = await api.call('AdminCreateUser', {
          ...user(email),
          TemporaryPassword: temporaryPassword,
          // Tessera sends its own invitation; Cognito's message would carry its own wording.
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
            ...('customerId' in membership
              ? [{ Name: CUSTOMER_ATTRIBUTE, Value: membership.customerId }]
              : []),
          ],
        });
      } catch (error) {
        if (failedAs(error, 'UsernameExistsException')) {
          throw new DomainError('ALREADY_EXISTS', 'An account with this e-mail already exists.');
        }
        throw error;
      }
      const attributes = ((created.User as { Attributes?: unknown[] } | undefined)?.Attributes ??
        []) as { Name?: string; Value?: string }[];
      const subject = attributes.find((a) => a.Name === 'sub')?.Value;
      if (!subject) throw new Error('The identity provider answered no subject');
      await api.call('AdminAddUserToGroup', { ...user(email), GroupName: membership.role });
      return { subject };
    },
    resetTemporaryPassword: async (email, temporaryPassword) => {
      await api.call('AdminSetUserPassword', {
        ...user(email),
        Password: temporaryPassword,
        Permanent: false,
      });
    },
    setMembership: async (email, membership: Membership, previous: Membership) => {
      await api.call('AdminAddUserToGroup', { ...user(email), GroupName: membership.role });
      await api.call('AdminRemoveUserFromGroup', { ...user(email), GroupName: previous.role });
    },
    disableUser: async (email) => {
      await api.call('AdminDisableUser', user(email));
      // Ends refresh tokens on AWS. Tessera's record already refuses the person; the local
      // emulator has no global sign-out, so its failure changes nothing.
      await api.call('AdminUserGlobalSignOut', user(email)).catch(() => undefined);
    },
    enableUser: async (email) => {
      await api.call('AdminEnableUser', user(email));
    },
    deleteUser: async (email) => {
      try {
        await api.call('AdminDeleteUser', user(email));
      } catch (error) {
        if (!failedAs(error, 'UserNotFoundException')) throw error;
      }
    },
  };
};

/** The claims of a token the provider itself just answered (over TLS): read, not verified. */
export const unverifiedClaims = (token: string): Record<string, unknown> => {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
};

const subjectOf = (accessToken: string): string => {
  const { sub } = unverifiedClaims(accessToken);
  if (typeof sub !== 'string') throw new Error('The access token names no subject');
  return sub;
};

const tokensOf = (result: Record<string, unknown>): ProviderTokens => {
  const auth = result.AuthenticationResult as Record<string, unknown>;
  const accessToken = String(auth.AccessToken);
  return {
    accessToken,
    expiresIn: Number(auth.ExpiresIn ?? 3600),
    ...(typeof auth.RefreshToken === 'string' ? { refreshToken: auth.RefreshToken } : {}),
    subject: subjectOf(accessToken),
  };
};

const outcomeOf = (result: Record<string, unknown>): ProviderSignIn => {
  if (result.AuthenticationResult) return { status: 'SIGNED_IN', ...tokensOf(result) };
  if (typeof result.Session === 'string') {
    if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
      return { status: 'NEW_PASSWORD_REQUIRED', session: result.Session };
    }
    if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      return { status: 'MFA_REQUIRED', session: result.Session };
    }
  }
  // SMS codes and the other challenges are not offered to people (lib/identity.ts).
  return { status: 'REFUSED' };
};

const REFUSALS = [
  'NotAuthorizedException',
  'UserNotFoundException',
  'PasswordResetRequiredException',
];
/** Cognito's answers to a wrong e-mail or password (the emulator says InvalidPassword). */
const WRONG_PASSWORD = [...REFUSALS, 'InvalidPasswordException'];

export const cognitoSignIn = (api: CognitoApi, clientId: string): SignInProvider => {
  const passwordSignIn = async (email: string, password: string): Promise<ProviderSignIn> => {
    try {
      return outcomeOf(
        await api.call('InitiateAuth', {
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
    } catch (error) {
      if (WRONG_PASSWORD.some((name) => failedAs(error, name))) return { status: 'REFUSED' };
      throw error;
    }
  };
  const revoke = async (refreshToken: string) => {
    await api.call('RevokeToken', { ClientId: clientId, Token: refreshToken });
  };
  return {
    passwordSignIn,
    completeNewPassword: async (email, session, newPassword) => {
      let answered: ProviderSignIn;
      try {
        answered = outcomeOf(
          await api.call('RespondToAuthChallenge', {
            ClientId: clientId,
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: session,
            ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
          }),
        );
      } catch (error) {
        if (failedAs(error, 'InvalidPasswordException')) {
          throw new DomainError('PASSWORD_REJECTED', (error as AwsError).message);
        }
        if (
          REFUSALS.some((name) => failedAs(error, name)) ||
          failedAs(error, 'CodeMismatchException')
        ) {
          return { status: 'REFUSED' };
        }
        throw error;
      }
      if (answered.status !== 'SIGNED_IN') return answered;
      // The session starts from a sign-in with the new password: the emulator keeps no refresh
      // token from a challenge answer, so that one could never be refreshed locally. Cognito's
      // is revoked, not left valid and unused.
      if (answered.refreshToken) await revoke(answered.refreshToken).catch(() => undefined);
      return passwordSignIn(email, newPassword);
    },
    answerMfa: async (email, session, code) => {
      try {
        return outcomeOf(
          await api.call('RespondToAuthChallenge', {
            ClientId: clientId,
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: session,
            ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
          }),
        );
      } catch (error) {
        // A wrong code, a session past its three minutes, or one answered too often.
        if (
          REFUSALS.some((name) => failedAs(error, name)) ||
          failedAs(error, 'CodeMismatchException') ||
          failedAs(error, 'ExpiredCodeException')
        ) {
          return { status: 'REFUSED' };
        }
        throw error;
      }
    },
    refresh: async (refreshToken) => {
      try {
        const result = await api.call('InitiateAuth', {
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        });
        return result.AuthenticationResult ? tokensOf(result) : undefined;
      } catch (error) {
        if (REFUSALS.some((name) => failedAs(error, name))) return undefined;
        throw error;
      }
    },
    revoke,
    forgotPassword: async (email) => {
      try {
        await api.call('ForgotPassword', { ClientId: clientId, Username: email });
      } catch (error) {
        if (
          failedAs(error, 'LimitExceededException') ||
          failedAs(error, 'TooManyRequestsException')
        ) {
          throw new DomainError('RESET_LIMIT_REACHED', 'Too many reset requests; try again later.');
        }
        // An account Cognito will not reset (e.g. never signed in): the same quiet answer.
        if (
          REFUSALS.some((name) => failedAs(error, name)) ||
          failedAs(error, 'InvalidParameterException')
        ) {
          return;
        }
        throw error;
      }
    },
    confirmForgotPassword: async (email, code, newPassword) => {
      try {
        await api.call('ConfirmForgotPassword', {
          ClientId: clientId,
          Username: email,
          ConfirmationCode: code,
          Password: newPassword,
        });
        return 'RESET';
      } catch (error) {
        if (failedAs(error, 'InvalidPasswordException')) {
          throw new DomainError('PASSWORD_REJECTED', (error as AwsError).message);
        }
        if (
          failedAs(error, 'LimitExceededException') ||
          failedAs(error, 'TooManyFailedAttemptsException')
        ) {
          throw new DomainError('RESET_LIMIT_REACHED', 'Too many attempts; try again later.');
        }
        if (
          failedAs(error, 'CodeMismatchException') ||
          failedAs(error, 'ExpiredCodeException') ||
          REFUSALS.some((name) => failedAs(error, name))
        ) {
          return 'CODE_INVALID';
        }
        throw error;
      }
    },
  };
};

/**
 * The person's authenticator app, through the calls Cognito authorizes with the person's own
 * access token (no administrator rights involved).
 */
export const cognitoMfa = (api: CognitoApi): MfaProvider => ({
  enabled: async (accessToken) => {
    const user = await api.call('GetUser', { AccessToken: accessToken });
    return ((user.UserMFASettingList as string[] | undefined) ?? []).includes('SOFTWARE_TOKEN_MFA');
  },
  associate: async (accessToken) => {
    const answer = await api.call('AssociateSoftwareToken', { AccessToken: accessToken });
    if (typeof answer.SecretCode !== 'string') throw new Error('The provider answered no secret');
    return answer.SecretCode;
  },
  confirm: async (accessToken, code) => {
    try {
      await api.call('VerifySoftwareToken', {
        AccessToken: accessToken,
        UserCode: code,
        FriendlyDeviceName: 'Authenticator app',
      });
    } catch (error) {
      if (
        failedAs(error, 'CodeMismatchException') ||
        failedAs(error, 'EnableSoftwareTokenMFAException') ||
        // No key associated yet (setup skipped or from another session).
        failedAs(error, 'InvalidParameterException')
      ) {
        return 'CODE_INVALID';
      }
      throw error;
    }
    await api.call('SetUserMFAPreference', {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    return 'ENABLED';
  },
  disable: async (accessToken) => {
    await api.call('SetUserMFAPreference', {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
    });
  },
});

/**
 * Temporary passwords: 16 characters from every class Cognito's strong policy asks for, with
 * look-alikes (0/O, 1/l/I) left out so a person can type one from the e-mail.
 */
const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '!#%+-=?@'];
export const randomPasswords: PasswordGenerator = {
  temporary: () => {
    const all = CLASSES.join('');
    const chars = CLASSES.map((c) => c[randomInt(c.length)] as string);
    while (chars.length < 16) chars.push(all[randomInt(all.length)] as string);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
    }
    return chars.join('');
  },
};
