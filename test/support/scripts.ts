import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository root, where `npm run …` scripts run. */
export const repoRoot = join(import.meta.dirname, '../..');

/**
 * One of the repository's TypeScript entry points run as a user runs it: its own Node process
 * (through tsx), its output and exit code. `undefined` in `env` removes a variable.
 */
export const runScript = (
  script: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
) => {
  const out = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
};
