import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB Local, AWS's own emulator, from the jar shipped in the `amplify-dynamodb-simulator`
 * npm package, run on the machine's Java. Persistent under a folder for `npm start`, in memory
 * for the tests.
 *
 * The emulator never outlives the process that started it:
 * - stop() sends SIGTERM, waits for the exit, and SIGKILLs after a grace period;
 * - a normal exit of this process (including an uncaught exception) SIGKILLs it;
 * - a guard (`sh`, reading a pipe from this process) SIGKILLs it when this process dies in any
 *   other way, SIGKILL included: the kernel closes the pipe and the guard wakes up.
 * The emulator runs in its own process group, so the terminal's Ctrl-C reaches only this process,
 * which then stops the emulator after in-flight requests are done.
 */
export interface DynamoDbLocal {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep the data in this folder; without it the emulator runs in memory. */
  dbPath?: string;
  /** Without it a free port is picked. */
  port?: number;
  /** Called if the emulator exits while nobody asked it to (with its last output). */
  onUnexpectedExit?: (detail: string) => void;
  /** Replaces the default JVM flags (tuned for a fast start). */
  jvmArgs?: readonly string[];
}

export const JAVA_MISSING = `Tessera's local runtime needs a Java runtime (17 recommended) for DynamoDB Local, and none was found.
Install one, then run the command again:
  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless
  macOS:          brew install openjdk@17
  other:          install a JRE 17 and put 'java' on PATH, or set JAVA_HOME to it`;

/** DynamoDB Local cannot read its database file: the data folder is damaged or not its own. */
export class CorruptDataError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `DynamoDB Local cannot read its data in ${dataDir} (the file is damaged or not a DynamoDB Local database).\n` +
        `Move the folder away to start with an empty table, and keep it to recover from:\n` +
        `  mv ${dataDir} ${dataDir}.broken-$(date +%s)`,
    );
  }
}

/** What DynamoDB Local prints when SQLite cannot open the database file. */
const CORRUPT_DATA =
  /SQLiteException[^\n]*(file is (encrypted or is )?not a database|database disk image is malformed)/;

export class JavaMissingError extends Error {
  constructor(detail?: string) {
    super(detail ? `${JAVA_MISSING}\n\n(${detail})` : JAVA_MISSING);
  }
}

/**
 * C1-only JIT halves the emulator's start (≈5 s → ≈2.5 s on 2 cores) and is no slower for the
 * short bursts of local use and tests, where C2's compiler threads compete for the CPU.
 */
const DEFAULT_JVM_ARGS = ['-XX:TieredStopAtLevel=1'];
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

const javaBinary = () =>
  process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

/** Throws JavaMissingError with install hints unless `java -version` works. */
export const assertJava = (): void => {
  const probe = spawnSync(javaBinary(), ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (probe.error) throw new JavaMissingError(`${javaBinary()}: ${probe.error.message}`);
  if (probe.status !== 0) {
    throw new JavaMissingError(`${javaBinary()} -version failed: ${probe.stderr.trim()}`);
  }
};

const emulatorDir = (): string => {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
};

const listenOnce = (port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });

/** A port nobody listens on right now (listen on 0, read it, close). */
export const freePort = (): Promise<number> => listenOnce(0);

/** Resolves if the port can be bound on 127.0.0.1; rejects with EADDRINUSE otherwise. */
export const assertPortFree = async (port: number): Promise<void> => {
  await listenOnce(port);
};

const waitUntilReady = async (
  endpoint: string,
  child: ChildProcess,
  failure: () => Error | undefined,
  output: () => string,
  dataDir: string | undefined,
) => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      throwOnRequestTimeout: true,
    },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      const spawnError = failure();
      if (spawnError) throw new JavaMissingError(spawnError.message);
      // A damaged database never gets better: say so at once instead of after the timeout.
      if (dataDir && CORRUPT_DATA.test(output())) throw new CorruptDataError(dataDir);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `DynamoDB Local exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(
      `DynamoDB Local did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`,
    );
  } finally {
    client.destroy();
  }
};

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (exited(child) || child.pid === undefined) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });

/** Kills `pid` once this process is gone, however it goes (see the module comment). */
export const startGuard = (pid: number): ChildProcess | undefined => {
  if (process.platform === 'win32') return undefined;
  const guard = spawn(
    '/bin/sh',
    [
      '-c',
      'while read -r _; do :; done; kill -KILL "$1" 2>/dev/null',
      'tessera-ddb-guard',
      `${pid}`,
    ],
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  guard.on('error', () => undefined); // no sh: the exit hook still covers normal exits
  guard.unref();
  (guard.stdin as unknown as Socket | null)?.unref();
  return guard;
};

export const startDynamoDbLocal = async (
  options: DynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> => {
  assertJava();
  const dir = emulatorDir();
  const port = options.port ?? (await freePort());
  if (options.port !== undefined) await assertPortFree(port);
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  const child = spawn(
    javaBinary(),
    [
      ...(options.jvmArgs ?? DEFAULT_JVM_ARGS),
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
      ...storage,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' },
  );
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let watching = false; // report an exit only after the emulator was up and nobody stopped it
  const killOnExit = () => {
    if (!exited(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const guard = child.pid ? startGuard(child.pid) : undefined;
  child.once('exit', (code, signal) => {
    process.off('exit', killOnExit);
    guard?.kill('SIGKILL');
    if (watching) options.onUnexpectedExit?.(`exit ${code ?? signal}\n${output}`);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(
      endpoint,
      child,
      () => spawnError,
      () => output,
      options.dbPath,
    );
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  watching = true;
  return {
    endpoint,
    pid: child.pid ?? -1,
    stop: async () => {
      watching = false;
      await stopChild(child);
    },
  };
};
