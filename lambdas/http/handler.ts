import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { config } from '../config.ts';
import type { Activation } from '../domain/activations.ts';
import type { ChangeContext } from '../domain/audit.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import { etagOf, type IfMatch } from '../domain/preconditions.ts';
import type { Principal } from '../domain/principal.ts';
import type { Relay } from '../domain/relays.ts';
import { cors } from '../middleware/cors.ts';
import { metrics, withObservability } from '../middleware/observability.ts';
import { problemDetails } from '../middleware/problem.ts';
import {
  bearerToken,
  header,
  type ParsedInput,
  parseRequest,
  type RequestContext,
  resolveRoute,
} from '../middleware/request.ts';
import { groups, type InputOf, type Route } from '../routes/route.ts';
import { type Runtime, runtime } from '../wiring/runtime.ts';
import type { Guards } from './guards.ts';

export interface OperationRequest<I = unknown> {
  /** The route's path, query and body, validated against its schemas (typed from them). */
  input: I;
  principal: Principal;
  /** Who changes what, for audit events; built from the principal and the request id. */
  change: ChangeContext;
  runtime: Runtime;
  /** The activated instance behind the activation token, on `activation` routes. */
  instance: Activation | undefined;
  /** The on-site relay behind the relay credential, on `relay` routes. */
  relay: Relay | undefined;
  /** The caller's `If-Match`, on conditional routes (also in `change`). */
  ifMatch: IfMatch | undefined;
  /** The caller's `If-None-Match`, for operations that answer with {@link Validated}. */
  ifNoneMatch: string | undefined;
  /** A cookie the request carries (the session routes' refresh cookie). */
  cookie: (name: string) => string | undefined;
  /** Adds a `Set-Cookie` to the answer. */
  setCookie: (value: string) => void;
  /** The caller's bearer credential, for operations the provider authorizes with it. */
  bearer: string | undefined;
  /** The path prefix the client called through (`/v1` on API Gateway's domain, else ''). */
  basePath: string;
}

export type Operation<R extends Route = Route> = (
  request: OperationRequest<InputOf<R>>,
) => Promise<unknown>;

/** One operation per route of the group, each typed by its own route's schemas. */
export type Operations<Rs extends readonly Route[]> = {
  [R in Rs[number] as R['operationId']]: Operation<R>;
};

/**
 * A conditional GET's answer: the representation under a validator the operation chose, or, with
 * no body, "not modified" (304) for a client whose `If-None-Match` still holds.
 */
export class Validated {
  constructor(
    readonly etag: string,
    readonly body?: unknown,
  ) {}
}

/** The calling relay on a `relay` route; the middleware has authenticated it. */
export const relayOf = (r: OperationRequest): Relay => {
  if (!r.relay) throw new Error('Not a relay route');
  return r.relay;
};

/** The calling instance on an `activation` route; the middleware has authenticated it. */
export const instanceOf = (r: OperationRequest): Activation => {
  if (!r.instance) throw new Error('Not an activation route');
  return r.instance;
};

