import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/local/dynamodb.ts';

/** `npm start` as a user runs it: a child process, real DynamoDB Local on disk, Ctrl-C to stop. */
const stateDir = await mkdtemp(join(tmpdir(), 'tessera-start-'));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(stateDir, { recursive: true, force: true });
});

const start = async (port: number) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      TESSERA_STATE_DIR: stateDir,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output };
};

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start', () => {
  it('prints URL, state folder and a one-time admin token, serves the API, and stops cleanly with DynamoDB Local', async () => {
    const port = await freePort();
    const { child, output } = await start(port);
    const url = `http://127.0.0.1:${port}`;
    expect(output()).toContain(`Tessera is running at ${url}`);
    expect(output()).toContain(stateDir);
    const token = /(tsr_[0-9a-z]{16}_[A-Za-z0-9_-]{43})/.exec(output())?.[1];
    expect(token).toBeDefined();

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const created = await fetch(`${url}/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'PERSISTED', name: 'Survives restarts', seatModel: 'named' }),
    });
    expect(created.status).toBe(201);

    const javaPid = Number(/java pid (\d+)/.exec(output())?.[1]);
    expect(alive(javaPid)).toBe(true);
    expect(await stop(child)).toBe(0);
    expect(output()).toContain('Stopped.');
    expect(alive(javaPid)).toBe(false);

    // Second start on the same state: data is still there and no new token is printed.
    const again = await start(port);
    expect(again.output()).not.toMatch(/tsr_[0-9a-z]{16}_/);
    expect(again.output()).toContain('printed on first start');
    const product = await fetch(`${url}/products/PERSISTED`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(product.status).toBe(200);
    const againPid = Number(/java pid (\d+)/.exec(again.output())?.[1]);
    expect(await stop(again.child)).toBe(0);
    expect(alive(againPid)).toBe(false);
  });
});
