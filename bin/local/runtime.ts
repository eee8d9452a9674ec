import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JobName, JobSummary } from '../../lambdas/jobs/catalog.ts';
import type { AdmissionOptions } from './admission.ts';
import { type CognitoLocal, ensureLocalPool, startCognitoLocal } from './cognito.ts';
import { ensureConsoleBuilt } from './console-files.ts';
import { assertPortFree, type DynamoDbLocal, freePort, startDynamoDbLocal } from './dynamodb.ts';
import type { LocalServerOptions } from './server.ts';
import {
  acquireLock,
  clearRunning,
  defaultStateDir,
  prepareStateDir,
  readStateRecord,
  releaseLock,
  writeRunning,
  writeStateRecord,
} from './state.ts';
import { ensureTable } from './tables.ts';

/**
 * The handler-side modules (route table, stores, domain) take a good half second to load: they
 * load while DynamoDB Local boots, instead of before it.
 */
const loadLater = () =>
  Promise.all([
    import('./bootstrap.ts'),
    import('./server.ts'),
    import('./jobs.ts'),
    import('./smtp.ts'),
  ]);

/**
 * The whole platform on one machine: DynamoDB Local, the table, the HTTP server in front of the
 * real handlers, and a first admin token. `npm start` (bin/local.ts) and the e2e tests both
 * start it from here.
 *
 * Handlers read their configuration from the environment once per process, so one process runs
 * one platform configuration at a time: a second startLocal() in the same process must use the
 * same table name and DynamoDB endpoint (pass `dynamoPort` to get the same endpoint back).
 */
export interface LocalOptions {
  /** Default: TESSERA_STATE_DIR or `<repo>/.tessera`. */
  stateDir?: string;
  /** HTTP port; default 8787, 0 picks a free one. */
  port?: number;
  /** The SMTP listener's port (tickets by e-mail); default 2525, 0 picks a free one. */
  smtpPort?: number;
  host?: string;
  /** Run DynamoDB Local in memory: nothing survives stop(). */
  inMemory?: boolean;
  /** Use this DynamoDB (e.g. the tests' shared DynamoDB Local) instead of starting one. */
  dynamoEndpoint?: string;
  /** Port for the DynamoDB Local this starts; default a free one. */
  dynamoPort?: number;
  /** Default `tessera`. */
  tableName?: string;
  /** Browser origins allowed by CORS; default none. */
  corsOrigins?: readonly string[];
  /** Where the gateway's lines go (default: JSON on stdout). */
  log?: (line: Record<string, unknown>) => void;
  /** No request log lines. */
  quiet?: boolean;
  /** Run the scheduled jobs at their rates in this process (npm start; TESSERA_JOBS=off). */
  scheduler?: boolean;
  /** Where the scheduler's one-line run summaries go; default the console. */
  onJobSummary?: (line: string) => void;
  /** Called if DynamoDB Local dies while the platform runs. */
  onDynamoExit?: (detail: string) => void;
  /** The gateway's concurrency cap, queue and optional throttle; default DEFAULT_ADMISSION. */
  admission?: AdmissionOptions;
  /**
   * People sign in through a Cognito emulator started with the platform (default true). The
   * first start invites `firstPersonEmail` (default admin@tessera.local) as vendor-admin.
   */
  identity?: boolean;
  firstPersonEmail?: string;
  /** Serve the console at `/`, building it first if its sources changed (npm start). */
  console?: boolean;
  /**
   * Federated sign-in through this hosted sign-in domain. The emulator has none (no hosted UI),
   * so locally this is a stand-in's address, as the tests use; on AWS it is the pool's domain.
   */
  federation?: { domain: string; providers: { name: string; label: string }[] };
}

