import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { identityDefinition as def } from './identity-definition.ts';

export interface IdentityProps {
  stage: string;
  /** `optional`: people may add a TOTP authenticator; `off`: no second factor. */
  mfa: 'optional' | 'off';
}

/**
 * The stage's people: a Cognito user pool with Tessera's roles as groups and an app client
 * without a secret (a browser cannot keep one). Cognito sends no invitation of its own: Tessera
 * creates accounts with the message suppressed and sends its own e-mail (lambdas/domain/people.ts).
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

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
    this.client = this.userPool.addClient('Console', {
      userPoolClientName: def.clientName(props.stage),
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: false, adminUserPassword: false, custom: false },
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(def.accessTokenMinutes),
      idTokenValidity: Duration.minutes(def.accessTokenMinutes),
      refreshTokenValidity: Duration.days(def.refreshTokenDays),
    });
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
}
