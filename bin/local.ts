/**
 * `npm start`: the whole of Tessera on this machine, on embedded defaults.
 *
 *   PORT                   HTTP port (default 8787)
 *   TESSERA_SMTP_PORT      the SMTP listener for tickets by e-mail (default 2525)
 *   TESSERA_BRAND          the vendor's brand as JSON: {"name","colour","logoUrl","supportAddress"}
 *   TESSERA_DEFAULT_LANGUAGE  en or it: e-mails and pages for readers who set none
 *   TESSERA_STATE_DIR      state folder (default <repo>/.tessera)
 *   CORS_ORIGINS           comma-separated browser origins (default http://localhost:5173)
 *   TESSERA_DYNAMODB_PORT  DynamoDB Local's port (default: a free one)
 *   POWERTOOLS_METRICS_DISABLED  `true` keeps the EMF metric lines out of the log
 *   TESSERA_JOBS           `off` stops the in-process job scheduler (run jobs by hand with
 *                          `npm run job -- <name>`)
 *   TESSERA_LOG_FORMAT     `json` prints the gateway's lines as JSON; default one readable line
 *                          per request (`POST /licenses 201 148ms`)
 *   TESSERA_ADMIN_EMAIL    the first person's e-mail, invited as vendor-admin on the first start
 *                          (default admin@tessera.local)
 *   TESSERA_DEBUG          `1` prints the stack of an unexpected start failure
 *   TESSERA_THROTTLE       `rate/burst` (e.g. `50/100`) throttles requests as the AWS stage does;
 *                          off by default. At most 16 requests per function run at once; up to
 *                          1,000 wait 5 s at most, the rest are answered 429 with Retry-After.
 *
 * Routes are served at the root (http://127.0.0.1:8787/products); in AWS the API's stage adds
 * `/v1`. The first start prints a vendor-admin token once; Ctrl-C stops everything.
 */

import { localLogger } from './local/access-log.ts';
import { DEFAULT_ADMISSION, throttleFrom } from './local/admission.ts';
import { CorruptDataError, JavaMissingError } from './local/dynamodb.ts';
import { DEFAULT_PORT, type LocalPlatform, startLocal } from './local/runtime.ts';
import { AlreadyRunningError } from './local/state.ts';

// Lambda runs Node 22; on a Node 20 workstation the SDK's end-of-support notice is only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Metrics go to the log as EMF JSON, exactly what CloudWatch would ingest in AWS. Quieter:
// POWERTOOLS_METRICS_DISABLED=true npm start.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'false';

const portFrom = (name: string, value: string | undefined, fallback?: number) => {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name} must be a port number (0-65535), not '${value}'.`);
    process.exit(2);
  }
  return port;
};

const port = portFrom('PORT', process.env.PORT, DEFAULT_PORT) ?? DEFAULT_PORT;
const dynamoPort = portFrom('TESSERA_DYNAMODB_PORT', process.env.TESSERA_DYNAMODB_PORT);
const smtpPort = portFrom('TESSERA_SMTP_PORT', process.env.TESSERA_SMTP_PORT);
const corsOrigins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173')
  .split(',')
  .map((o) => o.trim())
  .filter(Boolean);

const jobsOn = (process.env.TESSERA_JOBS ?? 'on').toLowerCase() !== 'off';

let throttle: ReturnType<typeof throttleFrom>;
try {
  throttle = throttleFrom(process.env.TESSERA_THROTTLE);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const banner = (platform: LocalPlatform, readyMs: number) => {
  const lines = [
    '',
    `Tessera is running at ${platform.url}   (ready in ${(readyMs / 1000).toFixed(1)} s)`,
    `  state folder    ${platform.stateDir}`,
    `  outbox          ${platform.outboxDir}   (e-mails land here as .eml files)`,
    `  support mail    smtp://127.0.0.1:${platform.smtpPort}   (mail to any address opens or answers a ticket)`,
    `  signing key     ${platform.signingKeyFile}   (stands in for KMS)`,
    `  console         ${platform.url}/   (people sign in)`,
    `  Cognito         ${platform.cognitoEndpoint ? `${platform.cognitoEndpoint}  (emulator, node pid ${platform.cognitoPid})` : 'off'}`,
    `  DynamoDB Local  ${platform.dynamoEndpoint}  (table ${platform.tableName}, java pid ${platform.dynamoPid})`,
    `  API document    ${platform.url}/openapi.json`,
    `  CORS origins    ${corsOrigins.join(', ') || '(none)'}`,
    `  throttle        ${throttle ? `${throttle.rate}/s, burst ${throttle.burst}` : 'off (TESSERA_THROTTLE=rate/burst)'}; at most ${DEFAULT_ADMISSION.concurrency} requests per function at once`,
    `  scheduled jobs  ${jobsOn ? 'on (one line per run that found work)' : 'off'}; run one now: npm run job -- <name>`,
  ];
  if (platform.adminToken) {
    const rule = '='.repeat(78);
    lines.push(
      '',
      rule,
      '  FIRST START: your vendor-admin token. It is shown this once; Tessera keeps only',
      '  its hash. Copy it now.',
      '',
      `    ${platform.adminToken}`,
      '',
      `    export T=${platform.adminToken}`,
      `    curl -s ${platform.url}/products -H "authorization: Bearer $T"`,
      rule,
    );
  } else {
    lines.push(
      '',
      '  The vendor-admin token was printed on first start. Need another? While this runs:',
      '    npm run admin -- create-token --role vendor-admin --name me --local',
    );
  }
  if (platform.firstPerson) {
    const rule = '='.repeat(78);
    lines.push(
      '',
      rule,
      '  FIRST START: sign in to the console as its first administrator. The temporary',
      '  password is shown this once (the invitation is in the outbox too); you choose',
      '  your own at the first sign-in.',
      '',
      `    console   ${platform.url}/`,
      `    e-mail    ${platform.firstPerson.email}`,
      `    password  ${platform.firstPerson.temporaryPassword}`,
      rule,
    );
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  // The token goes to the terminal once, by console.log, never through the structured logger.
  console.log(lines.join('\n'));
};