export interface LocalPlatform {
  url: string;
  /** Where the SMTP listener takes mail to the support address, on the same host. */
  smtpPort: number;
  stateDir: string;
  outboxDir: string;
  /** The local P-256 key that signs license files in place of KMS. */
  signingKeyFile: string;
  dynamoEndpoint: string;
  /** The DynamoDB Local process this platform started (none with `dynamoEndpoint`). */
  dynamoPid?: number;
  tableName: string;
  /** Set only on the start that minted it: the first vendor-admin token, shown once. */
  adminToken?: string;
  /** The Cognito emulator people sign in with (absent with `identity: false`). */
  cognitoEndpoint?: string;
  cognitoPid?: number;
  /** Set only on the start that invited them: the first person's e-mail and temporary password. */
  firstPerson?: { email: string; temporaryPassword: string };
  /** Runs a scheduled job now, in this process, and resolves to its summary. */
  runJob(name: JobName): Promise<JobSummary>;
  /** Finishes in-flight requests (10 s at most), then stops DynamoDB Local. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_TABLE = 'tessera';

/** Everything the handlers read from the environment, set before any handler is loaded. */
const configureHandlers = (env: Record<string, string>) => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'tessera',
    POWERTOOLS_METRICS_NAMESPACE: 'Tessera',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: 'false',
    // Off unless asked for (npm start asks): tests and benchmarks do not want one EMF line per call.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    STAGE: 'local',
    ...env,
  });
};

