import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import {
  GetAccountSettingsCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  SESv2Client,
  NotFoundException as SesNotFound,
} from '@aws-sdk/client-sesv2';
import { ListSubscriptionsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type CheckResult, preflight } from '../../bin/preflight/checks.ts';

const target = {
  stage: 'prod',
  region: 'eu-west-1',
  account: '123456789012',
  senderAddress: 'licensing@acme-licensing.com',
  alarmEmail: 'ops@acme-licensing.com',
  reservedConcurrency: 205,
};
const topic = 'arn:aws:sns:eu-west-1:123456789012:Tessera-prod-Observability-AlarmTopicD01E77F9-x';
const role = 'arn:aws:iam::123456789012:role/Tessera-prod-Api-InstanceFunctionRole';
const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const meta = { $metadata: {}, message: 'not found' };

const clients = {
  ses: new SESv2Client({ region: 'eu-west-1' }),
  sns: new SNSClient({ region: 'eu-west-1' }),
  lambda: new LambdaClient({ region: 'eu-west-1' }),
  kms: new KMSClient({ region: 'eu-west-1' }),
  iam: new IAMClient({ region: 'eu-west-1' }),
  ssm: new SSMClient({ region: 'eu-west-1' }),
  quotas: new ServiceQuotasClient({ region: 'eu-west-1' }),
};
const mocks = {
  ses: mockClient(clients.ses),
  sns: mockClient(clients.sns),
  lambda: mockClient(clients.lambda),
  kms: mockClient(clients.kms),
  iam: mockClient(clients.iam),
  ssm: mockClient(clients.ssm),
  quotas: mockClient(clients.quotas),
};

/** An account that is ready: every check passes. */
const ready = () => {
  mocks.ses.on(GetEmailIdentityCommand).resolves({
    VerifiedForSendingStatus: true,
    DkimAttributes: { Status: 'SUCCESS' },
  });
  mocks.ses.on(GetAccountCommand).resolves({
    SendingEnabled: true,
    ProductionAccessEnabled: true,
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14 },
  });
  mocks.sns.on(ListSubscriptionsCommand).resolves({
    Subscriptions: [
      {
        Protocol: 'email',
        Endpoint: target.alarmEmail,
        TopicArn: topic,
        SubscriptionArn: `${topic}:abc`,
      },
    ],
  });
  mocks.lambda.on(GetFunctionConfigurationCommand).resolves({ Role: role });
  mocks.lambda.on(GetAccountSettingsCommand).resolves({
    AccountLimit: { ConcurrentExecutions: 1000 },
  });
  mocks.kms.on(DescribeKeyCommand).resolves({
    KeyMetadata: {
      KeyId: keyArn,
      Arn: keyArn,
      KeyState: 'Enabled',
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
    },
  });
  mocks.iam.on(SimulatePrincipalPolicyCommand).resolves({
    EvaluationResults: [{ EvalActionName: 'kms:Sign', EvalDecision: 'allowed' }],
  });
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '21' } });
  mocks.quotas.on(ListServiceQuotasCommand).resolves({
    Quotas: [
      {
        QuotaName: 'Cryptographic operations (symmetric) request rate',
        QuotaCode: 'L-1',
        Value: 10_000,
      },
      { QuotaName: 'Cryptographic operations (ECC) request rate', QuotaCode: 'L-2', Value: 300 },
    ],
  });
};

const verdicts = (results: CheckResult[]) =>
  Object.fromEntries(results.map((r) => [r.check, r.verdict]));
const result = (results: CheckResult[], check: string) =>
  results.find((r) => r.check === check) as CheckResult;

beforeEach(() => {
  for (const m of Object.values(mocks)) m.reset();
  ready();
});
afterAll(() => {
  for (const m of Object.values(mocks)) m.restore();
});

