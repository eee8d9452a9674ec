import { pageOf } from '../domain/common.ts';
import {
  CreatedTokenSchema,
  CreateTokenInput,
  TokenListQuery,
  TokenPath,
  TokenViewSchema,
} from '../domain/tokens.ts';
import { route } from './route.ts';

/** The `tokens` group's routes (see ./route.ts for what a route says). */
export const tokensRoutes = [
  route({
    operationId: 'createToken',
    idempotent: false,
    location: (t) => `/tokens/${t.id}`,
    method: 'POST',
    path: '/tokens',
    group: 'tokens',
    auth: 'token',
    status: 201,
    summary: 'Create an API token (the secret is shown once)',
    schemas: { body: CreateTokenInput, response: CreatedTokenSchema },
  }),
  route({
    operationId: 'listTokens',
    method: 'GET',
    path: '/tokens',
    group: 'tokens',
    auth: 'token',
    status: 200,
    summary: 'List API tokens',
    schemas: { query: TokenListQuery, response: pageOf(TokenViewSchema) },
  }),
  route({
    operationId: 'getToken',
    method: 'GET',
    path: '/tokens/{tokenId}',
    group: 'tokens',
    auth: 'token',
    status: 200,
    summary: 'Get an API token',
    schemas: { path: TokenPath, response: TokenViewSchema },
  }),
  route({
    operationId: 'revokeToken',
    method: 'DELETE',
    path: '/tokens/{tokenId}',
    group: 'tokens',
    auth: 'token',
    status: 200,
    summary: 'Revoke an API token',
    schemas: { path: TokenPath, response: TokenViewSchema },
  }),
] as const;
