import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

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
    response.headers = { ...response.headers, vary: 'Origin' };
    if (origin && allowedOrigins.includes(origin)) {
      response.headers['access-control-allow-origin'] = origin;
      response.headers['access-control-expose-headers'] = 'x-request-id';
    }
  };
  return {
    after: async (request) => decorate(request),
    onError: async (request) => decorate(request),
  };
};
