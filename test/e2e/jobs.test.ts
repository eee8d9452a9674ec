import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type JobSummary, jobNames } from '../../lambdas/jobs/catalog.ts';
import { useLocalPlatform } from '../support/platform.ts';

const run = promisify(execFile);
const platform = useLocalPlatform();

describe('scheduled jobs on the local runtime', () => {
  it('runs every job by name through the local gateway and answers its summary', async () => {
    const { url } = platform();
    for (const job of jobNames) {
      const response = await fetch(`${url}/_local/jobs/${job}`, { method: 'POST' });
      expect(response.status).toBe(200);
      const summary = (await response.json()) as JobSummary;
      expect(summary).toMatchObject({ job, failed: 0, truncated: false });
      expect(typeof summary.durationMs).toBe('number');
    }
  });

  it('answers 404 problem for a job that does not exist', async () => {
    const response = await fetch(`${platform().url}/_local/jobs/no-such-job`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('NOT_FOUND');
  });

  it('npm run job prints the summary of the run against the running platform', async () => {
    const { stateDir } = platform();
    const { stdout } = await run('npx', ['tsx', 'bin/job.ts', 'seat-reaper'], {
      env: { ...process.env, TESSERA_STATE_DIR: stateDir },
    });
    expect(JSON.parse(stdout)).toMatchObject({ job: 'seat-reaper', failed: 0 });
  });
});
