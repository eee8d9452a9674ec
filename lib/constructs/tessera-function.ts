import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tableDefinition } from '../../lambdas/store/table-definition.ts';
import { type Mail, sendActions } from '../mail.ts';

export type TableAccess = 'read' | 'write';

/** Exactly the item-level actions each access level needs; no Scan, no table management. */
export const tableActions: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  write: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
};

/** Signing a license file, and reading the public key for the JWKS and the signer's self-check. */
export const signingActions = ['kms:Sign', 'kms:GetPublicKey'] as const;

export interface TesseraFunctionProps {
  /** Path of the handler module, relative to the repository root. */
  entry: string;
  /**
   * The function's physical name: other stacks (the dashboard, alarms) find it by this plain
   * string rather than by a CloudFormation export (docs/adr/0012-stacks-joined-by-names.md).
   */
  functionName: string;
  description: string;
  stage: string;
  logRetention: RetentionDays;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /** Reserved (and so also the most) concurrent executions; default: the account's pool. */
  reservedConcurrency?: number;
}

/**
 * Every Tessera Lambda: Node 22 on arm64, an ESM bundle minified by esbuild with the AWS SDK v3
 * inside it, X-Ray tracing, its own log group with a retention, and a role that starts with
 * nothing but writing its own logs. Access is added per function with `bindTable`, and for the
 * one signer and the one mailer, `bindSigningKey` and `bindMail`.
 */
export class TesseraFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly stage: string;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: TesseraFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = props.stage;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Tessera ${id}: least privilege, granted per resource`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Fn', {
      entry: props.entry,
      functionName: props.functionName,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: 'tessera',
        POWERTOOLS_METRICS_NAMESPACE: 'Tessera',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: bundlingOptions,
    });

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions. The
    // statement lands in a policy under the function, so acknowledge on this whole construct.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray trace upload (xray:PutTraceSegments, PutTelemetryRecords) supports only Resource "*".',
    });
    // Node 22 is the platform's chosen runtime (DESIGN.md): a deliberate, tested version.
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Runtime pinned to Node.js 22 by design decision; upgrades are deliberate and tested.',
    });
  }

  /** Grants the item-level actions of `access` on the table and its named indexes, nothing more. */
  bindTable(table: ITable, access: TableAccess): void {
    const indexArns = tableDefinition.globalSecondaryIndexes.map(
      (index) => `${table.tableArn}/index/${index.indexName}`,
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...tableActions[access]],
        resources: [table.tableArn, ...indexArns],
      }),
    );
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
  }

  /**
   * Lets the function read and write objects under these prefixes of the files bucket (`attachments/`,
   * `inbound/`), nothing else of it; `FILES_BUCKET` names it.
   */
  bindFiles(bucket: IBucket, access: { read: readonly string[]; write: readonly string[] }): void {
    const statement = (actions: string[], prefixes: readonly string[]) =>
      prefixes.length === 0
        ? undefined
        : new PolicyStatement({
            effect: Effect.ALLOW,
            actions,
            resources: prefixes.map((prefix) => `${bucket.bucketArn}/${prefix}*`),
          });
    for (const s of [
      statement(['s3:GetObject'], access.read),
      statement(['s3:PutObject'], access.write),
    ]) {
      if (s) this.role.addToPrincipalPolicy(s);
    }
    this.fn.addEnvironment('FILES_BUCKET', bucket.bucketName);
    // Objects are named by ids Tessera generates, under a prefix: the wildcard after the prefix
    // is the only way to name them, and it stays within one prefix of one bucket.
    const stack = Stack.of(this);
    const named = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    // How cdk-nag prints the bucket's name (lib/data-stack.ts: filesBucketName).
    const rendered = `tessera-${this.stage}-files-${named(stack.account, 'AccountId')}-${named(stack.region, 'Region')}`;
    Validations.of(this.role).acknowledge(
      ...[...new Set([...access.read, ...access.write])].map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::arn:${named(stack.partition, 'Partition')}:s3:::${rendered}/${prefix}*]`,
        reason: `Objects under ${prefix} of the files bucket, named by ids Tessera generates.`,
      })),
    );
  }

  /**
   * Makes this the function that signs license files: `kms:Sign` and `kms:GetPublicKey` on `key`
   * alone, and `SIGNING_KEY_ID` = the key's ARN (the kid is then the key id). `retiredKeys` is
   * the JWKS of public keys still published after a rotation (`RETIRED_SIGNING_KEYS`).
   */
  bindSigningKey(key: IKey, retiredKeys?: string): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...signingActions],
        resources: [key.keyArn],
      }),
    );
    this.fn.addEnvironment('SIGNING_KEY_ID', key.keyArn);
    if (retiredKeys) this.fn.addEnvironment('RETIRED_SIGNING_KEYS', retiredKeys);
  }

  /**
   * Makes this a function that sends e-mail: `ses:SendEmail` on the sender identity and the
   * configuration set, only with the stage's sender as From; `SENDER_ADDRESS` and
   * `SES_CONFIGURATION_SET` tell the mailer which.
   */
  bindMail(mail: Mail): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...sendActions],
        resources: mail.sendResources,
        conditions: { StringEquals: { 'ses:FromAddress': mail.senderAddress } },
      }),
    );
    this.fn.addEnvironment('SENDER_ADDRESS', mail.senderAddress);
    this.fn.addEnvironment('SES_CONFIGURATION_SET', mail.configurationSetName);
  }
}

/**
 * Makes a function able to verify people's tokens (every authenticated function) and, with
 * `manage`, to administer the pool's accounts (the `people` function alone).
 */
export const bindIdentity = (
  fn: TesseraFunction,
  identity: { userPoolId: string; userPoolArn: string; clientId: string },
  manage: boolean,
): void => {
  fn.fn.addEnvironment('USER_POOL_ID', identity.userPoolId);
  fn.fn.addEnvironment('USER_POOL_CLIENT_ID', identity.clientId);
  if (!manage) return;
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: [
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminSetUserPassword',
        'cognito-idp:AdminAddUserToGroup',
        'cognito-idp:AdminRemoveUserFromGroup',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminEnableUser',
        'cognito-idp:AdminDeleteUser',
        'cognito-idp:AdminUserGlobalSignOut',
      ],
      resources: [identity.userPoolArn],
    }),
  );
};

/** One set of bundling options; `npm run bench` builds with the same ones to report sizes. */

export const bundlingOptions = {
  minify: true,
  // The map ships beside the bundle to resolve a stack trace offline, without sources (a quarter
  // of the size). Functions do not run with --enable-source-maps: parsing the map at load added
  // 20-40 ms to every cold start (ADR 0010).
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(); give them one inside the ESM bundle.
  banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
  // Nothing is left to the runtime's copy of the AWS SDK: the functions call AWS through
  // lambdas/adapters/aws (docs/adr/0011-aws-calls-without-the-sdk.md) and bundle what they use.
  externalModules: [],
  forceDockerBundling: false,
};
