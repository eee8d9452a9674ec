import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Alias, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { tableDefinition } from '../lambdas/store/table-definition.ts';
import type { StageConfig } from './config.ts';

export interface DataStackProps extends StackProps {
  stage: StageConfig;
}

/** The alias that always names the stage's active license-signing key. */
export const signingKeyAlias = (stage: string) => `alias/tessera-${stage}-license-signing`;

/**
 * Tessera's state: one DynamoDB table built from the same definition the local runtime uses
 * (on-demand, point-in-time recovery, deletion protection, retained when the stack goes), and the
 * KMS keys that sign license files (retained: a deleted key would orphan every file it signed).
 */
export class DataStack extends Stack {
  readonly table: Table;
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
