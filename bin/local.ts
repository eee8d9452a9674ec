/**
 * `npm start`: the whole of Tessera on this machine, on embedded defaults.
 *   PORT (default 8787), TESSERA_STATE_DIR (default ./.tessera), CORS_ORIGINS (comma-separated).
 */
import { resolve } from 'node:path';
import { JAVA_MISSING } from './local/dynamodb.ts';
import { startLocal } from './local/runtime.ts';

// Lambda runs Node 22; on a Node 20 workstation the SDK's end-of-support notice is only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = Number(process.env.PORT ?? 8787);
const stateDir = resolve(process.env.TESSERA_STATE_DIR ?? '.tessera');
const corsOrigins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173')
  .split(',')
  .map((o) => o.trim())
  .filter(Boolean);

const main = async () => {
  const started = Date.now();
  let platform: Awaited<ReturnType<typeof startLocal>>;
  try {
    platform = await startLocal({ stateDir, port, corsOrigins });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message === JAVA_MISSING) console.error(message);
    else if ((error as { code?: string }).code === 'EADDRINUSE') {
      console.error(`Port ${port} is taken. Start on another one: PORT=8788 npm start`);
    } else console.error('Tessera could not start:', error);
    process.exit(1);
  }

  const lines = [
    '',
    `Tessera is running at ${platform.url}   (ready in ${Date.now() - started} ms)`,
    `  state folder   ${platform.stateDir}`,
    `  outbox         ${platform.outboxDir}`,
    `  DynamoDB Local ${platform.dynamoEndpoint}  (table ${platform.tableName}, java pid ${platform.dynamoPid})`,
    `  API document   ${platform.url}/openapi.json`,
  ];
  console.log(lines.join('\n'));
  if (platform.adminToken) {
    console.log(
      [
        '',
        '  First start: here is your vendor-admin token. It is shown this once; Tessera keeps only its hash.',
        '',
        `    ${platform.adminToken}`,
        '',
        `    export T=${platform.adminToken}`,
        `    curl -s ${platform.url}/products -H "authorization: Bearer $T"`,
      ].join('\n'),
    );
  } else {
    console.log(
      '\n  The admin token was printed on first start. Need another? While this runs:\n' +
        '    npm run admin -- create-token --role vendor-admin --name me --local',
    );
  }
  console.log('\nPress Ctrl-C to stop.\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Tessera (finishing requests, then DynamoDB Local)…`);
    await platform.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
};

void main();
