import { roles } from '../lambdas/domain/principal.ts';

/**
 * The user pool people sign in to, as data: CDK builds the stage's Cognito pool from it
 * (lib/identity.ts) and the local runtime builds its emulator's pool from the same definition
 * (bin/local/cognito.ts), so the two cannot drift.
 */
export const identityDefinition = {
  poolName: (stage: string) => `tessera-${stage}-people`,
  clientName: (stage: string) => `tessera-${stage}-console`,
  passwordPolicy: {
    minLength: 12,
    requireLowercase: true,
    requireUppercase: true,
    requireDigits: true,
    requireSymbols: true,
    /** Days an invitation's temporary password works. */
    temporaryPasswordValidityDays: 7,
  },
  /** One group per Tessera role, named like it; a person is in exactly one. */
  groups: roles,
  /** Custom attributes: a customer role's customer. */
  customAttributes: { customerId: { maxLen: 40 } },
  /** Browser pages sign in with e-mail and password; the refresh token rides in a cookie. */
  authFlows: ['USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH'] as const,
  accessTokenMinutes: 15,
  refreshTokenDays: 30,
} as const;