const explain = (error: unknown): string => {
  if (
    error instanceof JavaMissingError ||
    error instanceof AlreadyRunningError ||
    error instanceof CorruptDataError
  ) {
    return error.message;
  }
  const taken = error as NodeJS.ErrnoException & { port?: number };
  if (taken.code === 'EADDRINUSE' && taken.port !== undefined && taken.port !== port) {
    return `Port ${taken.port} (the SMTP listener) is taken. Start it on another one: TESSERA_SMTP_PORT=${taken.port + 1} npm start`;
  }
  if (taken.code === 'EADDRINUSE') {
    return `Port ${port} is taken (is Tessera already running?). Start on another one: PORT=${port + 1} npm start`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const badKey = /^(.*) is not a P-256 private key/.exec(message)?.[1];
  if (badKey) {
    return `The local signing key ${badKey} is damaged (not a P-256 private key).\nIt stands in for KMS and signs license files. Move it away and start again: a new key is made, and files signed with the old one stop verifying, so keep it if you can recover it:\n  mv ${badKey} ${badKey}.broken`;
  }
  // Anything else: what failed, without a stack unless asked for.
  return process.env.TESSERA_DEBUG
    ? `Tessera could not start: ${error instanceof Error ? (error.stack ?? message) : message}`
    : `Tessera could not start: ${message}\n(TESSERA_DEBUG=1 npm start shows where.)`;
};

let platform: LocalPlatform | undefined;
let stopping = false;

const shutdown = async (reason: string, code: number) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping Tessera (finishing requests, then DynamoDB Local)…`);
  try {
    await platform?.stop();
    console.log('Stopped.');
  } catch (error) {
    console.error('Stopping failed:', error);
    code = 1;
  }
  process.exit(code);
};

let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!stopping) {
      firstSignalAt = Date.now();
      void shutdown(signal, 0);
      return;
    }
    // One Ctrl-C can arrive twice (the terminal signals the group and tsx relays it too), so
    // only a second press a moment later forces the exit; the exit hook still kills DynamoDB Local.
    if (Date.now() - firstSignalAt > 1_000) {
      console.log('Forced stop.');
      process.exit(130);
    }
  });
}

console.log('Starting Tessera: DynamoDB Local (Java) and the API, a few seconds…');
try {
  platform = await startLocal({
    port,
    corsOrigins,
    scheduler: jobsOn,
    console: true,
    ...(process.env.TESSERA_ADMIN_EMAIL
      ? { firstPersonEmail: process.env.TESSERA_ADMIN_EMAIL }
      : {}),
    log: localLogger(process.env.TESSERA_LOG_FORMAT),
    ...(dynamoPort !== undefined ? { dynamoPort } : {}),
    ...(smtpPort !== undefined ? { smtpPort } : {}),
    ...(throttle ? { admission: { ...DEFAULT_ADMISSION, throttle } } : {}),
    onDynamoExit: (detail) => {
      console.error(`\nDynamoDB Local stopped unexpectedly (${detail.trim()})`);
      void shutdown('DynamoDB Local is gone', 1);
    },
  });
} catch (error) {
  console.error(explain(error));
  process.exit(1);
}
if (!stopping) banner(platform, performance.now());
