import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLocalScheduler, summaryLine } from '../../bin/local/jobs.ts';
import type { JobName, JobSummary } from '../../lambdas/jobs/catalog.ts';

const summary = (job: JobName, scanned: number): JobSummary => ({
  job,
  startedAt: new Date().toISOString(),
  durationMs: 12,
  scanned,
  changed: scanned,
  failed: 0,
  truncated: false,
  details: {},
});

describe('the local job scheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs each job at its catalog rate and prints one line only for runs that found work', async () => {
    const runs: JobName[] = [];
    const lines: string[] = [];
    const runner = {
      run: async (job: JobName) => {
        runs.push(job);
        return summary(job, job === 'seat-reaper' && runs.length === 1 ? 2 : 0);
      },
    };
    const scheduler = startLocalScheduler(runner, (line) => lines.push(line));

    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toEqual(['seat-reaper', 'seat-reaper']);
    expect(lines).toEqual(['job seat-reaper: 2 looked at, 2 changed, 0 failed in 12 ms']);

    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(runs.filter((j) => j === 'notifications')).toHaveLength(4);
    expect(runs.filter((j) => j === 'expiry-sweep')).toHaveLength(1);

    scheduler.stop();
    const before = runs.length;
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(runs).toHaveLength(before);
  });

  it('prints a failed run with its reason', async () => {
    const lines: string[] = [];
    const scheduler = startLocalScheduler(
      { run: async () => Promise.reject(new Error('table gone')) },
      (line) => lines.push(line),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    scheduler.stop();
    expect(lines).toEqual(['job seat-reaper failed: table gone']);
  });

  it('says when a run stopped at its deadline with work left', () => {
    expect(summaryLine({ ...summary('expiry-sweep', 3), truncated: true, details: { a: 1 } })).toBe(
      'job expiry-sweep: 3 looked at, 3 changed, 0 failed (more next run); a 1 in 12 ms',
    );
  });
});
