import { createToken, getToken, listTokens, revokeToken } from '../domain/tokens.ts';
import { tokensRoutes } from '../routes/tokens.ts';
import { tokenStore } from '../store/tokens.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  tokensRoutes,
  {
    createToken: ({ input, runtime, change }) =>
      createToken(runtime.store(tokenStore), runtime.secrets, change, input.body),
    listTokens: ({ input, runtime, principal }) =>
      listTokens(runtime.store(tokenStore), principal, input.query),
    getToken: ({ input, runtime, principal }) =>
      getToken(runtime.store(tokenStore), principal, input.path.tokenId),
    revokeToken: ({ input, runtime, change }) =>
      revokeToken(runtime.store(tokenStore), change, input.path.tokenId),
  },
  { guards },
);
