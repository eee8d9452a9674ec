import { createToken, getToken, listTokens, revokeToken } from '../domain/tokens.ts';
import { tokensRoutes } from '../routes/tokens.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  tokensRoutes,
  {
    createToken: ({ input, runtime, change }) =>
      createToken(runtime.stores.tokens, runtime.secrets, change, input.body),
    listTokens: ({ input, runtime, principal }) =>
      listTokens(runtime.stores.tokens, principal, input.query),
    getToken: ({ input, runtime, principal }) =>
      getToken(runtime.stores.tokens, principal, input.path.tokenId),
    revokeToken: ({ input, runtime, change }) =>
      revokeToken(runtime.stores.tokens, change, input.path.tokenId),
  },
  { guards },
);
