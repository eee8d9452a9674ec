import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Db } from '../adapters/dynamodb.ts';
import { DomainError } from '../domain/errors.ts';
import type { Principal } from '../domain/principal.ts';
import { idempotencyRecords } from '../store/idempotency-records.ts';
import { corsHeaders } from './cors.ts';
import { header, type RequestContext } from './request.ts';

/** A replayed answer says so, so a client can tell a replay from a fresh execution. */
export const REPLAYED_HEADER = 'idempotent-replayed';
/** How long a key's first answer is kept and replayed. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** What the key and the payload check are computed from, set on the event before Powertools reads it. */
interface Marked extends APIGatewayProxyEvent {
  tesseraIdempotency?: { key: string[]; payload: string | null };
}

const callerOf = (principal: Principal | undefined, context: RequestContext) => {
  if (context.instance) return `instance:${context.instance.id}`;
  if (principal?.kind === 'token') return `token:${principal.tokenId}`;
  if (principal?.kind === 'person') return `person:${principal.personId}`;
  return 'anonymous';
};

/**
 * Safe retries with Powertools' idempotency utility on Tessera's own table: a POST with an
 * `Idempotency-Key` runs once; the same key (from the same caller, on the same route) with the same
 * body replays the first successful answer, status and body, for 24 hours; with another body it is
 * `422 IDEMPOTENCY_KEY_REUSED`; while the first is still running, `409 REQUEST_IN_PROGRESS`.
 * Refused requests are not kept, so they may be retried with the same key. Registered after
 * authentication and validation, so neither an anonymous nor a malformed call writes a record.
 */
export const idempotency = (deps: {
  db: () => Db;
  tableName: () => string;
  functionName: string;
  corsOrigins: readonly string[];
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext> => {
  /**
   * Powertools' utility is loaded when the first request with a key comes: a request without
   * one (most of them) never pays for loading it, and a function's cold start neither.
   */
  let inner:
    | Promise<{
        middleware: MiddlewareObj;
        errors: { validation: new () => Error; inProgress: new () => Error };
      }>
    | undefined;
  const load = async () => {
    const [utility, { makeHandlerIdempotent }, persistenceStore] = await Promise.all([
      import('@aws-lambda-powertools/idempotency'),
      import('@aws-lambda-powertools/idempotency/middleware'),
      idempotencyRecords(deps.db, deps.tableName, deps.functionName),
    ]);
    const middleware = makeHandlerIdempotent({
      persistenceStore,
      config: new utility.IdempotencyConfig({
        eventKeyJmesPath: 'tesseraIdempotency.key',
        payloadValidationJmesPath: 'tesseraIdempotency.payload',
        expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
        hashFunction: 'sha256',
        responseHook: (response) => {
          const result = response as { headers?: Record<string, string> };
          return { ...result, headers: { ...result.headers, [REPLAYED_HEADER]: 'true' } };
        },
      }),
    }) as MiddlewareObj;
    return {
      middleware,
      errors: {
        validation: utility.IdempotencyValidationError,
        inProgress: utility.IdempotencyAlreadyInProgressError,
      },
    };
  };
  const powertools = () => {
    if (!inner) {
      inner = load();
      inner.catch(() => {
        inner = undefined; // a failed load is tried again by the next request
      });
    }
    return inner;
  };
  const skip = (
    request: Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>,
  ) => (request.event as Marked).tesseraIdempotency === undefined;

  return {
    before: async (request) => {
      const { event, context } = request;
      const key = header(event, 'idempotency-key');
      if (key === undefined) return undefined;
      if (context.route.method !== 'POST' || context.route.idempotent === false) {
        const message =
          context.route.idempotent === false
            ? 'This answer holds a secret shown once, which is never stored to be replayed'
            : 'Only POST requests take an Idempotency-Key';
        throw new DomainError('VALIDATION_FAILED', `${message}.`, {
          errors: [{ path: 'header.idempotency-key', message }],
        });
      }
      if (!KEY_PATTERN.test(key)) {
        const message = '1 to 255 printable ASCII characters, e.g. a UUID';
        throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key is not valid.', {
          errors: [{ path: 'header.idempotency-key', message }],
        });
      }
      (event as Marked).tesseraIdempotency = {
        key: [key, callerOf(context.principal, context), context.route.operationId, event.path],
        payload: event.body ?? null,
      };
      const { middleware, errors } = await powertools();
      try {
        const replay = (await middleware.before?.(request as never)) as
          | APIGatewayProxyResult
          | undefined;
        if (replay === undefined) return undefined;
        // An early answer skips the other middlewares' `after`: give it what CORS would add.
        const origin = header(event, 'origin');
        return {
          ...replay,
          headers: { ...replay.headers, vary: 'Origin', ...corsHeaders(origin, deps.corsOrigins) },
        };
      } catch (error) {
        // The record belongs to the first request: this one's failure must not remove it.
        delete (event as Marked).tesseraIdempotency;
        if (error instanceof errors.validation) {
          throw new DomainError(
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was used with another request body; use a new key.',
          );
        }
        if (error instanceof errors.inProgress) {
          throw new DomainError(
            'REQUEST_IN_PROGRESS',
            'A request with this Idempotency-Key is still running; retry shortly.',
          );
        }
        throw error;
      }
    },
    after: async (request) => {
      if (skip(request)) return;
      await (await powertools()).middleware.after?.(request as never);
    },
    onError: async (request) => {
      if (skip(request)) return;
      await (await powertools()).middleware.onError?.(request as never);
    },
  };
};
