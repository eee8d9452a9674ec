import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { activationSecrets } from '../adapters/activation-secrets.ts';
import { config } from '../config.ts';
import { authenticateInstance } from '../domain/activations.ts';
import { DomainError } from '../domain/errors.ts';
import { principalOfSubject } from '../domain/person-principal.ts';
import { authenticate } from '../middleware/auth.ts';
import { idempotency } from '../middleware/idempotency.ts';
import type { RequestContext } from '../middleware/request.ts';
import type { RouteGroup } from '../routes/route.ts';
import { activationStore } from '../store/activations.ts';
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

export const guards: Guards = {
  authenticate: () =>
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
      instance: (bearer) =>
        authenticateInstance(
          { activations: runtime().store(activationStore), secrets: activationSecrets },
          bearer,
        ),
    }),
  idempotency: (group) =>
    idempotency({
      db: () => runtime().db,
      tableName: () => runtime().config.TABLE_NAME,
      functionName: `tessera-${group}`,
      corsOrigins: config().CORS_ORIGINS,
    }),
};
