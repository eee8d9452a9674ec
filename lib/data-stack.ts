import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { INBOUND_PREFIX } from '../lambdas/domain/mail-intake.ts';
import { tableDefinition } from '../lambdas/store/table-definition.ts';
import type { StageConfig } from './config.ts';

export interface DataStackProps extends StackProps {
  stage: StageConfig;
}

/** The alias that always names the stage's active license-signing key. */
export const signingKeyAlias = (stage: string) => `alias/tessera-${stage}-license-signing`;

/** The SES receipt rule set of a stage's support mail (SES allows one active set per region). */
export const receiptRuleSetName = (stage: string) => `tessera-${stage}-support`;
/**
 * The files bucket's name: the stage, account and region make it unique worldwide, and the API
 * stack finds the bucket by it, without an export (docs/adr/0012-stacks-joined-by-names.md).
 */
export const filesBucketName = (stage: string, account: string, region: string) =>
  `tessera-${stage}-files-${account}-${region}`;

/** How long a received message stays in the bucket (under INBOUND_PREFIX). */
export const INBOUND_RETENTION_DAYS = 30;

/**
 * Tessera's state: one DynamoDB table built from the same definition the local runtime uses
 * (on-demand, point-in-time recovery, deletion protection, retained when the stack goes), and the
 * KMS keys that sign license files (retained: a deleted key would orphan every file it signed).
 */
export class DataStack extends Stack {
  readonly table: Table;
  /** Ticket attachments (`attachments/`) and received support mail (`inbound/`). */
  readonly files: Bucket;
  /** The key that signs license files now (`activeSigningKey` of the stage). */
  readonly signingKey: Key;
  /** Every signing key the stage holds, by name: the active one, and during a rotation the other. */
  readonly signingKeys: ReadonlyMap<string, Key>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const def = tableDefinition;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
      sortKey: { name: def.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: def.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of def.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      });
    }

    this.files = new Bucket(this, 'Files', {
      bucketName: filesBucketName(stage.name, this.account, this.region),
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // The raw mail stays for the operator (refused mail, files over the limits), then goes.
        { prefix: INBOUND_PREFIX, expiration: Duration.days(INBOUND_RETENTION_DAYS) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    // SES receiving writes received mail under inbound/, for this account's rule set only.
    this.files.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.files.arnForObjects(`${INBOUND_PREFIX}*`)],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:ses:${this.region}:${this.account}:receipt-rule-set/${receiptRuleSetName(stage.name)}:receipt-rule/*`,
          },
        },
      }),
    );
    Validations.of(this.files).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Every object is written and read by Tessera’s own functions and SES, whose calls CloudTrail records; server access logs would need a second bucket and add nothing an operator uses.',
    });

    const keys = new Map<string, Key>();
    for (const name of stage.signingKeys) {
      const key = new Key(this, `LicenseSigningKey-${name}`, {
        description: `Tessera ${stage.name}: signs license files (ES256 JWS), key "${name}"`,
        keySpec: KeySpec.ECC_NIST_P256,
        keyUsage: KeyUsage.SIGN_VERIFY,
        removalPolicy: RemovalPolicy.RETAIN,
        // No automatic rotation: KMS rotates symmetric keys only. Asymmetric keys rotate by a new
        // key with a new kid (docs/deploy.md); cdk-nag's KMS5 knows this and checks symmetric
        // keys only, so it needs no acknowledgement here.
      });
      new Alias(this, `LicenseSigningKeyAlias-${name}`, {
        aliasName: `${signingKeyAlias(stage.name)}-${name}`,
        targetKey: key,
      });
      // Export every key the stage holds, not only the one the API stack uses today: switching
      // the active key then changes only the API stack's import, and the old key's export stays
      // until the key leaves signingKeys (otherwise CloudFormation refuses to drop an export
      // that the deployed API stack still imports).
      this.exportValue(key.keyArn);
      keys.set(name, key);
    }
    this.signingKeys = keys;
    const active = keys.get(stage.activeSigningKey);
    if (!active) throw new Error(`No signing key named '${stage.activeSigningKey}'`);
    this.signingKey = active;
    new Alias(this, 'LicenseSigningKeyAlias', {
      aliasName: signingKeyAlias(stage.name),
      targetKey: active,
    });

    new CfnOutput(this, 'LicenseSigningKeyArn', {
      description: `The active license-signing key (${stage.activeSigningKey}); its key id is the kid`,
      value: active.keyArn,
    });
  }
}
