import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Request headers a browser may send: the CDK preflight and the local one allow these. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'if-match',
  'idempotency-key',
];
/** Answer headers a browser script may read. */
export const CORS_EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'x-request-id'];

/** CORS headers for an answer to `origin`, or none when the origin is not allowed. */
export const corsHeaders = (
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> =>
  origin && allowedOrigins.includes(origin)
    ? {
        'access-control-allow-origin': origin,
        'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(','),
      }
    : {};

/**
 * Adds CORS headers for allowed origins to every answer, problems included. Preflight requests
 * never reach a function: API Gateway (or the local server) answers them from the same list.
 */
export const cors = (
  allowedOrigins: readonly string[],
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => {
  const decorate = (request: {
    event: APIGatewayProxyEvent;
    response: APIGatewayProxyResult | null;
  }) => {
    const { response } = request;
    if (!response) return;
    const origin = Object.entries(request.event.headers ?? {}).find(
      ([key]) => key.toLowerCase() === 'origin',
    )?.[1];
    response.headers = {
      ...response.headers,
      vary: 'Origin',
      ...corsHeaders(origin, allowedOrigins),
    };
  };
  return {
    after: async (request) => decorate(request),
    onError: async (request) => decorate(request),
  };
};
