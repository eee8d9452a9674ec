import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { activationSecrets } from '../adapters/activation-secrets.ts';
import { config } from '../config.ts';
import { type Activation, authenticateInstance } from '../domain/activations.ts';
import type { ChangeContext } from '../domain/audit.ts';
import { DomainError } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import { authenticate } from '../middleware/auth.ts';
import { cors } from '../middleware/cors.ts';
import { logger, metrics, tracer } from '../middleware/observability.ts';
import { problemDetails } from '../middleware/problem.ts';
import {
  type ParsedInput,
  parseRequest,
  type RequestContext,
  resolveRoute,
} from '../middleware/request.ts';
import { type RouteGroup, routesOf } from '../routes.ts';
import { type Runtime, runtime } from './runtime.ts';

export interface OperationRequest {
  input: ParsedInput;
  principal: Principal;
  /** Who changes what, for audit events; built from the principal and the request id. */
  change: ChangeContext;
  runtime: Runtime;
  /** The activated instance behind the activation token, on `activation` routes. */
  instance: Activation | undefined;
}

export type Operation = (request: OperationRequest) => Promise<unknown>;

/** Narrows validated input to its schema's output type; the middleware already parsed it. */
export const parsed = <T extends z.ZodType>(_schema: T, value: unknown): z.output<T> =>
  value as z.output<T>;

/** The calling instance on an `activation` route; the middleware has authenticated it. */
export const instanceOf = (r: OperationRequest): Activation => {
  if (!r.instance) throw new Error('Not an activation route');
  return r.instance;
};

/** Open routes run as nobody: a route left open by mistake can do nothing the policy guards. */
const anonymous: Principal = { kind: 'anonymous' };

/**
 * Builds a route group's Lambda handler: middlewares first, the dispatch last. The dispatch turns
 * the event into one operation call and shapes the answer; operations hold no HTTP concerns.
 */
export const httpHandler = (
  group: RouteGroup,
  operations: Record<string, Operation>,
  /** Extra response headers per operation, e.g. a public cache lifetime. */
  responseHeaders: Record<string, Record<string, string>> = {},
) => {
  const needsAuth = routesOf(group).some((r) => r.auth !== 'none');
  for (const route of routesOf(group)) {
    if (!operations[route.operationId]) throw new Error(`No operation for ${route.operationId}`);
  }

  const dispatch = async (
    event: APIGatewayProxyEvent,
    context: RequestContext,
  ): Promise<APIGatewayProxyResult> => {
    const { route, input } = context;
    const operation = operations[route.operationId];
    if (!operation) throw new DomainError('ROUTE_NOT_FOUND', 'There is no such route.');
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const principal = context.principal ?? anonymous;
    const result = await operation({
      input,
      principal,
      instance: context.instance,
      get runtime() {
        return runtime();
      },
      get change() {
        const rt = runtime();
        return { principal, requestId, now: rt.clock.now(), ids: rt.ids };
      },
    });
    metrics.addDimension('operation', route.operationId);
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    const headers = {
      'x-request-id': requestId,
      'cache-control': 'no-store',
      ...responseHeaders[route.operationId],
    };
    if (route.status === 204) return { statusCode: 204, headers, body: '' };
    return {
      statusCode: route.status,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(result),
    };
  };

  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .use(cors(config().CORS_ORIGINS))
    .use(resolveRoute());
  if (needsAuth) {
    chain.use(
      authenticate({
        get tokens() {
          return runtime().stores.tokens;
        },
        get secrets() {
          return runtime().secrets;
        },
        get clock() {
          return runtime().clock;
        },
        instance: (bearer) =>
          authenticateInstance(
            { activations: runtime().stores.activations, secrets: activationSecrets },
            bearer,
          ),
      }),
    );
  }
  return chain.use(parseRequest()).use(problemDetails()).handler(dispatch);
};
