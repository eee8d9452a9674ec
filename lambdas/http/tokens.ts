import {
  CreateTokenInput,
  createToken,
  getToken,
  listTokens,
  revokeToken,
  TokenListQuery,
  TokenPath,
} from '../domain/tokens.ts';
import { httpHandler, parsed } from './handler.ts';

export const handler = httpHandler('tokens', {
  createToken: ({ input, runtime, change }) =>
    createToken(
      runtime.stores.tokens,
      runtime.secrets,
      change,
      parsed(CreateTokenInput, input.body),
    ),
  listTokens: ({ input, runtime, principal }) =>
    listTokens(runtime.stores.tokens, principal, parsed(TokenListQuery, input.query)),
  getToken: ({ input, runtime, principal }) =>
    getToken(runtime.stores.tokens, principal, parsed(TokenPath, input.path).tokenId),
  revokeToken: ({ input, runtime, change }) =>
    revokeToken(runtime.stores.tokens, change, parsed(TokenPath, input.path).tokenId),
});
