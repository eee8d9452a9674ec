import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  ConditionalCheckFailedException,
  type Db,
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '../adapters/dynamodb.ts';
import { absent, all, any, attributeIs, numberBelow, toParams } from './conditions.ts';
import { idempotencyKeys } from './keys.ts';

/** Attribute names of an idempotency record, as Powertools' own DynamoDB layer names them. */
const A = {
  status: 'status',
  expiry: 'ttl',
  inProgressExpiry: 'in_progress_expiration',
  data: 'data',
  validation: 'validation',
} as const;

/**
 * Powertools' idempotency records on Tessera's table, through the store's own DynamoDB client
 * (Powertools' DynamoDB layer needs the AWS SDK client, which the functions no longer carry).
 * Same item layout: `pk = IDEMPOTENCY#<function>`, `sk` = the hashed key.
 */
export const idempotencyRecords = async (
  db: () => Db,
  tableName: () => string,
  functionName: string,
): Promise<BasePersistenceLayer> => {
  // Loaded with the idempotency middleware, on the first request that carries a key.
  const [
    { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError, IdempotencyRecordStatus },
    { BasePersistenceLayer, IdempotencyRecord },
  ] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/persistence'),
  ]);
  type Status = (typeof IdempotencyRecordStatus)[keyof typeof IdempotencyRecordStatus];

  class IdempotencyRecords extends BasePersistenceLayer {
    constructor(
      private readonly db: () => Db,
      private readonly tableName: () => string,
      private readonly functionName: string,
    ) {
      super();
    }

    private key(idempotencyKey: string) {
      return { pk: idempotencyKeys.partition(this.functionName), sk: idempotencyKey };
    }

    private recordOf(item: Record<string, unknown>) {
      return new IdempotencyRecord({
        idempotencyKey: item.sk as string,
        status: item[A.status] as Status,
        expiryTimestamp: item[A.expiry] as number | undefined,
        inProgressExpiryTimestamp: item[A.inProgressExpiry] as number | undefined,
        responseData: item[A.data] as never,
        payloadHash: item[A.validation] as string | undefined,
      });
    }

    protected async _getRecord(idempotencyKey: string) {
      const out = await this.db().send(
        new GetCommand({
          TableName: this.tableName(),
          Key: this.key(idempotencyKey),
          ConsistentRead: true,
        }),
      );
      if (!out.Item) throw new IdempotencyItemNotFoundError();
      return this.recordOf(out.Item);
    }

    protected async _putRecord(record: InstanceType<typeof IdempotencyRecord>): Promise<void> {
      const now = Date.now();
      // A new key, a key whose record expired, or one whose first run died without an answer.
      const claimable = any(
        absent,
        numberBelow(A.expiry, now / 1000),
        all(
          attributeIs(A.status, IdempotencyRecordStatus.INPROGRESS),
          numberBelow(A.inProgressExpiry, now),
        ),
      );
      try {
        await this.db().send(
          new PutCommand({
            TableName: this.tableName(),
            Item: {
              ...this.key(record.idempotencyKey),
              [A.expiry]: record.expiryTimestamp,
              [A.status]: record.getStatus(),
              ...(record.inProgressExpiryTimestamp !== undefined
                ? { [A.inProgressExpiry]: record.inProgressExpiryTimestamp }
                : {}),
              ...(this.isPayloadValidationEnabled() && record.payloadHash !== undefined
                ? { [A.validation]: record.payloadHash }
                : {}),
            },
            ...toParams(claimable),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item ? this.recordOf(unmarshall(error.Item as never)) : undefined;
        throw new IdempotencyItemAlreadyExistsError(
          `An idempotency record exists for key ${record.idempotencyKey}`,
          old,
        );
      }
    }

    protected async _updateRecord(record: InstanceType<typeof IdempotencyRecord>): Promise<void> {
      const names: Record<string, string> = { '#expiry': A.expiry, '#status': A.status };
      const values: Record<string, unknown> = {
        ':expiry': record.expiryTimestamp,
        ':status': record.getStatus(),
      };
      const sets = ['#expiry = :expiry', '#status = :status'];
      if (record.responseData !== undefined) {
        sets.push('#data = :data');
        names['#data'] = A.data;
        values[':data'] = record.responseData;
      }
      if (this.isPayloadValidationEnabled()) {
        sets.push('#validation = :validation');
        names['#validation'] = A.validation;
        values[':validation'] = record.payloadHash;
      }
      await this.db().send(
        new UpdateCommand({
          TableName: this.tableName(),
          Key: this.key(record.idempotencyKey),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    }

    protected async _deleteRecord(record: InstanceType<typeof IdempotencyRecord>): Promise<void> {
      await this.db().send(
        new DeleteCommand({ TableName: this.tableName(), Key: this.key(record.idempotencyKey) }),
      );
    }
  }

  return new IdempotencyRecords(db, tableName, functionName);
};
