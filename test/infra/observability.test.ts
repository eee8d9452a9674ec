import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jobNames } from '../../lambdas/jobs/catalog.ts';
import { businessMetrics } from '../../lambdas/metric-names.ts';
import { groups } from '../../lambdas/routes.ts';
import { synthTessera, withStage } from './app-fixture.ts';

type AlarmProps = {
  AlarmName: string;
  AlarmDescription: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  Threshold: number;
  MetricName?: string;
  Namespace?: string;
  Metrics?: { MetricStat?: { Metric: { MetricName: string } } }[];
};

const alarmsOf = (template: ReturnType<typeof synthTessera>['observability']) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (r) => (r as { Properties: AlarmProps }).Properties,
  );

const { observability, stacks } = synthTessera();
const alarms = alarmsOf(observability);
const alarm = (name: string) => {
  const found = alarms.find((a) => a.AlarmName === `tessera-dev-${name}`);
  if (!found) throw new Error(`no alarm ${name}; have ${alarms.map((a) => a.AlarmName)}`);
  return found;
};
const topicId = stacks.observability.getLogicalId(
  stacks.observability.alarmTopic.node.defaultChild as never,
);

/** GitHub's heading anchors of the runbook: lower case, punctuation dropped, spaces to -. */
const runbookAnchors = new Set(
  readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) =>
      line
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replaceAll(' ', '-'),
    ),
);

describe('alarms', () => {
  it.each([
    'api-5xx-rate',
    'api-latency-p99',
    'lambda-throttles-jobs',
    'dynamodb-throttles',
    'signing-failures',
    'email-failures',
    'ses-bounce-rate',
    'ses-complaint-rate',
    ...jobNames.flatMap((job) => [`job-${job}-dead-letters`, `job-${job}-failures`]),
  ])('%s exists and notifies the alarm topic when it fires and when it clears', (name) => {
    const props = alarm(name);
    expect(props.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(props.OKActions).toEqual([{ Ref: topicId }]);
  });

  it('every alarm says what it means and links a section the runbook has', () => {
    for (const props of alarms) {
      const section = /Runbook: docs\/runbook\.md#([a-z0-9-]+)/.exec(props.AlarmDescription)?.[1];
      expect([props.AlarmName, section && runbookAnchors.has(section)]).toEqual([
        props.AlarmName,
        true,
      ]);
      expect(props.AlarmDescription.length).toBeGreaterThan(60);
    }
  });

  it('throttles of every API and job function are alarmed, at most ten metrics per alarm', () => {
    const throttleAlarms = alarms.filter((a) => a.AlarmName.includes('lambda-throttles'));
    const metrics = throttleAlarms.flatMap((a) =>
      (a.Metrics ?? []).filter((m) => m.MetricStat?.Metric.MetricName === 'Throttles'),
    );
    expect(metrics).toHaveLength(Object.keys(groups).length + jobNames.length);
    for (const a of throttleAlarms) {
      expect((a.Metrics ?? []).filter((m) => m.MetricStat).length).toBeLessThanOrEqual(10);
    }
  });

  it('the p99 latency threshold comes from the stage', () => {
    expect(alarm('api-latency-p99').Threshold).toBe(2_000);
    const { observability: changed } = synthTessera(
      withStage('dev', { alarms: { apiLatencyP99Ms: 800 } }),
    );
    const props = alarmsOf(changed).find((a) => a.AlarmName === 'tessera-dev-api-latency-p99');
    expect(props?.Threshold).toBe(800);
  });

  it('signing and e-mail failures are read from the Tessera namespace', () => {
    for (const [name, metric] of [
      ['signing-failures', 'SigningFailures'],
      ['email-failures', 'EmailsFailed'],
    ] as const) {
      expect(alarm(name)).toMatchObject({ Namespace: 'Tessera', MetricName: metric, Threshold: 0 });
    }
  });
});

describe('dashboard', () => {
  const body = JSON.stringify(
    Object.values(observability.findResources('AWS::CloudWatch::Dashboard'))[0],
  );

  it.each([
    ...Object.keys(businessMetrics),
    'JobRuns',
    'JobFailures',
    'JobItemsChanged',
    'ApproximateNumberOfMessagesVisible',
    'ThrottledRequests',
    'ConsumedReadCapacityUnits',
    'ConsumedWriteCapacityUnits',
    'Reputation.BounceRate',
    'Reputation.ComplaintRate',
    '5XXError',
    '4XXError',
    'Latency',
    'Duration',
    'Throttles',
    'Errors',
  ])('shows %s', (metric) => {
    expect(body).toContain(metric);
  });

  it('shows every job by name and opens with the alarm states', () => {
    for (const job of jobNames) expect(body).toContain(`\\"job\\",\\"${job}\\"`);
    expect(body).toContain('\\"type\\":\\"alarm\\"');
  });
});
