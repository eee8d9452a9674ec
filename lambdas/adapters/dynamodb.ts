import { randomUUID } from 'node:crypto';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsError, awsClient, type CredentialProvider } from './aws/client.ts';

/**
 * The one place DynamoDB is called from the functions: a document client (plain JavaScript
 * values in and out, as `@aws-sdk/lib-dynamodb` gives) over the small signed client in
 * `aws/client.ts`. Commands and answers keep the SDK's field names, so store code reads as SDK
 * code does. `endpoint` is set only for DynamoDB Local; in AWS the region's endpoint and the
 * function role's credentials apply.
 */

type Doc = Record<string, unknown>;
type Raw = Record<string, unknown>;

interface Conditional {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Doc;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}

export interface GetCommandInput {
  TableName: string;
  Key: Doc;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
export interface PutCommandInput extends Conditional {
  TableName: string;
  Item: Doc;
}
export interface UpdateCommandInput extends Conditional {
  TableName: string;
  Key: Doc;
  UpdateExpression: string;
  ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
}
export interface DeleteCommandInput extends Conditional {
  TableName: string;
  Key: Doc;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
export interface QueryCommandInput {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Doc;
  ExclusiveStartKey?: Doc | undefined;
  Limit?: number;
  ScanIndexForward?: boolean;
  ConsistentRead?: boolean;
  Select?: 'ALL_ATTRIBUTES' | 'COUNT' | 'SPECIFIC_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES';
}
export interface BatchGetCommandInput {
  RequestItems: Record<
    string,
    { Keys: Doc[]; ConsistentRead?: boolean; ProjectionExpression?: string }
  >;
}
export type TransactWriteItem =
  | { Put: PutCommandInput }
  | { Update: UpdateCommandInput }
  | { Delete: DeleteCommandInput }
  | { ConditionCheck: Conditional & { TableName: string; Key: Doc; ConditionExpression: string } };
export interface TransactWriteCommandInput {
  TransactItems: TransactWriteItem[];
  ClientRequestToken?: string;
}

export interface GetCommandOutput {
  Item?: Doc;
}
export interface WriteCommandOutput {
  Attributes?: Doc;
}
export interface QueryCommandOutput {
  Items?: Doc[];
  Count?: number;
  LastEvaluatedKey?: Doc;
}
export interface BatchGetCommandOutput {
  Responses?: Record<string, Doc[]>;
  UnprocessedKeys?: Record<string, { Keys: Doc[] }>;
}

/** A command names its operation and carries its input; `_out` only types the answer. */
abstract class Command<I, O> {
  declare readonly _out: O;
  abstract readonly operation: string;
  constructor(readonly input: I) {}
}
export class GetCommand extends Command<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
}
export class PutCommand extends Command<PutCommandInput, WriteCommandOutput> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends Command<UpdateCommandInput, WriteCommandOutput> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends Command<DeleteCommandInput, WriteCommandOutput> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends Command<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
}
export class BatchGetCommand extends Command<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
}
export class TransactWriteCommand extends Command<TransactWriteCommandInput, object> {
  readonly operation = 'TransactWriteItems';
}

/**
 * A write whose condition failed. `Item` is the item as it was, in DynamoDB's own notation, when
 * the write asked for `ALL_OLD` (as the SDK's exception carries it).
 */
export class ConditionalCheckFailedException extends AwsError {
  readonly Item: Raw | undefined;
  constructor(from: AwsError) {
    super({
      name: from.name,
      message: from.message,
      status: 400,
      fault: 'client',
      details: from.details,
    });
    this.Item = from.details.Item as Raw | undefined;
  }
}

/** A transaction DynamoDB refused; `CancellationReasons[i]` answers for `TransactItems[i]`. */
export class TransactionCanceledException extends AwsError {
  readonly CancellationReasons: { Code?: string; Message?: string; Item?: Raw }[];
  constructor(from: AwsError) {
    super({
      name: from.name,
      message: from.message,
      status: 400,
      fault: 'client',
      details: from.details,
    });
    this.CancellationReasons = (from.details.CancellationReasons ?? []) as {
      Code?: string;
      Item?: Raw;
    }[];
  }
}

