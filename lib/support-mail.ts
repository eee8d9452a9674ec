import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ReceiptRuleSet, TlsPolicy } from 'aws-cdk-lib/aws-ses';
import { Lambda, LambdaInvocationType, S3 } from 'aws-cdk-lib/aws-ses-actions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INBOUND_PREFIX } from '../lambdas/domain/mail-intake.ts';
import type { SenderTrust } from '../lambdas/domain/mail-trust.ts';
import { TesseraFunction } from './constructs/tessera-function.ts';
import { receiptRuleSetName } from './data-stack.ts';

export interface SupportMailProps {
  stage: string;
  /** The address customers write to: the receipt rule's one recipient. */
  address: string;
  table: ITable;
  files: IBucket;
  logRetention: RetentionDays;
  /** When a received mail's From line is believed (lambdas/domain/mail-trust.ts). */
  senderTrust: SenderTrust;
}

/**
 * Tickets by e-mail on AWS (docs/support.md): SES receiving takes mail to the support address,
 * scans it for spam and viruses, requires TLS, stores the raw message under `inbound/` of the
 * encrypted files bucket (the bucket's policy, in the data stack, lets SES write there for this
 * rule set only), then invokes the intake function asynchronously. The function reads the
 * message, keeps its files under `attachments/` and writes the ticket; after two retries a
 * failed event waits in a dead-letter queue, the message still in the bucket.
 *
 * CloudFormation cannot make a rule set the region's active one: the operator does that once
 * (`aws ses set-active-receipt-rule-set`), and points the domain's MX record at SES.
 */
export class SupportMail extends Construct {
  readonly ruleSet: ReceiptRuleSet;
  readonly fn: TesseraFunction;
  readonly deadLetterQueue: Queue;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: SupportMailProps) {
    super(scope, id);
    this.functionName = `tessera-${props.stage}-mail-intake`;
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: `tessera-${props.stage}-mail-intake-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the intake function’s asynchronous invocations; an operator reads it (docs/runbook.md).',
    });
    this.fn = new TesseraFunction(this, 'Intake', {
      entry: 'lambdas/mail/handler.ts',
      functionName: this.functionName,
      description: 'Tessera mail intake: support mail received by SES becomes tickets',
      stage: props.stage,
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
      memorySize: 1024,
      environment: { MAIL_SENDER_TRUST: props.senderTrust },
    });
    this.fn.bindTable(props.table, 'write');
    this.fn.bindFiles(props.files, { read: [INBOUND_PREFIX], write: ['attachments/'] });
    this.fn.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet', {
      receiptRuleSetName: receiptRuleSetName(props.stage),
    });
    this.ruleSet.addRule('Tickets', {
      recipients: [props.address],
      scanEnabled: true,
      tlsPolicy: TlsPolicy.REQUIRE,
      actions: [
        new S3({ bucket: props.files, objectKeyPrefix: INBOUND_PREFIX }),
        new Lambda({ function: this.fn.fn, invocationType: LambdaInvocationType.EVENT }),
      ],
    });
  }
}