/** One cookie of the request's `Cookie` header (RFC 6265 pairs), undecoded. */
const cookieOf = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  for (const pair of (header(event, 'cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
};

/** A page of a listing, as opposed to one resource. */
const isPage = (value: object) => 'items' in value && 'nextCursor' in value;

/**
 * The path prefix the client used in front of the route (`/v1` through API Gateway's own domain,
 * nothing locally), so a `Location` resolves where the client called.
 */
const basePath = (event: APIGatewayProxyEvent) => {
  const full = event.requestContext?.path ?? event.path;
  return full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
};

/**
 * `ETag` on every answer that is one resource: its stored version where it has one (what
 * `If-Match` names), else a digest of the representation. `Location` on every 201.
 */
const representationHeaders = (
  event: APIGatewayProxyEvent,
  route: Route,
  path: unknown,
  result: unknown,
  body: string,
): Record<string, string> => {
  if (result === null || typeof result !== 'object' || isPage(result)) return {};
  const resource = result as Record<string, unknown>;
  const etag =
    typeof resource.version === 'number'
      ? etagOf(resource.version)
      : `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const location =
    route.status === 201 && route.location
      ? `${basePath(event)}${route.location(resource, (path ?? {}) as Record<string, string>)}`
      : undefined;
  return { etag, ...(location ? { location } : {}) };
};

/** Open routes run as nobody: a route left open by mistake can do nothing the policy guards. */
const anonymous: Principal = { kind: 'anonymous' };

/**
 * Builds a route group's Lambda handler: middlewares first, the dispatch last. The dispatch turns
 * the event into one operation call and shapes the answer; operations hold no HTTP concerns.
 */
export const httpHandler = <const Rs extends readonly Route[]>(
  /** The group's routes (`routes/<group>.ts`): all of one group, none of another. */
  groupRoutes: Rs,
  operationsOf: NoInfer<Operations<Rs>>,
  options: {
    /**
     * Authentication and idempotency (./guards.ts), for groups with authenticated routes or
     * POSTs. Passed in rather than imported here, so a group with neither (meta) does not carry
     * the token verifiers and the idempotency utility in its bundle (ADR 0010).
     */
    guards?: Guards;
    /** Extra response headers per operation, e.g. a public cache lifetime. */
    responseHeaders?: Record<string, Record<string, string>>;
  } = {},
) => {
  const responseHeaders = options.responseHeaders ?? {};
  const group = groupRoutes[0]?.group;
  if (!group || groupRoutes.some((r) => r.group !== group)) {
    throw new Error('A handler serves the routes of exactly one group');
  }
  // The one place the types meet the wire: each operation is called only for its own route,
  // after parseRequest validated the input against that route's schemas.
  const operations = operationsOf as unknown as Record<
    string,
    (request: OperationRequest<ParsedInput>) => Promise<unknown>
  >;
  const needsAuth = groupRoutes.some((r) => r.auth !== 'none');
  for (const route of groupRoutes) {
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
    const cookies: string[] = [];
    const call = () =>
      operation({
        input,
        principal,
        ifMatch: context.ifMatch,
        ifNoneMatch: header(event, 'if-none-match'),
        instance: context.instance,
        relay: context.relay,
        cookie: (name) => cookieOf(event, name),
        setCookie: (value) => cookies.push(value),
        // Read only by the operations that pass it on (the person's own MFA calls).
        get bearer() {
          return bearerToken(event);
        },
        basePath: basePath(event),
        get runtime() {
          return runtime();
        },
        get change() {
          const rt = runtime();
          return {
            principal,
            requestId,
            now: rt.clock.now(),
            ids: rt.ids,
            ...(context.ifMatch ? { ifMatch: context.ifMatch } : {}),
          };
        },
      });
    let answer: unknown;
    try {
      answer = await call();
    } catch (error) {
      // A conditional edit that lost a race to another edit: its precondition no longer holds.
      if (context.ifMatch && isDomainError(error) && error.code === 'CONCURRENT_MODIFICATION') {
        throw new DomainError('PRECONDITION_FAILED', 'It changed meanwhile; read it again.');
      }
      throw error;
    }
    metrics.addDimension('operation', route.operationId);
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    const validated = answer instanceof Validated ? answer : undefined;
    if (validated && validated.body === undefined) {
      return {
        statusCode: 304,
        headers: { 'x-request-id': requestId, 'cache-control': 'no-cache', etag: validated.etag },
        body: '',
      };
    }
    const result = validated ? validated.body : answer;
    const body = JSON.stringify(result);
    const headers: Record<string, string> = {
      'x-request-id': requestId,
      'cache-control': 'no-store',
      ...representationHeaders(event, route, input.path, result, body),
      ...(validated ? { etag: validated.etag, 'cache-control': 'no-cache' } : {}),
      ...responseHeaders[route.operationId],
    };
    const setCookies = cookies.length > 0 ? { multiValueHeaders: { 'set-cookie': cookies } } : {};
    if (route.status === 204) return { statusCode: 204, headers, body: '', ...setCookies };
    if (route.status === 302) {
      const { location } = result as { location: string };
      const { etag: _etag, ...redirect } = headers;
      return { statusCode: 302, headers: { ...redirect, location }, body: '', ...setCookies };
    }
    return {
      statusCode: route.status,
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      ...setCookies,
    };
  };

  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>()
    .use(cors(config().CORS_ORIGINS))
    .use(resolveRoute(groupRoutes));
  if (needsAuth) {
    if (!options.guards)
      throw new Error(`The ${group} group has authenticated routes: pass guards`);
    chain.use(options.guards.authenticate());
  }
  chain.use(parseRequest());
  // Read-only groups (validate) change nothing, so retrying them is already safe: a key is ignored.
  if (groups[group].table === 'write' && groupRoutes.some((r) => r.method === 'POST')) {
    if (!options.guards) throw new Error(`The ${group} group takes POSTs: pass guards`);
    chain.use(options.guards.idempotency(group));
  }
  // Its own logger and metrics per invocation, around everything else (observability.ts).
  const handler = chain.use(problemDetails()).handler(dispatch);
  return withObservability((event: APIGatewayProxyEvent, context: Context) =>
    handler(event, context as Context & RequestContext),
  );
};
