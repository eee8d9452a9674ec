import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Route } from '../../lambdas/routes.ts';

/**
 * Builds the API Gateway REST (v1) proxy event that API Gateway would send for a request, so the
 * local server and the tests drive the very same handlers the Lambda functions run.
 *
 * Locally the routes are served at the root (`http://127.0.0.1:8787/products`); in AWS the stage
 * adds a prefix (`https://…/v1/products`). As in AWS, `path` and `resource` carry no stage, and
 * `requestContext.path` is the path the client used: `/v1/products` in AWS, `/products` here
 * (handlers build `Location` from it).
 */
export interface IncomingRequest {
  method: string;
  path: string;
  /** Raw query string without the leading `?`. */
  query?: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer | string;
  sourceIp?: string;
  /** The gateway's request id (also `awsRequestId` locally); generated when absent. */
  requestId?: string;
}

/**
 * Bodies of these types reach the handler as UTF-8 text; anything else as base64 with
 * `isBase64Encoded` (what API Gateway does for the binary media types of an API).
 */
export const isTextContentType = (contentType: string | undefined): boolean =>
  !contentType ||
  /^(text\/|application\/([\w.-]+\+)?(json|xml)\b|application\/(x-www-form-urlencoded|javascript|yaml)\b)/i.test(
    contentType.trim(),
  );

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const pad = (n: number) => String(n).padStart(2, '0');
/** API Gateway's `requestTime` format: `09/Apr/2015:12:34:56 +0000`. */
const requestTime = (at: Date) =>
  `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;

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
    const last = values[values.length - 1];
    if (last === undefined) continue;
    headers[name] = last; // like API Gateway: a repeated header keeps its last value here…
    multiValueHeaders[name] = values; // …and all of them here
  }
  const header = (wanted: string) =>
    Object.entries(headers).find(([name]) => name.toLowerCase() === wanted)?.[1];

  const params = new URLSearchParams(request.query ?? '');
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of params) {
    query[name] = value; // like API Gateway: the last value wins in the single-value map
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }

  const raw = request.body === undefined ? undefined : Buffer.from(request.body);
  const hasBody = raw !== undefined && raw.length > 0;
  const text = isTextContentType(header('content-type'));
  const requestId = request.requestId ?? randomUUID();
  const now = new Date();

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
      path: request.path,
      stage: 'v1',
      requestId,
      requestTimeEpoch: now.getTime(),
      requestTime: requestTime(now),
      domainName: header('host') ?? 'localhost',
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
        userAgent: header('user-agent') ?? null,
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
