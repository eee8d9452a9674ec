import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthTessera, withStage } from './app-fixture.ts';

/** Tickets by e-mail on AWS: the files bucket, SES receiving, the intake function and its grants. */
const { data, api } = synthTessera();

/** A role's S3 grants as [action, resource] pairs (CDK merges statements on one resource). */
const s3GrantsOf = (template: typeof api, roleIdPrefix: string) => {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(roleIdPrefix))
    .flatMap(
      ([, p]) =>
        (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } })
          .Properties.PolicyDocument.Statement,
    )
    .flatMap((s) =>
      [s.Action]
        .flat()
        .filter((a) => String(a).startsWith('s3:'))
        .map((a) => [a, JSON.stringify(s.Resource)]),
    );
};

describe('files bucket', () => {
  it('is encrypted, private, TLS-only, retained, and forgets received mail after 30 days', () => {
    data.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: 'inbound/', ExpirationInDays: 30, Status: 'Enabled' }),
          ]),
        },
      }),
    });
  });

  it('lets SES write only under inbound/, only for this account’s support rule set', () => {
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': Match.objectLike({
                  'Fn::Join': Match.arrayWith([
                    Match.arrayWith([':receipt-rule-set/tessera-dev-support:receipt-rule/*']),
                  ]),
                }),
              },
            },
          }),
        ]),
      },
    });
  });
});

describe('support mail on AWS', () => {
  it('receives mail to the support address with scanning and TLS, stores it, then invokes the intake asynchronously', () => {
    api.hasResourceProperties('AWS::SES::ReceiptRuleSet', {
      RuleSetName: 'tessera-dev-support',
    });
    api.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Enabled: true,
        Recipients: ['support@example.com'],
        ScanEnabled: true,
        TlsPolicy: 'Require',
        Actions: [
          { S3Action: Match.objectLike({ ObjectKeyPrefix: 'inbound/' }) },
          { LambdaAction: Match.objectLike({ InvocationType: 'Event' }) },
        ],
      }),
    });
    api.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'ses.amazonaws.com',
    });
  });

  it('gives the intake function the table, inbound/ to read and attachments/ to write, nothing more of the bucket', () => {
    expect(s3GrantsOf(api, 'SupportMailIntakeRole')).toEqual([
      ['s3:GetObject', expect.stringContaining('/inbound/*')],
      ['s3:PutObject', expect.stringContaining('/attachments/*')],
    ]);
    api.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('lets the tickets function read and write attachments/ only', () => {
    expect(s3GrantsOf(api, 'TicketsFunctionRole')).toEqual([
      ['s3:GetObject', expect.stringContaining('/attachments/*')],
      ['s3:PutObject', expect.stringContaining('/attachments/*')],
    ]);
  });

  it('sets up no receiving on a stage without a support address', () => {
    const { api: without } = synthTessera(withStage('dev', { supportAddress: undefined }));
    without.resourceCountIs('AWS::SES::ReceiptRule', 0);
    without.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
  });

  it('tells the intake function how far to believe a From line: unless DMARC failed, or only when it passed', () => {
    const intakeWith = (trust: string) =>
      Match.objectLike({
        FunctionName: 'tessera-dev-mail-intake',
        Environment: { Variables: Match.objectLike({ MAIL_SENDER_TRUST: trust }) },
      });
    api.hasResourceProperties('AWS::Lambda::Function', intakeWith('dmarc-not-failed'));
    const { api: strict } = synthTessera(withStage('dev', { supportSenderTrust: 'dmarc-pass' }));
    strict.hasResourceProperties('AWS::Lambda::Function', intakeWith('dmarc-pass'));
  });
});
