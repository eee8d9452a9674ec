import { parse } from '@aws-lambda-powertools/parser';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Activation } from '../domain/activations.ts';
import { DomainError, type FieldIssue } from '../domain/errors.ts';
import { type IfMatch, parseIfMatch } from '../domain/preconditions.ts';
import type { Principal } from '../domain/principal.ts';
import type { Relay } from '../domain/relays.ts';
import type * as z from '../domain/zod.ts';
import type { Route } from '../routes/route.ts';
import { MAX_BODY_BYTES } from './limits.ts';
import { logger } from './observability.ts';

export interface ParsedInput {
  path: unknown;
  query: unknown;
  body: unknown;
}

/** What the middlewares hand the handler: the matched route, validated input, the caller. */
export interface RequestContext extends Context {
  route: Route;
  input: ParsedInput;
  principal?: Principal;
  /** The activated instance calling an `activation` route. */
  instance?: Activation;
  /** The on-site relay calling a `relay` route. */
  relay?: Relay;
  /** The caller's `If-Match`, on routes that edit a versioned resource. */
  ifMatch?: IfMatch;
}

type Issue = { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] };

const issuesOf = (where: string, issues: readonly Issue[]): FieldIssue[] =>
  issues.map((issue) => ({
    path: [where, ...(issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p))].join(
      '.',
    ),
    message: issue.message,
  }));

/** Powertools Parser validates against the route's zod schema (Standard Schema underneath). */
const validate = (where: string, schema: z.ZodType | undefined, value: unknown): unknown => {
  if (!schema) return undefined;
  const result = parse(value, undefined, schema, true);
  if (!result.success) {
    const cause = (result.error as Error & { cause?: readonly Issue[] }).cause ?? [];
    throw new DomainError('VALIDATION_FAILED', `The request ${where} is not valid.`, {
      errors: issuesOf(where, cause),
    });
  }
  return result.data;
};

export const header = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
};

const rawBody = (event: APIGatewayProxyEvent): string | undefined => {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

const parseBody = (event: APIGatewayProxyEvent, route: Route): unknown => {
  const text = rawBody(event);
  if (!route.schemas.body) {
    if (text !== undefined) {
      throw new DomainError('VALIDATION_FAILED', 'This operation takes no request body.');
    }
    return undefined;
  }
  const limit = route.maxBodyBytes ?? MAX_BODY_BYTES;
  if (text !== undefined && Buffer.byteLength(text, 'utf8') > limit) {
    throw new DomainError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes.`);
  }
  const contentType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
  }
  if (text === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'A JSON request body is required.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('MALFORMED_JSON', 'The request body is not valid JSON.');
  }
};

/**
 * Validates path, query and body against the matched route's schemas. Registered after
 * authentication, so an anonymous caller learns nothing about the shape an endpoint expects.
 */
export const parseRequest = (): MiddlewareObj<
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Error,
  RequestContext
> => ({
  before: async ({ event, context }) => {
    const { route } = context;
    const ifMatch = header(event, 'if-match');
    if (ifMatch !== undefined) {
      if (!route.conditional) {
        const message = 'This operation does not take If-Match';
        throw new DomainError('VALIDATION_FAILED', `${message}.`, {
          errors: [{ path: 'header.if-match', message }],
        });
      }
      context.ifMatch = parseIfMatch(ifMatch);
    }
    const body = parseBody(event, route);
    context.input = {
      path: validate('path', route.schemas.path, event.pathParameters ?? {}),
      query: validate('query', route.schemas.query, event.queryStringParameters ?? {}),
      body: validate('body', route.schemas.body, body),
    };
  },
});

/**
 * Finds the route API Gateway matched, from the event's resource template and method, among the
 * function's own routes: a request for another group's route is a 404 here, never served.
 */
export const resolveRoute = (
  routes: readonly Route[],
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext> => ({
  before: async ({ event, context }) => {
    const route = byResource(routes).get(`${event.httpMethod?.toUpperCase()} ${event.resource}`);
    if (!route) throw new DomainError('ROUTE_NOT_FOUND', 'There is no such route.');
    context.route = route;
    logger.appendKeys({ requestId: event.requestContext?.requestId, operation: route.operationId });
  },
});

const indexes = new WeakMap<readonly Route[], Map<string, Route>>();
const byResource = (routes: readonly Route[]) => {
  let index = indexes.get(routes);
  if (!index) {
    index = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
    indexes.set(routes, index);
  }
  return index;
};

export const bearerToken = (event: APIGatewayProxyEvent): string | undefined => {
  const value = header(event, 'authorization');
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  return match?.[1];
};
