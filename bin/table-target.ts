import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { documentClient } from '../lambdas/adapters/dynamodb.ts';
import { defaultStateDir, readRunning } from './local/state.ts';

/**
 * Where the operator CLIs (admin, status) read and write: the running local Tessera, or a
 * deployed stage's table with the operator's own AWS credentials.
 */
export type Db = ReturnType<typeof documentClient>;

/** What to tell an operator whose AWS credentials are missing or expired. */
export const CREDENTIALS_HELP =
  'No usable AWS credentials: set AWS_PROFILE (or run aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and try again.';

export const isCredentialsError = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'CredentialsProviderError' || error.name === 'ExpiredTokenException');

/** The region a flag or the environment names, if any (never a silent default). */
export const regionFrom = (flag: string | undefined) =>
  flag ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;

/** The running local Tessera's table, or the reason there is none. */
export const localTable = async () => {
  const stateDir = defaultStateDir();
  const running = await readRunning(stateDir);
  if (!running) {
    return {
      missing: `no running local Tessera in ${stateDir}; start it with 'npm start' first.`,
    } as const;
  }
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  return {
    stateDir,
    url: running.url,
    tableName: running.tableName,
    db: documentClient({ region: 'us-east-1', endpoint: running.dynamoEndpoint }),
  };
};

/** A deployed table, with the operator's credentials as the AWS CLI finds them. */
export const awsTable = (tableName: string, region: string, endpoint?: string) => ({
  tableName,
  region,
  db: documentClient({
    region,
    ...(endpoint ? { endpoint } : {}),
    credentials: defaultProvider(),
  }),
});
