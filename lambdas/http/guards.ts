import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { config } from '../config.ts';
import type { Activation } from '../domain/activations.ts';
import { DomainError } from '../domain/errors.ts';
import { principalOfSubject } from '../domain/person-principal.ts';
import type { Relay } from '../domain/relays.ts';
import { authenticate } from '../middleware/auth.ts';
import { idempotency } from '../middleware/idempotency.ts';
import type { RequestContext } from '../middleware/request.ts';
import type { RouteGroup } from '../routes/route.ts';
import { peopleStore } from '../store/people.ts';
import { tokenStore } from '../store/tokens.ts';
import { personTokens } from '../wiring/person-tokens.ts';
import { runtime } from '../wiring/runtime.ts';

type Middleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>;

/** What a group with authenticated routes or POSTs registers (see httpHandler's options). */
export interface Guards {
  authenticate: () => Middleware;
  idempotency: (group: RouteGroup) => Middleware;
}

/**
 * The authentication middleware; `instance` only for the groups with activation-token routes
 * (./instance-guards.ts), so the others do not bundle the activation store.
 */
export const authenticateWith =
  (
    instance?: (bearer: string | undefined) => Promise<Activation>,
    relay?: (bearer: string | undefined) => Promise<Relay>,
  ) =>
  () =>
    authenticate({
      get tokens() {
        return runtime().store(tokenStore);
      },
      get secrets() {
        return runtime().secrets;
      },
      get clock() {
        return runtime().clock;
      },
      person: async (jwt) => {
        const subject = await personTokens().subjectOf(jwt);
        if (!subject) throw new DomainError('UNAUTHENTICATED', 'Sign in again.');
        return principalOfSubject(runtime().store(peopleStore), subject);
      },
      ...(instance ? { instance } : {}),
      ...(relay ? { relay } : {}),
    });

export const idempotencyGuard = (group: RouteGroup) =>
  idempotency({
    db: () => runtime().db,
    tableName: () => runtime().config.TABLE_NAME,
    functionName: `tessera-${group}`,
    corsOrigins: config().CORS_ORIGINS,
  });

export const guards: Guards = { authenticate: authenticateWith(), idempotency: idempotencyGuard };
