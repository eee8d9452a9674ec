import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lambdas/adapters/dynamodb.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import { createToken } from '../../lambdas/domain/tokens.ts';
import { tokenStore } from '../../lambdas/store/tokens.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb.ts';
import { startLocalServer } from './server.ts';
import { ensureTable } from './tables.ts';

/**
 * The whole platform on one machine: DynamoDB Local, the table, the HTTP server in front of the
 * real handlers, and a first admin token. `npm start` and the e2e tests both start it from here.
 */
export interface LocalOptions {
  stateDir: string;
  port: number;
  /** Use this DynamoDB instead of starting one (the tests share one DynamoDB Local). */
  dynamoEndpoint?: string;
  tableName?: string;
  corsOrigins?: readonly string[];
  quiet?: boolean;
}

export interface LocalPlatform {
  url: string;
  stateDir: string;
  outboxDir: string;
  dynamoEndpoint: string;
  dynamoPid?: number;
  tableName: string;
  /** Set only on the start that created it: the first admin token, shown once. */
  adminToken?: string;
  stop(): Promise<void>;
}

/** Everything the handlers read from the environment, set before any handler is loaded. */
const configureHandlers = (env: Record<string, string>) => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_SERVICE_NAME: 'tessera',
    POWERTOOLS_METRICS_NAMESPACE: 'Tessera',
    STAGE: 'local',
    ...env,
  });
};

const bootstrapAdmin = async (endpoint: string, tableName: string) => {
  const store = tokenStore(
    documentClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' }),
    tableName,
  );
  const existing = await store.list({}, { limit: 1 });
  if (existing.items.length > 0) return undefined;
  const created = await createToken(
    store,
    tokenSecrets,
    { principal: { kind: 'system', name: 'local-bootstrap' }, now: new Date(), ids: idGenerator() },
    { name: 'local bootstrap admin', role: 'vendor-admin' },
  );
  return created.token;
};

export const startLocal = async (options: LocalOptions): Promise<LocalPlatform> => {
  const outboxDir = join(options.stateDir, 'outbox');
  const dbDir = join(options.stateDir, 'dynamodb');
  await mkdir(outboxDir, { recursive: true });
  await mkdir(dbDir, { recursive: true });
  const tableName = options.tableName ?? 'tessera';

  const dynamo: DynamoDbLocal | undefined = options.dynamoEndpoint
    ? undefined
    : await startDynamoDbLocal({ dbPath: dbDir });
  const endpoint = options.dynamoEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
  try {
    configureHandlers({
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: endpoint,
      CORS_ORIGINS: (options.corsOrigins ?? []).join(','),
      TESSERA_OUTBOX_DIR: outboxDir,
    });
    const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION });
    await ensureTable(client, tableName);
    client.destroy();
    const adminToken = await bootstrapAdmin(endpoint, tableName);
    const server = await startLocalServer({
      port: options.port,
      corsOrigins: options.corsOrigins ?? [],
      ...(options.quiet ? { log: () => undefined } : {}),
    });
    const running = join(options.stateDir, 'local.json');
    await writeFile(
      running,
      JSON.stringify(
        { url: server.url, dynamoEndpoint: endpoint, tableName, pid: process.pid },
        null,
        2,
      ),
    );
    return {
      url: server.url,
      stateDir: options.stateDir,
      outboxDir,
      dynamoEndpoint: endpoint,
      ...(dynamo ? { dynamoPid: dynamo.pid } : {}),
      tableName,
      ...(adminToken ? { adminToken } : {}),
      stop: async () => {
        await server.close();
        await rm(running, { force: true });
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
};

/** What the last start wrote, for tools that talk to a running local Tessera. */
export const readRunning = async (stateDir: string) =>
  JSON.parse(await readFile(join(stateDir, 'local.json'), 'utf8')) as {
    url: string;
    dynamoEndpoint: string;
    tableName: string;
  };
