import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The local runtime's state folder (default `<repo>/.tessera`, git-ignored; TESSERA_STATE_DIR
 * overrides it):
 *   dynamodb/    DynamoDB Local's files (persistent mode)
 *   outbox/      e-mails the local mailer writes instead of sending them
 *   cognito/     the Cognito emulator's users, pools and clients
 *   state.json   what the first start did (the bootstrap admin token's id, never the secret)
 *   local.json   present only while `npm start` runs: where its API and DynamoDB Local listen,
 *                for tools such as `npm run admin -- … --local`
 *   lock         the pid of the process that owns the folder, from start until fully stopped
 */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const defaultStateDir = (): string =>
  resolve(process.env.TESSERA_STATE_DIR ?? join(repoRoot, '.tessera'));

export interface StatePaths {
  root: string;
  dynamodb: string;
  outbox: string;
  cognito: string;
  stateFile: string;
  runningFile: string;
  lockFile: string;
}

export const statePaths = (root: string): StatePaths => ({
  root,
  dynamodb: join(root, 'dynamodb'),
  outbox: join(root, 'outbox'),
  cognito: join(root, 'cognito'),
  stateFile: join(root, 'state.json'),
  runningFile: join(root, 'local.json'),
  lockFile: join(root, 'lock'),
});

export const prepareStateDir = async (root: string): Promise<StatePaths> => {
  const paths = statePaths(resolve(root));
  await mkdir(paths.dynamodb, { recursive: true });
  await mkdir(paths.outbox, { recursive: true });
  return paths;
};

/** Written on start, removed on stop. */
export interface RunningInfo {
  pid: number;
  url: string;
  dynamoEndpoint: string;
  tableName: string;
  startedAt: string;
}

/** What the state folder remembers across restarts. Never holds a secret. */
export interface StateRecord {
  version: 1;
  createdAt: string;
  tableName: string;
  bootstrap?: { tokenId: string; name: string; role: string; createdAt: string };
  /** The first person, invited on the first start with sign-in (never the password). */
  firstPerson?: { personId: string; email: string; createdAt: string };
}

const readJson = async <T>(file: string): Promise<T | undefined> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

/** Write-then-rename, so a reader never sees half a file. */
const writeJson = async (file: string, value: unknown): Promise<void> => {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class AlreadyRunningError extends Error {
  constructor(
    readonly pid: number,
    readonly url?: string,
  ) {
    super(
      `Tessera already runs on this state folder (pid ${pid}${url ? `, ${url}` : ', starting'}). ` +
        'Stop it first, or use another folder: TESSERA_STATE_DIR=/tmp/other npm start',
    );
  }
}

/** The running local Tessera of a state folder, if its process is still alive. */
export const readRunning = async (root: string): Promise<RunningInfo | undefined> => {
  const running = await readJson<RunningInfo>(statePaths(root).runningFile);
  return running && isAlive(running.pid) ? running : undefined;
};

/**
 * Takes the folder for this process, from before DynamoDB Local starts until after it stopped:
 * two emulators on one database file lose data. A lock whose process is gone is taken over.
 */
export const acquireLock = async (paths: StatePaths): Promise<void> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(paths.lockFile, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(paths.lockFile, 'utf8').catch(() => '')).trim());
    if (owner === process.pid) return;
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new AlreadyRunningError(owner, (await readRunning(paths.root))?.url);
    }
    await rm(paths.lockFile, { force: true }); // stale: its process is gone
  }
  throw new Error(`Could not take ${paths.lockFile}`);
};

export const releaseLock = async (paths: StatePaths): Promise<void> => {
  const owner = Number((await readFile(paths.lockFile, 'utf8').catch(() => '')).trim());
  if (owner === process.pid) await rm(paths.lockFile, { force: true });
};

export const writeRunning = (paths: StatePaths, info: RunningInfo) =>
  writeJson(paths.runningFile, info);

/** Removes local.json if this process wrote it. */
export const clearRunning = async (paths: StatePaths): Promise<void> => {
  const running = await readJson<RunningInfo>(paths.runningFile);
  if (running?.pid === process.pid) await rm(paths.runningFile, { force: true });
};

export const readStateRecord = (paths: StatePaths) => readJson<StateRecord>(paths.stateFile);

export const writeStateRecord = (paths: StatePaths, record: StateRecord) =>
  writeJson(paths.stateFile, record);

/** Adds what a first start did to state.json, keeping what an earlier start recorded. */
export const recordInState = async (
  paths: StatePaths,
  tableName: string,
  changes: Pick<StateRecord, 'bootstrap'> | Pick<StateRecord, 'firstPerson'>,
) => {
  const record = await readStateRecord(paths);
  await writeStateRecord(paths, {
    ...record,
    version: 1,
    createdAt: record?.createdAt ?? new Date().toISOString(),
    tableName,
    ...changes,
  });
};
