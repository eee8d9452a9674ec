import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../bin/local/events.ts';
import { handler as reaper } from '../../lambdas/jobs/entries/seat-reaper.ts';
import { useAwsConfiguredHandlers } from '../support/aws-handlers.ts';
import { invoke } from '../support/invoke.ts';

/** The handlers with metrics on, as in AWS; everything they write is in `lines`. */
const { lines, admin } = useAwsConfiguredHandlers();

interface Emf {
  _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const documents = (): Emf[] =>
  lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as Emf);

const names = (doc: Emf) => doc._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name));

describe('one logger and metrics buffer per invocation', () => {
  it('never mixes a job run and 40 concurrent requests on one EMF line, as the local runtime runs them in one process', async () => {
    const from = lines.length;
    const jobRuns = Array.from({ length: 5 }, () =>
      reaper({}, lambdaContext('seat-reaper', randomUUID(), 60_000) as never),
    );
    const requests = Array.from({ length: 40 }, () =>
      invoke('GET', '/products', { token: admin() }),
    );
    await Promise.all([...jobRuns, ...requests]);

    const written = documents().slice(0);
    const requestLines = written.filter((d) => names(d).includes('Requests'));
    const jobLines = written.filter((d) => names(d).includes('JobRuns'));
    expect(lines.length).toBeGreaterThan(from);
    expect(requestLines.length).toBeGreaterThanOrEqual(40);
    expect(jobLines).toHaveLength(5);
    for (const doc of requestLines) {
      expect(doc.operation).toBe('listProducts');
      expect(doc).not.toHaveProperty('job');
      expect(names(doc)).not.toContain('JobRuns');
    }
    for (const doc of jobLines) {
      expect(doc.job).toBe('seat-reaper');
      expect(doc).not.toHaveProperty('operation');
      expect(names(doc)).not.toContain('Requests');
    }
  });

  it('logs an idle job run only at DEBUG: a quiet system prints nothing at INFO', async () => {
    const before = lines.length;
    const level = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    try {
      // A fresh module: Powertools reads the level and the switch when its objects are built.
      const { vi } = await import('vitest');
      vi.resetModules();
      const fresh = await import('../../lambdas/jobs/entries/seat-reaper.ts');
      const summary = await fresh.handler(
        {},
        lambdaContext('seat-reaper', randomUUID(), 60_000) as never,
      );
      expect(summary.scanned).toBe(0);
    } finally {
      process.env.POWERTOOLS_LOG_LEVEL = level;
      process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    }
    expect(lines.slice(before).join('')).toBe('');
  });
});
