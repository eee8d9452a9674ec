import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cognitoApi } from '../../lambdas/adapters/aws/services.ts';
import { cognitoDirectory, cognitoMfa, cognitoSignIn } from '../../lambdas/adapters/cognito.ts';
import { type FakeAws, FakeAwsError, startFakeAws } from '../support/fake-aws.ts';
import { codeOf } from '../support/outcome.ts';

/**
 * The Cognito side of sign-in as AWS's API reference states it (operation names, JSON shapes,
 * exception names), against a stand-in that answers as Cognito does. The same adapter runs
 * against the emulator in test/integration/people-sign-in.test.ts: together they hold the local
 * and the AWS configuration to one contract.
 */
let aws: FakeAws;
let api: ReturnType<typeof cognitoApi>;

const jwt = (claims: Record<string, unknown>) =>
  `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
const tokens = (sub: string) => ({
  AuthenticationResult: {
    AccessToken: jwt({ sub }),
    ExpiresIn: 3600,
    RefreshToken: `refresh-${sub}`,
  },
});

beforeAll(async () => {
  aws = await startFakeAws();
  api = cognitoApi({
    region: 'eu-west-1',
    endpoint: aws.endpoint,
    credentials: () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    maxAttempts: 1,
  });
});
afterAll(async () => {
  api.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

describe('the Cognito adapter on the wire', () => {
  it('creates an account with Cognito’s own message suppressed, the e-mail verified, the customer attribute and the role group', async () => {
    aws.on('AdminCreateUser', () => ({
      User: { Attributes: [{ Name: 'sub', Value: 'sub-1' }] },
    }));
    aws.on('AdminAddUserToGroup', () => ({}));

    const created = await cognitoDirectory(api, 'eu-west-1_pool').createUser({
      email: 'ann@acme.example',
      temporaryPassword: 'Temp-Pass-123!',
      role: 'customer-admin',
      customerId: 'cus_1',
    });

    expect(created).toEqual({ subject: 'sub-1' });
    const [create] = aws.callsOf('AdminCreateUser');
    expect(create?.service).toBe('cognito-idp');
    expect(create?.headers['x-amz-target']).toBe(
      'AWSCognitoIdentityProviderService.AdminCreateUser',
    );
    expect(create?.input).toEqual({
      UserPoolId: 'eu-west-1_pool',
      Username: 'ann@acme.example',
      TemporaryPassword: 'Temp-Pass-123!',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'ann@acme.example' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:customerId', Value: 'cus_1' },
      ],
    });
    expect(aws.callsOf('AdminAddUserToGroup')[0]?.input).toMatchObject({
      GroupName: 'customer-admin',
    });
  });

  it('an existing account is ALREADY_EXISTS', async () => {
    aws.on('AdminCreateUser', () => new FakeAwsError('UsernameExistsException', 'exists'));
    const outcome = cognitoDirectory(api, 'p').createUser({
      email: 'a@b.example',
      temporaryPassword: 'x',
      role: 'vendor-support',
    });
    expect(await codeOf(outcome)).toBe('ALREADY_EXISTS');
  });

  it('signs in with USER_PASSWORD_AUTH; a wrong password is a plain refusal', async () => {
    aws.once('InitiateAuth', () => tokens('sub-2'));
    aws.once('InitiateAuth', () => new FakeAwsError('NotAuthorizedException', 'Incorrect'));
    const provider = cognitoSignIn(api, 'client-1');

    expect(await provider.passwordSignIn('b@acme.example', 'Right-Pass-1!')).toMatchObject({
      status: 'SIGNED_IN',
      subject: 'sub-2',
      refreshToken: 'refresh-sub-2',
    });
    expect(await provider.passwordSignIn('b@acme.example', 'wrong')).toEqual({
      status: 'REFUSED',
    });
    expect(aws.callsOf('InitiateAuth')[0]?.input).toEqual({
      ClientId: 'client-1',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'b@acme.example', PASSWORD: 'Right-Pass-1!' },
    });
  });

  it('answers the first sign-in’s challenge, revokes that session’s refresh token and starts one with the new password', async () => {
    aws.on('RespondToAuthChallenge', () => tokens('sub-3'));
    aws.on('RevokeToken', () => ({}));
    aws.on('InitiateAuth', () => tokens('sub-3'));
    const provider = cognitoSignIn(api, 'client-1');

    const done = await provider.completeNewPassword('c@acme.example', 'session-x', 'New-Pass-123!');

    expect(done).toMatchObject({ status: 'SIGNED_IN', subject: 'sub-3' });
    expect(aws.callsOf('RespondToAuthChallenge')[0]?.input).toEqual({
      ClientId: 'client-1',
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: 'session-x',
      ChallengeResponses: { USERNAME: 'c@acme.example', NEW_PASSWORD: 'New-Pass-123!' },
    });
    expect(aws.callsOf('RevokeToken')[0]?.input).toEqual({
      ClientId: 'client-1',
      Token: 'refresh-sub-3',
    });
    expect(aws.callsOf('InitiateAuth')[0]?.input).toMatchObject({
      AuthFlow: 'USER_PASSWORD_AUTH',
    });
  });

  it('a password the pool’s policy refuses is PASSWORD_REJECTED', async () => {
    aws.on('RespondToAuthChallenge', () => new FakeAwsError('InvalidPasswordException', 'short'));
    const outcome = cognitoSignIn(api, 'c').completeNewPassword('d@x.example', 's', 'short');
    expect(await codeOf(outcome)).toBe('PASSWORD_REJECTED');
  });

  it('refreshes with REFRESH_TOKEN_AUTH; a revoked token ends the session', async () => {
    aws.once('InitiateAuth', () => ({
      AuthenticationResult: { AccessToken: jwt({ sub: 'sub-4' }), ExpiresIn: 3600 },
    }));
    aws.once('InitiateAuth', () => new FakeAwsError('NotAuthorizedException', 'revoked'));
    const provider = cognitoSignIn(api, 'client-1');

    expect(await provider.refresh('refresh-4')).toMatchObject({ subject: 'sub-4' });
    expect(await provider.refresh('refresh-4')).toBeUndefined();
    expect(aws.callsOf('InitiateAuth')[0]?.input).toEqual({
      ClientId: 'client-1',
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: 'refresh-4' },
    });
  });

  it('forgot-password asks Cognito for a code, and a throttled request is RESET_LIMIT_REACHED', async () => {
    aws.once('ForgotPassword', () => ({ CodeDeliveryDetails: { DeliveryMedium: 'EMAIL' } }));
    aws.once('ForgotPassword', () => new FakeAwsError('LimitExceededException', 'slow down'));
    const provider = cognitoSignIn(api, 'client-1');

    await provider.forgotPassword('e@acme.example');
    expect(await codeOf(provider.forgotPassword('e@acme.example'))).toBe('RESET_LIMIT_REACHED');
    expect(aws.callsOf('ForgotPassword')[0]?.input).toEqual({
      ClientId: 'client-1',
      Username: 'e@acme.example',
    });
  });

  it('confirms a reset with the code; a wrong or expired code is CODE_INVALID', async () => {
    aws.once('ConfirmForgotPassword', () => ({}));
    aws.once('ConfirmForgotPassword', () => new FakeAwsError('CodeMismatchException', 'no'));
    aws.once('ConfirmForgotPassword', () => new FakeAwsError('ExpiredCodeException', 'old'));
    const provider = cognitoSignIn(api, 'client-1');

    expect(await provider.confirmForgotPassword('f@x.example', '123456', 'New-Pass-123!')).toBe(
      'RESET',
    );
    expect(await provider.confirmForgotPassword('f@x.example', '000000', 'New-Pass-123!')).toBe(
      'CODE_INVALID',
    );
    expect(await provider.confirmForgotPassword('f@x.example', '123456', 'New-Pass-123!')).toBe(
      'CODE_INVALID',
    );
    expect(aws.callsOf('ConfirmForgotPassword')[0]?.input).toEqual({
      ClientId: 'client-1',
      Username: 'f@x.example',
      ConfirmationCode: '123456',
      Password: 'New-Pass-123!',
    });
  });

  it('a sign-in of someone with an authenticator is MFA_REQUIRED, answered with SOFTWARE_TOKEN_MFA; a wrong code is a refusal', async () => {
    aws.once('InitiateAuth', () => ({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'mfa-1' }));
    aws.once('RespondToAuthChallenge', () => new FakeAwsError('CodeMismatchException', 'wrong'));
    aws.once('RespondToAuthChallenge', () => tokens('sub-9'));
    const provider = cognitoSignIn(api, 'client-1');

    expect(await provider.passwordSignIn('m@acme.example', 'Right-Pass-1!')).toEqual({
      status: 'MFA_REQUIRED',
      session: 'mfa-1',
    });
    expect(await provider.answerMfa('m@acme.example', 'mfa-1', '000000')).toEqual({
      status: 'REFUSED',
    });
    expect(await provider.answerMfa('m@acme.example', 'mfa-1', '123456')).toMatchObject({
      status: 'SIGNED_IN',
      subject: 'sub-9',
    });
    expect(aws.callsOf('RespondToAuthChallenge')[1]?.input).toEqual({
      ClientId: 'client-1',
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'mfa-1',
      ChallengeResponses: { USERNAME: 'm@acme.example', SOFTWARE_TOKEN_MFA_CODE: '123456' },
    });
  });

  it('adds an authenticator with the person’s own token: associate, verify, then prefer it; a mismatch enables nothing', async () => {
    aws.on('AssociateSoftwareToken', () => ({ SecretCode: 'JBSWY3DPEHPK3PXP' }));
    aws.once(
      'VerifySoftwareToken',
      () => new FakeAwsError('EnableSoftwareTokenMFAException', 'no'),
    );
    aws.once('VerifySoftwareToken', () => ({ Status: 'SUCCESS' }));
    aws.on('SetUserMFAPreference', () => ({}));
    aws.on('GetUser', () => ({ Username: 'x', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] }));
    const mfa = cognitoMfa(api);

    expect(await mfa.associate('access-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(await mfa.confirm('access-1', '000000')).toBe('CODE_INVALID');
    expect(aws.callsOf('SetUserMFAPreference')).toHaveLength(0);
    expect(await mfa.confirm('access-1', '123456')).toBe('ENABLED');
    expect(await mfa.enabled('access-1')).toBe(true);
    await mfa.disable('access-1');

    expect(aws.callsOf('AssociateSoftwareToken')[0]?.input).toEqual({ AccessToken: 'access-1' });
    expect(aws.callsOf('VerifySoftwareToken')[1]?.input).toMatchObject({
      AccessToken: 'access-1',
      UserCode: '123456',
    });
    expect(aws.callsOf('SetUserMFAPreference').map((c) => c.input)).toEqual([
      { AccessToken: 'access-1', SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } },
      {
        AccessToken: 'access-1',
        SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
      },
    ]);
  });
});
