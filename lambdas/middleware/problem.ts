import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type ErrorCode, isDomainError } from '../domain/errors.ts';
import { problemType } from '../http/problem-type.ts';
import { logger, metrics } from './observability.ts';

/** The one table from error code to HTTP status. */
export const statusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  HAS_DEPENDENTS: 409,
  CONCURRENT_MODIFICATION: 409,
  PRECONDITION_FAILED: 412,
  IDEMPOTENCY_KEY_REUSED: 422,
  REQUEST_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  LICENSE_KEY_INVALID: 400,
  LICENSE_ALREADY_ASSIGNED: 409,
  LICENSE_REVOKED: 409,
  LIMIT_BELOW_USAGE: 409,
  LICENSE_NOT_FOUND: 404,
  LICENSE_SUSPENDED: 409,
  LICENSE_EXPIRED: 409,
  LICENSE_NOT_YET_VALID: 409,
  ACTIVATION_LIMIT_REACHED: 409,
  ACTIVATION_NOT_PENDING: 409,
  ACTIVATION_LOCKED: 410,
  CODE_INVALID: 400,
  CODE_EXPIRED: 410,
  RESEND_LIMIT_REACHED: 429,
  PENDING_LIMIT_REACHED: 429,
  CODE_EMAIL_LIMIT_REACHED: 429,
  NOT_RETURNABLE: 409,
  EMAIL_NOT_SENT: 503,
  POOL_FULL: 409,
  NO_ENTITLEMENT: 409,
  LEASE_GONE: 410,
  WRONG_SEAT_MODEL: 409,
  PASSWORD_REJECTED: 400,
  RESET_CODE_INVALID: 400,
  MFA_CODE_INVALID: 400,
  MFA_NOT_OFFERED: 409,
  TRIAL_NOT_OFFERED: 409,
  TRIAL_ALREADY_USED: 409,
  TRIAL_NOT_PENDING: 409,
  OFFLINE_REQUEST_INVALID: 400,
  OFFLINE_REQUEST_USED: 409,
  RETURN_PROOF_INVALID: 400,
  ACTIVATION_ENDED: 409,
  ACTIVATION_REHOSTED: 401,
  FINGERPRINT_IN_USE: 409,
  RESET_LIMIT_REACHED: 429,
  RATE_LIMITED: 429,
  REQUEST_BLOCKED: 403,
  BAD_REQUEST: 400,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Seconds a client should wait before trying again, for answers that say "not now" (429, 503)
 * without a figure of their own (`retryAfter`). Every 429 and 503 carries `Retry-After`.
 */
const defaultRetryAfter: Partial<Record<ErrorCode, number>> = {
  RESEND_LIMIT_REACHED: 60,
  EMAIL_NOT_SENT: 30,
  RATE_LIMITED: 1,
};

const retryAfterOf = (code: ErrorCode, extra: Record<string, unknown> | undefined) => {
  const status = statusOf[code];
  if (status !== 429 && status !== 503) return undefined;
  const own = extra?.retryAfter;
  return typeof own === 'number' && own > 0 ? Math.ceil(own) : (defaultRetryAfter[code] ?? 1);
};

/** An RFC 9457 problem document; `type` is a URN naming the stable `code`. */
export const problem = (
  code: ErrorCode,
  detail: string,
  context: { requestId?: string; instance?: string; extra?: Record<string, unknown> } = {},
): APIGatewayProxyResult => {
  const status = statusOf[code];
  const retryAfter = retryAfterOf(code, context.extra);
  return {
    statusCode: status,
    headers: {
      'content-type': PROBLEM_CONTENT_TYPE,
      'cache-control': 'no-store',
      ...(status === 401 ? { 'www-authenticate': 'Bearer realm="tessera"' } : {}),
      ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
    },
    // Extension members first: none may overwrite the members RFC 9457 defines.
    body: JSON.stringify({
      ...context.extra,
      type: problemType(code),
      title: titles[status] ?? 'Error',
      status,
      code,
      detail,
      ...(context.instance ? { instance: context.instance } : {}),
      ...(context.requestId ? { requestId: context.requestId } : {}),
    }),
  };
};

/**
 * Turns any error into a problem document. Registered last, so in middy's reverse `onError`
 * order it runs first and every other middleware (CORS, metrics) sees a finished response.
 * Domain errors keep their code and details; anything else is logged and leaves as a bare 500.
 */
export const problemDetails = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: async (request) => {
    const { error, event } = request;
    const context = {
      requestId: event.requestContext?.requestId ?? request.context?.awsRequestId,
      instance: event.path,
    };
    if (isDomainError(error)) {
      const status = statusOf[error.code];
      metrics.addMetric(status >= 500 ? 'ServerErrors' : 'ClientErrors', MetricUnit.Count, 1);
      if (status >= 500) logger.error('request failed', { code: error.code });
      else logger.info('request refused', { code: error.code, status });
      request.response = problem(error.code, error.message, { ...context, extra: error.details });
      return;
    }
    metrics.addMetric('ServerErrors', MetricUnit.Count, 1);
    logger.error('unexpected error', { error: error as Error });
    request.response = problem('INTERNAL', 'Something went wrong on our side.', context);
  },
});
