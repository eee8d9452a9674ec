import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../adapters/clock.ts';
import {
  authenticate as authenticateToken,
  type TokenSecrets,
  type TokenStore,
} from '../domain/tokens.ts';
import { logger } from './observability.ts';
import { bearerToken, type RequestContext } from './request.ts';

/**
 * Resolves the caller for routes that need an API token. The principal goes into every later log
 * line of the request by its token id and role, never by the token itself.
 */
export const authenticate = (deps: {
  tokens: TokenStore;
  secrets: TokenSecrets;
  clock: Clock;
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext> => ({
  before: async ({ event, context }) => {
    if (context.route.auth === 'none') return;
    const principal = await authenticateToken(
      deps.tokens,
      deps.secrets,
      bearerToken(event),
      deps.clock.now(),
    );
    context.principal = principal;
    if (principal.kind === 'token') {
      logger.appendKeys({
        principal: {
          tokenId: principal.tokenId,
          role: principal.role,
          ...('customerId' in principal ? { customerId: principal.customerId } : {}),
        },
      });
    }
  },
});
