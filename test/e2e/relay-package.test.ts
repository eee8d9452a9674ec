import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The relay as a site installs it: packed with `npm pack`, installed into an empty folder from the
 * tarball alone, and started with `npx tessera-relay` (Node only, nothing else installed).
 */
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tessera-relay-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the packed relay', () => {
  it('installs from its tarball alone and starts with npx: a missing configuration refused in words, a configured one serving its status', async () => {
    run('npm', ['pack', '--pack-destination', work], join(root, 'relay'));
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const site = join(work, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'site', private: true }));
    run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', join(work, tarball as string)],
      site,
    );
    const missing = spawnSync('npx', ['--offline', 'tessera-relay'], {
      cwd: site,
      encoding: 'utf8',
      env: { ...process.env, TESSERA_URL: '', TESSERA_RELAY_CREDENTIAL: '' },
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('tessera-relay: set TESSERA_URL');
    const wrong = spawnSync('npx', ['--offline', 'tessera-relay'], {
      cwd: site,
      encoding: 'utf8',
      env: { ...process.env, TESSERA_URL: 'http://127.0.0.1:9', TESSERA_RELAY_CREDENTIAL: 'tsr_x' },
    });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('not a relay credential');

    // Configured, with the cloud unreachable: it serves its status and says what waits. Run as
    // npx would run it (the installed bin), but directly, so killing it leaves no process behind.
    const relay = spawn(process.execPath, [join(site, 'node_modules/.bin/tessera-relay')], {
      cwd: site,
      env: {
        ...process.env,
        TESSERA_URL: 'http://127.0.0.1:9',
        TESSERA_RELAY_CREDENTIAL: `tsy_${'0'.repeat(26)}_${'a'.repeat(43)}`,
        RELAY_SEATS: 'AGENTS=3',
        RELAY_PORT: '0',
        RELAY_STATE_DIR: join(work, 'state'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        relay.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /relay on (http:\/\/[0-9.:]+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        relay.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      let status: { waiting: { call: string }[] } = { waiting: [] };
      for (let i = 0; i < 50 && status.waiting.length === 0; i++) {
        status = await fetch(`${url}/relay/status`).then((r) => r.json());
        if (status.waiting.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status.waiting.map((w) => w.call)).toEqual(['renew AGENTS']);
    } finally {
      relay.kill('SIGKILL');
    }
  }, 120_000);
});
