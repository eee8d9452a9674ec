import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/local/dynamodb.ts';

/**
 * `npm start` as a user runs it: a child process, DynamoDB Local on disk under a temp state
 * folder, Ctrl-C to stop. The two tests share that folder and run in order: the second one is the
 * restart of the first.
 */
const stateDir = await mkdtemp(join(tmpdir(), 'tessera-start-'));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const children: ChildProcess[] = [];
const javaPids: number[] = [];
const TOKEN = /tsr_[0-9a-z]{16}_[A-Za-z0-9_-]{43}/;
const FIRST_PASSWORD = /password {2}(\S{16})\n/;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  // Only if a test failed half-way: nothing this file started may outlive it.
  for (const child of children) if (child.pid && alive(child.pid)) child.kill('SIGKILL');
  for (const pid of javaPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(stateDir, { recursive: true, force: true });
});

const waitFor = async (what: string, check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** `args` after the node binary; the child gets its own process group, like a terminal job. */
const start = async (args: string[], port: number) => {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: String(port), TESSERA_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitFor(
    `npm start gets ready\n${output}`,
    () => output.includes('Press Ctrl-C to stop.') || child.exitCode !== null,
    60_000,
  );
  if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
  const javaPid = Number(/java pid (\d+)/.exec(output)?.[1]);
  const cognitoPid = Number(/emulator, node pid (\d+)/.exec(output)?.[1]);
  javaPids.push(javaPid, cognitoPid);
  return { child, exit, javaPid, cognitoPid, output: () => output };
};

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms),
    ),
  ]);

let port: number;
let token: string;

describe('npm start', () => {
  it('prints the URL, the state and outbox folders and a one-time admin token, serves the API, and on Ctrl-C stops with its DynamoDB Local', async () => {
    port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // `tsx bin/local.ts` is what `npm start` runs.
    const run = await start([tsxCli, 'bin/local.ts'], port);
    expect(run.output()).toContain(`Tessera is running at ${url}`);
    expect(run.output()).toContain(stateDir);
    expect(run.output()).toContain(join(stateDir, 'outbox'));
    token = TOKEN.exec(run.output())?.[0] as string;
    expect(token).toBeDefined();
    expect(alive(run.javaPid)).toBe(true);
    expect(existsSync(join(stateDir, 'local.json'))).toBe(true);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${url}/products`, { headers: auth })).status).toBe(200);
    const created = await fetch(`${url}/products`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'PERSISTED', name: 'Survives restarts', seatModel: 'named' }),
    });
    expect(created.status).toBe(201);

    // The first administrator signs in with the printed temporary password, and must change it.
    expect(run.output()).toContain('admin@tessera.local');
    const password = FIRST_PASSWORD.exec(run.output())?.[1] as string;
    const signIn = await fetch(`${url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@tessera.local', password }),
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ status: 'NEW_PASSWORD_REQUIRED' });
    // The emulator has no hosted sign-in: locally, a password is the only way in.
    expect(await (await fetch(`${url}/session/providers`)).json()).toEqual({ providers: [] });
    // …and an answer from a provider, however well formed, is not one it asked for: no call out.
    const callback = await fetch(`${url}/session/federation-callback?code=c0de&state=s1`, {
      redirect: 'manual',
      headers: { cookie: 'tessera_federation=s1.verifier' },
    });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${url}/#/?signIn=FEDERATION_EXPIRED`);
    const outbox = await readdir(join(stateDir, 'outbox'));
    expect(outbox.filter((f) => f.includes('invitation'))).toHaveLength(1);

    // Ctrl-C in a terminal signals the whole foreground group: tsx and the node process under it.
    process.kill(-(run.child.pid as number), 'SIGINT');
    expect(await withTimeout(run.exit, 20_000, 'npm start exits after Ctrl-C')).toBe(0);
    expect(run.output()).toContain('Stopped.');
    expect(alive(run.javaPid)).toBe(false);
    expect(alive(run.cognitoPid)).toBe(false);
    expect(existsSync(join(stateDir, 'local.json'))).toBe(false);
    expect(existsSync(join(stateDir, 'lock'))).toBe(false);
  }, 90_000);

  it('keeps the data across a restart, prints no second token, refuses a second runtime on the folder, and takes DynamoDB Local down with it even when killed with SIGKILL', async () => {
    const url = `http://127.0.0.1:${port}`;
    // The node process that owns DynamoDB Local, without tsx's wrapper process in between.
    const run = await start(['--import', 'tsx', 'bin/local.ts'], port);
    expect(run.output()).not.toMatch(TOKEN);
    expect(run.output()).not.toMatch(FIRST_PASSWORD);
    expect(run.output()).toContain('printed on first start');
    const product = await fetch(`${url}/products/PERSISTED`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(product.status).toBe(200);
    // state.json remembers which token the first start minted, never the secret itself.
    const state = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8'));
    expect(state.bootstrap).toMatchObject({ role: 'vendor-admin', tokenId: expect.any(String) });
    expect(JSON.stringify(state)).not.toContain(token);
    const local = JSON.parse(await readFile(join(stateDir, 'local.json'), 'utf8'));
    expect(local).toMatchObject({ url, pid: run.child.pid, tableName: 'tessera' });

    // A second runtime on the same folder would open the same database files: it is refused.
    const second = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      env: { ...process.env, PORT: String(await freePort()), TESSERA_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(second);
    let refused = '';
    second.stderr?.on('data', (c: Buffer) => {
      refused += c.toString('utf8');
    });
    const code = await withTimeout(
      new Promise((resolve) => second.once('exit', resolve)),
      20_000,
      'a second start on the same folder gives up',
    );
    expect(code).toBe(1);
    expect(refused).toContain('already runs on this state folder');

    run.child.kill('SIGKILL');
    await withTimeout(run.exit, 10_000, 'the killed process exits');
    await waitFor('DynamoDB Local dies with its parent', () => !alive(run.javaPid), 10_000);
    await waitFor(
      'the Cognito emulator dies with its parent',
      () => !alive(run.cognitoPid),
      10_000,
    );
  }, 90_000);
});