const toRaw = (doc: Doc | undefined) =>
  doc === undefined
    ? undefined
    : marshall(doc, { removeUndefinedValues: true, convertClassInstanceToMap: false });
const fromRaw = (raw: unknown) => (raw === undefined ? undefined : unmarshall(raw as never));

/** Marshals the value-carrying fields of one operation's input; everything else passes through. */
const marshalFields = (input: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...input };
  for (const field of ['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const) {
    if (input[field] !== undefined) out[field] = toRaw(input[field] as Doc);
  }
  return out;
};

const marshalInput = (operation: string, input: object): object => {
  if (operation === 'TransactWriteItems') {
    const { TransactItems, ClientRequestToken } = input as TransactWriteCommandInput;
    return {
      // What the SDK does too: a retry after a lost answer is not applied twice (10 minutes).
      ClientRequestToken: ClientRequestToken ?? randomUUID(),
      TransactItems: TransactItems.map((item) =>
        Object.fromEntries(
          Object.entries(item).map(([kind, body]) => [kind, marshalFields(body as Doc)]),
        ),
      ),
    };
  }
  if (operation === 'BatchGetItem') {
    const { RequestItems } = input as BatchGetCommandInput;
    return {
      RequestItems: Object.fromEntries(
        Object.entries(RequestItems).map(([table, req]) => [
          table,
          { ...req, Keys: req.Keys.map((k) => toRaw(k)) },
        ]),
      ),
    };
  }
  return marshalFields(input as Record<string, unknown>);
};

const unmarshalOutput = (out: Record<string, unknown>): Record<string, unknown> => {
  const result: Record<string, unknown> = { ...out };
  for (const field of ['Item', 'Attributes', 'LastEvaluatedKey'] as const) {
    if (out[field] !== undefined) result[field] = fromRaw(out[field]);
  }
  if (Array.isArray(out.Items)) result.Items = out.Items.map(fromRaw);
  if (out.Responses) {
    result.Responses = Object.fromEntries(
      Object.entries(out.Responses as Record<string, unknown[]>).map(([t, items]) => [
        t,
        items.map(fromRaw),
      ]),
    );
  }
  if (out.UnprocessedKeys) {
    result.UnprocessedKeys = Object.fromEntries(
      Object.entries(out.UnprocessedKeys as Record<string, { Keys: unknown[] }>).map(([t, v]) => [
        t,
        { ...v, Keys: v.Keys.map(fromRaw) },
      ]),
    );
  }
  return result;
};

export type WireCall = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;
export type Around = (
  operation: string,
  input: Record<string, unknown>,
  next: WireCall,
) => Promise<Record<string, unknown>>;

export type AroundAttempt = (
  operation: string,
  input: Record<string, unknown>,
  attempt: () => Promise<Record<string, unknown>>,
) => Promise<Record<string, unknown>>;

export const documentClient = (options: {
  endpoint?: string | undefined;
  region: string;
  credentials?: CredentialProvider;
  /** Wraps every call (raw DynamoDB JSON in and out), outside the retries: benchmarks meter here. */
  around?: Around;
  /** Wraps every attempt inside the retry loop; `input` is the object `around` passed on. */
  aroundAttempt?: AroundAttempt;
}) => {
  const client = awsClient({
    service: 'dynamodb',
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: 3,
  });
  return {
    destroy: client.destroy,
    send: async <I extends object, O>(command: Command<I, O>): Promise<O> => {
      const operation = command.operation;
      const { aroundAttempt } = options;
      const wire: WireCall = (input) =>
        client.send(
          client.json(`DynamoDB_20120810.${operation}`, input, '1.0'),
          aroundAttempt ? (attempt) => aroundAttempt(operation, input, attempt) : undefined,
        );
      const input = marshalInput(operation, command.input) as Record<string, unknown>;
      try {
        const out = options.around
          ? await options.around(operation, input, wire)
          : await wire(input);
        return unmarshalOutput(out) as O;
      } catch (error) {
        if (error instanceof AwsError && error.name === 'ConditionalCheckFailedException') {
          throw new ConditionalCheckFailedException(error);
        }
        if (error instanceof AwsError && error.name === 'TransactionCanceledException') {
          throw new TransactionCanceledException(error);
        }
        throw error;
      }
    },
  };
};

export type Db = ReturnType<typeof documentClient>;