describe('npm run preflight', () => {
  it('passes every check on a ready account, and only ever reads', async () => {
    const results = await preflight(clients, target);
    expect(verdicts(results)).toEqual({
      'ses-identity': 'pass',
      'ses-account': 'pass',
      'alarm-subscription': 'pass',
      'signing-key': 'pass',
      'lambda-concurrency': 'pass',
      'kms-quota': 'pass',
      'cdk-bootstrap': 'pass',
    });
    const sent = Object.values(mocks).flatMap((m) =>
      m.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name),
    );
    expect(sent.length).toBeGreaterThan(0);
    for (const name of sent) expect(name).toMatch(/^(Get|List|Describe|Simulate)/);
    expect(mocks.iam.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input).toEqual({
      PolicySourceArn: role,
      ActionNames: ['kms:Sign'],
      ResourceArns: [keyArn],
    });
  });

  it('fails an unverified sender with the command that creates the identity', async () => {
    mocks.ses.on(GetEmailIdentityCommand).rejects(new SesNotFound(meta));
    const r = result(await preflight(clients, target), 'ses-identity');
    expect(r).toMatchObject({ verdict: 'fail' });
    expect(r.fix).toContain(
      'aws sesv2 create-email-identity --email-identity acme-licensing.com --region eu-west-1',
    );
  });

  it('warns about a verified domain without DKIM', async () => {
    mocks.ses
      .on(GetEmailIdentityCommand, { EmailIdentity: target.senderAddress })
      .rejects(new SesNotFound(meta));
    mocks.ses
      .on(GetEmailIdentityCommand, { EmailIdentity: 'acme-licensing.com' })
      .resolves({ VerifiedForSendingStatus: true, DkimAttributes: { Status: 'PENDING' } });
    expect(result(await preflight(clients, target), 'ses-identity')).toMatchObject({
      verdict: 'warn',
      detail: expect.stringContaining('DKIM is PENDING'),
    });
  });

  it('fails the SES sandbox and says to request production access', async () => {
    mocks.ses.on(GetAccountCommand).resolves({
      SendingEnabled: true,
      ProductionAccessEnabled: false,
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1 },
    });
    const r = result(await preflight(clients, target), 'ses-account');
    expect(r).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('sandbox') });
    expect(r.fix).toContain('production access');
  });

  it('fails an alarm subscription nobody confirmed', async () => {
    mocks.sns.on(ListSubscriptionsCommand).resolves({
      Subscriptions: [
        {
          Protocol: 'email',
          Endpoint: target.alarmEmail,
          TopicArn: topic,
          SubscriptionArn: 'PendingConfirmation',
        },
      ],
    });
    const r = result(await preflight(clients, target), 'alarm-subscription');
    expect(r).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('not confirmed') });
  });

  it('fails a signing key the instance function may not use', async () => {
    mocks.iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [{ EvalActionName: 'kms:Sign', EvalDecision: 'implicitDeny' }],
    });
    expect(result(await preflight(clients, target), 'signing-key')).toMatchObject({
      verdict: 'fail',
      detail: expect.stringContaining('implicitDeny'),
    });
    mocks.kms.on(DescribeKeyCommand).rejects(new NotFoundException(meta));
    expect(result(await preflight(clients, target), 'signing-key')).toMatchObject({
      verdict: 'fail',
      detail: expect.stringContaining('no KMS key behind alias/tessera-prod-license-signing'),
    });
  });

  it('fails an account whose concurrency cannot hold the stage’s reservations', async () => {
    mocks.lambda.on(GetAccountSettingsCommand).resolves({
      AccountLimit: { ConcurrentExecutions: 10 },
    });
    const r = result(await preflight(clients, target), 'lambda-concurrency');
    expect(r).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('below the 305') });
    expect(r.fix).toContain('Service Quotas');
  });

  it('reports the KMS ECC signing rate, and warns with the quota code when it is low', async () => {
    expect(result(await preflight(clients, target), 'kms-quota').detail).toContain(
      'Cryptographic operations (ECC) request rate: 300/s',
    );
    mocks.quotas.on(ListServiceQuotasCommand).resolves({
      Quotas: [
        { QuotaName: 'Cryptographic operations (ECC) request rate', QuotaCode: 'L-2', Value: 10 },
      ],
    });
    expect(result(await preflight(clients, target), 'kms-quota')).toMatchObject({
      verdict: 'warn',
      fix: expect.stringContaining('--quota-code L-2'),
    });
  });

  it('fails a region that is not bootstrapped, with the bootstrap command', async () => {
    mocks.ssm.on(GetParameterCommand).rejects(new ParameterNotFound(meta));
    expect(result(await preflight(clients, target), 'cdk-bootstrap')).toMatchObject({
      verdict: 'fail',
      fix: 'npx cdk bootstrap aws://123456789012/eu-west-1',
    });
  });

  it('turns a check it may not ask into a warning that names why, and still runs the rest', async () => {
    mocks.ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const results = await preflight(clients, target);
    expect(result(results, 'cdk-bootstrap')).toMatchObject({
      verdict: 'warn',
      detail: expect.stringContaining('AccessDeniedException'),
    });
    expect(result(results, 'ses-account').verdict).toBe('pass');
  });
});
