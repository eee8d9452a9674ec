import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../adapters/clock.ts';
import { looksLikeJwt } from '../adapters/person-tokens.ts';
import type { Activation } from '../domain/activations.ts';
import type { Principal } from '../domain/principal.ts';
import type { Relay } from '../domain/relays.ts';
import {
  authenticate as authenticateToken,
  type TokenSecrets,
  type TokenStore,
} from '../domain/tokens.ts';
import { logger } from './observability.ts';
import { bearerToken, type RequestContext } from './request.ts';

/**
 * Resolves the caller before anything reads the request body, so an unauthenticated call learns
 * nothing of the shape an endpoint expects: an API token or a signed-in person's access token
 * (a JWT) for `token` routes, an activation token for `activation` routes. Both kinds of
 * `token` callers become the same principal model, so one authorization path serves them. The
 * principal goes into every later log line of the request by its ids, never by the token itself.
 */
export const authenticate = (deps: {
  tokens: TokenStore;
  secrets: TokenSecrets;
  clock: Clock;
  /** Only in the functions of groups with activation-token routes (http/instance-guards.ts). */
  instance?: (bearer: string | undefined) => Promise<Activation>;
  /** A person's access token, verified, checked against Tessera's record of the person. */
  person: (jwt: string) => Promise<Principal>;
  /** Only in the relay group's function (http/relay.ts). */
  relay?: (bearer: string | undefined) => Promise<Relay>;
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext> => ({
  before: async ({ event, context }) => {
    if (context.route.auth === 'none') return;
    if (context.route.auth === 'activation') {
      if (!deps.instance) throw new Error('This function does not authenticate instances');
      const activation = await deps.instance(bearerToken(event));
      context.instance = activation;
      logger.appendKeys({
        principal: { activationId: activation.id, licenseId: activation.licenseId },
      });
      return;
    }
    if (context.route.auth === 'relay') {
      if (!deps.relay) throw new Error('This function does not authenticate relays');
      const relay = await deps.relay(bearerToken(event));
      context.relay = relay;
      logger.appendKeys({ principal: { relayId: relay.id, customerId: relay.customerId } });
      return;
    }
    const bearer = bearerToken(event);
    const principal = looksLikeJwt(bearer)
      ? await deps.person(bearer)
      : await authenticateToken(deps.tokens, deps.secrets, bearer, deps.clock.now());
    context.principal = principal;
    if (principal.kind === 'token' || principal.kind === 'person') {
      logger.appendKeys({
        principal: {
          ...(principal.kind === 'token'
            ? { tokenId: principal.tokenId }
            : { personId: principal.personId }),
          role: principal.role,
          ...('customerId' in principal ? { customerId: principal.customerId } : {}),
        },
      });
    }
  },
});
