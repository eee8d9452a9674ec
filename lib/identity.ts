import { Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  Mfa,
  OAuthScope,
  ProviderAttribute,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolIdentityProviderOidc,
  UserPoolIdentityProviderSaml,
  UserPoolIdentityProviderSamlMetadata,
} from 'aws-cdk-lib/aws-cognito';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Federation } from './config.ts';
import { identityDefinition as def } from './identity-definition.ts';

export interface IdentityProps {
  stage: string;
  /** `optional`: people may add a TOTP authenticator; `off`: no second factor. */
  mfa: 'optional' | 'off';
  /** The staff's own identity providers, behind the pool's hosted domain. */
  federation?: Federation;
  /** Tessera's /session/federation-callback on the console's origin (with federation). */
  callbackUrl?: string;
}

/**
 * The stage's people: a Cognito user pool with Tessera's roles as groups and an app client
 * without a secret (a browser cannot keep one). Cognito sends no invitation of its own: Tessera
 * creates accounts with the message suppressed and sends its own e-mail (lambdas/domain/people.ts).
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  private readonly sessionEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const policy = def.passwordPolicy;
    this.userPool = new UserPool(this, 'Pool', {
      userPoolName: def.poolName(props.stage),
      selfSignUpEnabled: false,
      signInCaseSensitive: false,
      signInAliases: { username: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        customerId: new StringAttribute({ maxLen: def.customAttributes.customerId.maxLen }),
      },
      passwordPolicy: {
        minLength: policy.minLength,
        requireLowercase: policy.requireLowercase,
        requireUppercase: policy.requireUppercase,
        requireDigits: policy.requireDigits,
        requireSymbols: policy.requireSymbols,
        tempPasswordValidity: Duration.days(policy.temporaryPasswordValidityDays),
      },
      mfa: props.mfa === 'optional' ? Mfa.OPTIONAL : Mfa.OFF,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      // People's accounts outlive a stack that is torn down and built again.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const federated = props.federation ? this.federate(props.federation) : [];
    this.client = this.userPool.addClient('Console', {
      userPoolClientName: def.clientName(props.stage),
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: false, adminUserPassword: false, custom: false },
      supportedIdentityProviders: [
        UserPoolClientIdentityProvider.COGNITO,
        ...(props.federation?.providers ?? []).map((p) =>
          UserPoolClientIdentityProvider.custom(p.name),
        ),
      ],
      // The authorization code flow exists only for federation: without it, no OAuth at all
      // (CDK's default would allow the implicit flow to example.com).
      ...(federated.length > 0 && props.callbackUrl
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls: [props.callbackUrl],
            },
          }
        : { disableOAuth: true }),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(def.accessTokenMinutes),
      idTokenValidity: Duration.minutes(def.accessTokenMinutes),
      refreshTokenValidity: Duration.days(def.refreshTokenDays),
    });
    // The client names the providers by name, so CloudFormation must create them first.
    for (const provider of federated) this.client.node.addDependency(provider);
    this.sessionEnvironment = {
      IDENTITY_MFA: props.mfa,
      ...(props.federation && props.callbackUrl
        ? {
            IDENTITY_DOMAIN: `https://${props.federation.domainPrefix}.auth.${Stack.of(this).region}.amazoncognito.com`,
            IDENTITY_PROVIDERS: JSON.stringify(
              props.federation.providers.map(({ name, label }) => ({ name, label })),
            ),
            IDENTITY_CALLBACK_URL: props.callbackUrl,
          }
        : {}),
    };
    for (const role of def.groups) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Tessera role ${role}`,
      });
    }
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is a stage setting (identity.mfa): optional TOTP by default, so each vendor decides whether its people must enroll.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan (threat protection) is a per-vendor cost decision; Tessera refuses disabled or removed people on every request from its own record.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Cognito threat protection needs the Plus feature plan; Tessera checks its own record of every person on every request and locks out by disabling there.',
      },
    );
  }

  /** What the session function needs to know of sign-in: MFA and the federated providers. */
  configureSessions(fn: LambdaFunction): void {
    for (const [name, value] of Object.entries(this.sessionEnvironment)) {
      fn.addEnvironment(name, value);
    }
  }

  /** The hosted domain and one identity provider per configured one, mapping the e-mail. */
  private federate(federation: Federation) {
    this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: federation.domainPrefix } });
    return federation.providers.map((p) =>
      p.type === 'oidc'
        ? new UserPoolIdentityProviderOidc(this, `Idp-${p.name}`, {
            userPool: this.userPool,
            name: p.name,
            issuerUrl: p.issuerUrl,
            clientId: p.clientId,
            // A dynamic reference: CloudFormation reads the secret at deploy time; it is in
            // neither the template nor the stage's config.
            clientSecret: SecretValue.secretsManager(p.clientSecretName).unsafeUnwrap(),
            scopes: p.scopes,
            attributeMapping: { email: ProviderAttribute.other('email') },
          })
        : new UserPoolIdentityProviderSaml(this, `Idp-${p.name}`, {
            userPool: this.userPool,
            name: p.name,
            metadata: UserPoolIdentityProviderSamlMetadata.url(p.metadataUrl),
            attributeMapping: { email: ProviderAttribute.other(p.emailAttribute) },
          }),
    );
  }
}