export const startLocal = async (options: LocalOptions = {}): Promise<LocalPlatform> => {
  const paths = await prepareStateDir(options.stateDir ?? defaultStateDir());
  const tableName = options.tableName ?? DEFAULT_TABLE;
  // A concrete port up front: the console's address goes into the invitation e-mails.
  const port = options.port === 0 ? await freePort() : (options.port ?? DEFAULT_PORT);
  const host = options.host ?? '127.0.0.1';
  const corsOrigins = options.corsOrigins ?? [];
  await acquireLock(paths);
  let dynamo: DynamoDbLocal | undefined;
  let cognito: CognitoLocal | undefined;
  let cognitoStart: Promise<CognitoLocal> | undefined;
  const identity = options.identity ?? true;
  try {
    // Fail on a taken port before paying for DynamoDB Local's start.
    if (port !== 0) await assertPortFree(port);
    const modules = loadLater();
    const consoleBuild = options.console ? ensureConsoleBuilt() : undefined;
    consoleBuild?.catch(() => undefined); // awaited below
    // The emulator is a Node process of its own: it boots while DynamoDB Local does.
    cognitoStart = identity
      ? startCognitoLocal(paths.cognito, ({ destination, code }) =>
          // Locally only, like the activation codes: Cognito e-mails it on AWS.
          console.log(`password reset code for ${destination}: ${code} (local only)`),
        )
      : undefined;
    cognitoStart?.catch(() => undefined); // awaited below
    // KMS's stand-in: one P-256 key per state folder, kept across restarts.
    const signingKey = modules.then(([m]) => m.loadOrCreateLocalSigningKey(paths.root));
    signingKey.catch(() => undefined); // awaited below; do not let an early failure go unhandled
    dynamo = options.dynamoEndpoint
      ? undefined
      : await startDynamoDbLocal({
          ...(options.inMemory ? {} : { dbPath: paths.dynamodb }),
          ...(options.dynamoPort !== undefined ? { port: options.dynamoPort } : {}),
          ...(options.onDynamoExit ? { onUnexpectedExit: options.onDynamoExit } : {}),
        });
    const endpoint = options.dynamoEndpoint ?? (dynamo as DynamoDbLocal).endpoint;
    const [[bootstrap, { startLocalServer }, jobs, smtp], { path: signingKeyFile }] =
      await Promise.all([modules, signingKey]);
    cognito = await cognitoStart;
    const pool = cognito ? await ensureLocalPool(cognito.endpoint, 'local') : undefined;
    const url = `http://${host}:${port}`;
    configureHandlers({
      CONSOLE_URL: `${url}/`,
      ...(cognito && pool
        ? {
            AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
            USER_POOL_ID: pool.userPoolId,
            USER_POOL_CLIENT_ID: pool.clientId,
            IDENTITY_LOCAL_ISSUER: pool.issuer,
            IDENTITY_MFA: 'optional',
            ...(options.federation
              ? {
                  IDENTITY_DOMAIN: options.federation.domain,
                  IDENTITY_PROVIDERS: JSON.stringify(options.federation.providers),
                  IDENTITY_CALLBACK_URL: `${url}/session/federation-callback`,
                }
              : {}),
          }
        : {}),
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: endpoint,
      CORS_ORIGINS: corsOrigins.join(','),
      OUTBOX_DIR: paths.outbox,
      FILES_DIR: join(paths.root, 'files'),
      // The vendor's brand and default language, as a stage configures them (docs/support.md).
      ...(process.env.TESSERA_BRAND ? { BRAND: process.env.TESSERA_BRAND } : {}),
      ...(process.env.TESSERA_DEFAULT_LANGUAGE
        ? { DEFAULT_LANGUAGE: process.env.TESSERA_DEFAULT_LANGUAGE }
        : {}),
      SIGNING_KEY_FILE: signingKeyFile,
    });
    const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION });
    try {
      await ensureTable(client, tableName);
    } finally {
      client.destroy();
    }
    const adminToken = await bootstrap.bootstrapAdmin(paths, endpoint, tableName);
    const firstPerson =
      cognito && pool
        ? await bootstrap.bootstrapFirstPerson(paths, {
            endpoint,
            tableName,
            cognitoEndpoint: cognito.endpoint,
            userPoolId: pool.userPoolId,
            email: options.firstPersonEmail ?? 'admin@tessera.local',
            consoleUrl: `${url}/`,
            from: process.env.SENDER_ADDRESS ?? 'licensing@tessera.local',
          })
        : undefined;
    if (!(await readStateRecord(paths))) {
      await writeStateRecord(paths, {
        version: 1,
        createdAt: new Date().toISOString(),
        tableName,
      });
    }
    const runner = jobs.localJobRunner();
    const consoleFiles = await consoleBuild;
    const serverOptions: LocalServerOptions = {
      ...(consoleFiles ? { consoleDir: consoleFiles.dir } : {}),
      port,
      host,
      corsOrigins,
      runJob: (name) => (jobs.isJobName(name) ? runner.run(name) : undefined),
      ...(options.admission ? { admission: options.admission } : {}),
    };
    if (options.log) serverOptions.log = options.log;
    if (options.quiet) serverOptions.log = () => undefined;
    const server = await startLocalServer(serverOptions);
    const mail = await smtp
      .startLocalSmtp({
        // A platform on a free HTTP port (the tests) takes a free SMTP port too.
        port: options.smtpPort ?? (options.port === 0 ? 0 : smtp.DEFAULT_SMTP_PORT),
        host,
        log: options.quiet ? () => undefined : (line) => console.log(line),
      })
      .catch(async (error: unknown) => {
        await server.close();
        throw error;
      });
    const scheduler = options.scheduler
      ? jobs.startLocalScheduler(runner, options.onJobSummary ?? ((line) => console.log(line)))
      : undefined;
    await writeRunning(paths, {
      pid: process.pid,
      url: server.url,
      dynamoEndpoint: endpoint,
      tableName,
      startedAt: new Date().toISOString(),
    });

    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      smtpPort: mail.port,
      stateDir: paths.root,
      outboxDir: paths.outbox,
      signingKeyFile,
      dynamoEndpoint: endpoint,
      ...(dynamo ? { dynamoPid: dynamo.pid } : {}),
      tableName,
      ...(adminToken ? { adminToken } : {}),
      ...(cognito ? { cognitoEndpoint: cognito.endpoint, cognitoPid: cognito.pid } : {}),
      ...(firstPerson ? { firstPerson } : {}),
      runJob: (name) => runner.run(name),
      stop: () => {
        stopping ??= (async () => {
          scheduler?.stop();
          try {
            await mail.close();
            await server.close();
          } finally {
            await cognito?.stop();
            await dynamo?.stop();
            // Last: until the lock is gone no second start touches this folder's DynamoDB files
            // (two emulators on one database file lose data).
            await clearRunning(paths);
            await releaseLock(paths);
          }
        })();
        return stopping;
      },
    };
  } catch (error) {
    await (cognito ?? (await cognitoStart?.catch(() => undefined)))?.stop();
    await dynamo?.stop();
    await releaseLock(paths);
    throw error;
  }
};
