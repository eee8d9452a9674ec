import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one place a DynamoDB client is built. `endpoint` is set only for DynamoDB Local; in AWS the
 * SDK's defaults (region from the Lambda environment, IAM role credentials) apply.
 */
export const dynamoClient = (options: { endpoint?: string; region: string }) =>
  new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: 3,
  });

/** The stores' client; `raw` shares its connection with libraries that speak raw DynamoDB. */
export const documentClient = (
  options: { endpoint?: string; region: string },
  raw: DynamoDBClient = dynamoClient(options),
) =>
  DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

export type Db = DynamoDBDocumentClient;
