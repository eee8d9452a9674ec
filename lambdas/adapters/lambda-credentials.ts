import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias, see
 * lib/constructs/tessera-function.ts). Lambda hands a function its role's credentials in the
 * environment; the default chain's other providers (ini files, SSO, STS web identity, IMDS and
 * the clients they carry) never apply there and were a fifth of every bundle. Local runs and
 * tests are not bundled and keep the SDK's full chain.
 */
export const defaultProvider = (_init?: unknown) => fromEnv();
