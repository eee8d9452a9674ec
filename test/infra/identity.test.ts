import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { roles } from '../../lambdas/domain/principal.ts';
import { groups, type RouteGroup } from '../../lambdas/routes.ts';
import { functionActions, synthTessera, tesseraFunctions } from './app-fixture.ts';

const synthesized = synthTessera();
const { api } = synthesized;
const cognitoActionsOf = (group: RouteGroup) =>
  functionActions(synthesized, group).filter((a) => a.startsWith('cognito-idp:'));

describe('the people user pool', () => {
  it('takes no self sign-up, keeps a strong password policy and offers TOTP, not SMS', () => {
    api.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has an app client without a secret, with token revocation and no SRP or admin flows', () => {
    api.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });

  it('has one group per Tessera role', () => {
    const names = Object.values(api.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => (g as { Properties: { GroupName: string } }).Properties.GroupName,
    );
    expect(names.sort()).toEqual([...roles].sort());
  });

  it('lets only the people function administer accounts', () => {
    for (const group of Object.keys(groups) as RouteGroup[]) {
      if (group === 'people') {
        expect(cognitoActionsOf(group)).toContain('cognito-idp:AdminCreateUser');
        expect(cognitoActionsOf(group).every((a) => a.startsWith('cognito-idp:Admin'))).toBe(true);
      } else {
        expect(cognitoActionsOf(group), group).toEqual([]);
      }
    }
  });

  it('tells every authenticating function the pool and client, and never a local issuer', () => {
    for (const [id, fn] of Object.entries(tesseraFunctions(api))) {
      const variables = ((fn as { Properties: { Environment?: { Variables?: object } } }).Properties
        .Environment?.Variables ?? {}) as Record<string, unknown>;
      expect(variables, id).not.toHaveProperty('IDENTITY_LOCAL_ISSUER');
      if (!id.startsWith('MetaFunction')) {
        expect(variables, id).toHaveProperty('USER_POOL_ID');
        expect(variables, id).toHaveProperty('USER_POOL_CLIENT_ID');
      }
    }
  });
});
