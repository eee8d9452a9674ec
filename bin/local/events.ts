import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Route } from '../../lambdas/routes.ts';

/**
 * Builds the API Gateway REST (v1) proxy event that API Gateway would send for a request, so the
 * local server and the tests drive the very same handlers the Lambda functions run.
 */
export interface IncomingRequest {
  method: string;
  path: string;
  /** Raw query string without the leading `?`. */
  query?: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer | string;
  sourceIp?: string;
}

const isText = (contentType: string | undefined) =>
  !contentType ||
  /^(text\/|application\/(json|problem\+json|x-www-form-urlencoded|xml))/i.test(contentType);

export const toProxyEvent = (
  request: IncomingRequest,
  route: Route,
  pathParameters: Record<string, string>,
): APIGatewayProxyEvent => {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }

  const params = new URLSearchParams(request.query ?? '');
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of params) {
    query[name] = value; // like API Gateway: the last value wins in the single-value map
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }

  const raw = request.body === undefined ? undefined : Buffer.from(request.body);
  const hasBody = raw !== undefined && raw.length > 0;
  const text = isText(headers['content-type'] ?? headers['Content-Type']);
  const requestId = randomUUID();

  return {
    resource: route.path,
    path: request.path,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: hasBody ? (text ? raw.toString('utf8') : raw.toString('base64')) : null,
    isBase64Encoded: hasBody && !text,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method.toUpperCase(),
      path: `/v1${request.path}`,
      stage: 'v1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp ?? '127.0.0.1',
        user: null,
        userAgent: headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
};

export const lambdaContext = (group: string, requestId: string, timeoutMs = 10_000): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `tessera-${group}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:tessera-${group}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/tessera-${group}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
