import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { roles } from '../../lambdas/domain/principal.ts';
import { groups, type RouteGroup } from '../../lambdas/routes.ts';
import { buildTessera } from '../../lib/app.ts';
import {
  functionActions,
  LIVE_STAGE,
  newApp,
  synthTessera,
  tesseraFunctions,
  withStage,
} from './app-fixture.ts';

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
      // The meta routes are open; the mail intake is invoked by SES, not by people.
      if (!id.startsWith('MetaFunction') && !id.startsWith('SupportMail')) {
        expect(variables, id).toHaveProperty('USER_POOL_ID');
        expect(variables, id).toHaveProperty('USER_POOL_CLIENT_ID');
      }
    }
  });
});

const environmentOf = (template: typeof api, prefix: string) => {
  const [, fn] =
    Object.entries(tesseraFunctions(template)).find(([id]) => id.startsWith(prefix)) ?? [];
  return ((fn as { Properties: { Environment?: { Variables?: object } } } | undefined)?.Properties
    .Environment?.Variables ?? {}) as Record<string, unknown>;
};

const federation = {
  domainPrefix: 'acme-licenses',
  providers: [
    {
      type: 'oidc',
      name: 'AcmeEntra',
      label: 'Acme Entra ID',
      issuerUrl: 'https://login.microsoftonline.com/tenant-id/v2.0',
      clientId: 'entra-app-id',
      clientSecretName: 'tessera/prod/entra-client-secret',
    },
    {
      type: 'saml',
      name: 'AcmeOkta',
      label: 'Acme Okta',
      metadataUrl: 'https://acme.okta.com/app/exk1/sso/saml/metadata',
    },
  ],
};
const federatedStage = withStage('prod', {
  ...LIVE_STAGE,
  console: {
    domainName: 'licenses.acme-licensing.com',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f2e-4b1a',
  },
  identity: { mfa: 'optional', federation },
});

describe('federated sign-in for the vendor’s staff', () => {
  it('is off unless configured: no hosted domain, no providers, no OAuth flow at all on the client', () => {
    expect(Object.keys(api.findResources('AWS::Cognito::UserPoolDomain'))).toHaveLength(0);
    expect(Object.keys(api.findResources('AWS::Cognito::UserPoolIdentityProvider'))).toHaveLength(
      0,
    );
    api.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: false,
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(environmentOf(api, 'SessionFunction')).toMatchObject({ IDENTITY_MFA: 'optional' });
    expect(environmentOf(api, 'SessionFunction')).not.toHaveProperty('IDENTITY_DOMAIN');
  });

  it('from stage config: a hosted domain, OIDC with its secret read at deploy time, SAML by metadata, the code flow to Tessera’s callback only', () => {
    const { api: federated } = synthTessera(federatedStage);

    federated.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-licenses' });
    federated.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'AcmeEntra',
      ProviderType: 'OIDC',
      ProviderDetails: Match.objectLike({
        client_id: 'entra-app-id',
        client_secret:
          '{{resolve:secretsmanager:tessera/prod/entra-client-secret:SecretString:::}}',
        oidc_issuer: 'https://login.microsoftonline.com/tenant-id/v2.0',
      }),
      AttributeMapping: { email: 'email' },
    });
    federated.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'AcmeOkta',
      ProviderType: 'SAML',
      ProviderDetails: Match.objectLike({
        MetadataURL: 'https://acme.okta.com/app/exk1/sso/saml/metadata',
      }),
      AttributeMapping: {
        email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
      },
    });
    federated.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://licenses.acme-licensing.com/v1/session/federation-callback'],
      SupportedIdentityProviders: ['COGNITO', 'AcmeEntra', 'AcmeOkta'],
    });
    expect(environmentOf(federated, 'SessionFunction')).toMatchObject({
      IDENTITY_DOMAIN: 'https://acme-licenses.auth.eu-west-1.amazoncognito.com',
      IDENTITY_PROVIDERS: JSON.stringify([
        { name: 'AcmeEntra', label: 'Acme Entra ID' },
        { name: 'AcmeOkta', label: 'Acme Okta' },
      ]),
      IDENTITY_CALLBACK_URL: 'https://licenses.acme-licensing.com/v1/session/federation-callback',
      CONSOLE_URL: 'https://licenses.acme-licensing.com/',
    });
  });

  it('passes cdk-nag with federation configured', () => {
    const app = newApp(federatedStage);
    buildTessera(app);
    expect(() => app.synth()).not.toThrow();
  });
});
