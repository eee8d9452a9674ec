import type { APIGatewayProxyResult } from 'aws-lambda';
import { lambdaContext, toProxyEvent } from '../../bin/local/events.ts';
import { matchRoute } from '../../lambdas/http/router.ts';
import type { RouteGroup } from '../../lambdas/routes.ts';
import { checkAnswer } from './contract.ts';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

const loaded = new Map<RouteGroup, Handler>();

const handlerOf = async (group: RouteGroup): Promise<Handler> => {
  let handler = loaded.get(group);
  if (!handler) {
    const module = (await import(`../../lambdas/http/${group}.ts`)) as { handler: Handler };
    handler = module.handler;
    loaded.set(group, handler);
  }
  return handler;
};

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  json: Record<string, unknown> & { code?: string };
}

/**
 * Calls a route's Lambda handler with the event API Gateway would build, without any server.
 * Set TABLE_NAME and DYNAMODB_ENDPOINT before the first call: handlers read config once.
 */
export const invoke = async (
  method: string,
  url: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> => {
  const [path = '', query] = url.split('?');
  const found = matchRoute(method, path);
  if (found.kind !== 'match') throw new Error(`${method} ${path}: ${found.kind}`);
  const headers: Record<string, string> = {
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  const body =
    options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
  const event = toProxyEvent(
    { method, path, ...(query ? { query } : {}), headers, ...(body !== undefined ? { body } : {}) },
    found.route,
    found.pathParameters,
  );
  const handler = await handlerOf(found.route.group);
  const result = await handler(
    event,
    lambdaContext(found.route.group, event.requestContext.requestId),
  );
  const headersOut = result.headers ?? {};
  if (result.statusCode !== 304) {
    checkAnswer({
      method,
      path,
      status: result.statusCode,
      contentType: headersOut['content-type'] as string | undefined,
      body: result.body,
      location: headersOut.location as string | undefined,
    });
  }
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    json: result.body ? (JSON.parse(result.body) as Answer['json']) : {},
  };
};
