import { ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SearchExpression,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Schedule } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { JobName } from '../lambdas/jobs/catalog.ts';
import {
  type BusinessMetric,
  type JobMetric,
  METRIC_NAMESPACE,
  SERVICE_DIMENSION,
} from '../lambdas/metric-names.ts';
import type { RouteGroup } from '../lambdas/routes.ts';
import type { StageConfig } from './config.ts';
import { jobConstructId } from './jobs.ts';

/**
 * What the stack watches, by name: plain strings, never references to the stacks that own them,
 * so renaming or removing a route group, a job or a queue never fails the owning stack's update
 * on an export still in use (docs/adr/0012-stacks-joined-by-names.md). The table is the one
 * reference: it is never renamed.
 */
export interface ObservabilityStackProps extends StackProps {
  stage: StageConfig;
  apiName: string;
  functionNames: Record<RouteGroup, string>;
  table: Table;
  jobs: Record<
    JobName,
    { name: JobName; functionName: string; deadLetterQueueName: string; everyMinutes: number }
  >;
}

type ApiMetric = (props?: MetricProps) => Metric;

type MetricProps = { period?: Duration; statistic?: string; label?: string };

/** A function's Lambda metrics, by its name (the three the alarms and dashboard read). */
interface WatchedFn {
  metricErrors(props?: MetricProps): Metric;
  metricThrottles(props?: MetricProps): Metric;
  metricDuration(props?: MetricProps): Metric;
}

/** A metric of one resource, by its dimensions, as the owning construct's helpers build it. */
const metricOf =
  (namespace: string, dimensionsMap: Record<string, string>) =>
  (metricName: string, statistic: string) =>
  (props: MetricProps = {}) =>
    new Metric({ namespace, metricName, dimensionsMap, statistic, period: PERIOD, ...props });

const lambdaMetrics = (functionName: string): WatchedFn => {
  const metric = metricOf('AWS/Lambda', { FunctionName: functionName });
  return {
    metricErrors: metric('Errors', 'Sum'),
    metricThrottles: metric('Throttles', 'Sum'),
    metricDuration: metric('Duration', 'Average'),
  };
};

/** What the alarms and the dashboard read: metrics of things found by their names. */
interface Watched {
  stage: StageConfig;
  api: {
    restApiName: string;
    metricCount: ApiMetric;
    metricClientError: ApiMetric;
    metricServerError: ApiMetric;
    metricLatency: ApiMetric;
  };
  functions: Record<RouteGroup, { fn: WatchedFn }>;
  table: Table;
  jobs: Record<
    JobName,
    { name: JobName; function: { fn: WatchedFn }; deadLetterQueue: IQueue; everyMinutes: number }
  >;
}

/** API Gateway's REST metrics of one API, by its name (what RestApi's own helpers read). */
const apiMetrics = (apiName: string): Watched['api'] => {
  const metric = metricOf('AWS/ApiGateway', { ApiName: apiName });
  return {
    restApiName: apiName,
    metricCount: metric('Count', 'SampleCount'),
    metricClientError: metric('4XXError', 'Sum'),
    metricServerError: metric('5XXError', 'Sum'),
    metricLatency: metric('Latency', 'Average'),
  };
};

const PERIOD = Duration.minutes(5);
/** CloudWatch evaluates a metric-math alarm over at most 10 metrics. */
const MAX_ALARM_METRICS = 10;
/** The operations Tessera's stores and jobs call; their ThrottledRequests are the table's. */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.TRANSACT_GET_ITEMS,
  Operation.BATCH_WRITE_ITEM,
  Operation.BATCH_GET_ITEM,
];
/** SES puts an account under review at 5% bounces and 0.1% complaints; warn before that. */
export const SES_BOUNCE_RATE_ALARM = 0.04;
export const SES_COMPLAINT_RATE_ALARM = 0.0008;

/** A Tessera metric (EMF through Powertools): the service dimension plus the metric's own. */
const tessera = (
  metricName: BusinessMetric | JobMetric,
  dimensions: Record<string, string> = {},
  options: { statistic?: string; label?: string } = {},
) =>
  new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { ...SERVICE_DIMENSION, ...dimensions },
    statistic: options.statistic ?? 'Sum',
    period: PERIOD,
    ...(options.label ? { label: options.label } : {}),
  });

/** Every value of a business metric's dimension as its own line, e.g. Validations by code. */
const byDimension = (metricName: BusinessMetric, dimension: string) =>
  new SearchExpression({
    expression: `SEARCH('{${METRIC_NAMESPACE},${dimension},service} MetricName="${metricName}" service="${SERVICE_DIMENSION.service}"', 'Sum', ${PERIOD.toSeconds()})`,
    period: PERIOD,
  });

const sesReputation = (metricName: string, label: string) =>
  new Metric({
    namespace: 'AWS/SES',
    metricName,
    statistic: 'Maximum',
    period: Duration.minutes(15),
    label,
  });

/**
 * The sum of many metrics, split into groups of at most ten for alarms. FILL makes a metric with
 * no data count as 0: `a + b` would have no value wherever one of them is missing, and sparse
 * metrics such as throttles are missing nearly always.
 */
const sums = (metrics: IMetric[], label: string): MathExpression[] => {
  const out: MathExpression[] = [];
  for (let i = 0; i < metrics.length; i += MAX_ALARM_METRICS) {
    const chunk = metrics.slice(i, i + MAX_ALARM_METRICS);
    out.push(
      new MathExpression({
        label,
        expression: `SUM([${chunk.map((_, j) => `FILL(m${j}, 0)`).join(', ')}])`,
        usingMetrics: Object.fromEntries(chunk.map((m, j) => [`m${j}`, m])),
        period: PERIOD,
      }),
    );
  }
  return out;
};

/** Throttled requests of every operation Tessera calls (exactly ten: one metric-math alarm). */
const tableThrottles = (table: Table) =>
  sums(
    TABLE_OPERATIONS.map((operation) =>
      table.metricThrottledRequestsForOperation(operation, { period: PERIOD }),
    ),
    'throttled requests',
  )[0] as MathExpression;

/** Where each alarm's description sends the operator. */
const runbook = (section: string) => `Runbook: docs/runbook.md#${section}`;

/**
 * What operators watch: one dashboard (alarm states first, then API, functions, table, jobs and
 * business figures) and alarms that e-mail the stage's alarm address through an encrypted SNS
 * topic. Every alarm's description says what it means and names its runbook section.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  private readonly stage: StageConfig;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { stage } = props;
    this.stage = stage;
    this.alarmTopic = this.createTopic(stage);
    const watched = this.watch(props);
    this.createAlarms(watched);
    this.dashboard = this.createDashboard(watched);
  }

  /** The watched functions, queues and API, found by name in this stack's account and region. */
  private watch(props: ObservabilityStackProps): Watched {
    const fnNamed = (name: string) => ({ fn: lambdaMetrics(name) });
    return {
      stage: props.stage,
      table: props.table,
      api: apiMetrics(props.apiName),
      functions: Object.fromEntries(
        Object.entries(props.functionNames).map(([group, name]) => [group, fnNamed(name)]),
      ) as Watched['functions'],
      jobs: Object.fromEntries(
        Object.values(props.jobs).map((job) => [
          job.name,
          {
            name: job.name,
            everyMinutes: job.everyMinutes,
            function: fnNamed(job.functionName),
            deadLetterQueue: Queue.fromQueueAttributes(this, `Watched-dlq-${job.name}`, {
              queueName: job.deadLetterQueueName,
              queueArn: this.formatArn({
                service: 'sqs',
                resource: job.deadLetterQueueName,
                arnFormat: ArnFormat.NO_RESOURCE_NAME,
              }),
            }),
          },
        ]),
      ) as Watched['jobs'],
    };
  }

  private createTopic(stage: StageConfig): Topic {
    // CloudWatch can publish to an encrypted topic only with a key whose policy lets it.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts Tessera alarm notifications',
      enableKeyRotation: true,
    });
    key.grant(
      new ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `Tessera ${stage.name} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: without
    // this statement CloudWatch is "not authorized to perform SNS:Publish" and alarms stay silent.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );
    topic.addSubscription(new EmailSubscription(stage.alarmEmail));
    return topic;
  }

  /** An alarm that notifies when it fires and when it clears; above threshold means trouble. */
  private alarm(
    id: string,
    props: {
      name: string;
      section: string;
      description: string;
      metric: IMetric;
      threshold: number;
      evaluationPeriods?: number;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `tessera-${this.stage.name}-${props.name}`,
      alarmDescription: `${props.description} ${runbook(props.section)}`,
      metric: props.metric,
      threshold: props.threshold,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const notify = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(notify);
    alarm.addOkAction(notify);
    this.alarms.push(alarm);
    return alarm;
  }

  private createAlarms({ api, functions, table, jobs, stage }: Watched): void {
    this.alarm('Api5xxRate', {
      name: 'api-5xx-rate',
      section: 'api-5xx-rate',
      description:
        'More than 1% of API requests failed with 5xx for 10 minutes: callers see errors.',
      metric: new MathExpression({
        label: '5xx rate (%)',
        expression: '100 * errors / MAX([requests, 1])',
        usingMetrics: {
          errors: api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
          requests: api.metricCount({ period: PERIOD, statistic: 'SampleCount' }),
        },
        period: PERIOD,
      }),
      threshold: 1,
      evaluationPeriods: 2,
    });

    this.alarm('ApiLatencyP99', {
      name: 'api-latency-p99',
      section: 'api-latency-p99',
      description: `The API's p99 latency stayed above ${stage.alarms.apiLatencyP99Ms} ms for 15 minutes: slow answers, timeouts in clients.`,
      metric: api.metricLatency({ period: PERIOD, statistic: 'p99' }),
      threshold: stage.alarms.apiLatencyP99Ms,
      evaluationPeriods: 3,
    });

    const functionsByKind = {
      api: Object.values(functions).map((f) => f.fn),
      jobs: Object.values(jobs).map((j) => j.function.fn),
    };
    for (const [kind, fns] of Object.entries(functionsByKind)) {
      const throttles = fns.map((fn) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }));
      sums(throttles, `Lambda throttles (${kind})`).forEach((metric, i, all) => {
        const name = `lambda-throttles-${kind}${all.length > 1 ? `-${i + 1}` : ''}`;
        this.alarm(`LambdaThrottles${name.slice('lambda-throttles'.length)}`, {
          name,
          section: 'lambda-throttles',
          description:
            'A Tessera function was throttled: Lambda refused invocations for lack of concurrency (API callers got 429/5xx, a job run was delayed).',
          metric,
          threshold: 0,
        });
      });
    }

    this.alarm('DynamoDbThrottles', {
      name: 'dynamodb-throttles',
      section: 'dynamodb-throttles',
      description:
        'DynamoDB throttled requests to the Tessera table: the SDK retried them, but requests slowed down or failed.',
      metric: tableThrottles(table),
      threshold: 0,
    });

    for (const job of Object.values(jobs)) {
      const id = jobConstructId(job.name);
      this.alarm(`${id}DeadLetters`, {
        name: `job-${job.name}-dead-letters`,
        section: 'job-dead-letters',
        description: `A run of the ${job.name} job failed for good (after retries) or could not be started: its dead-letter queue holds the event and the error.`,
        metric: job.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: 'Maximum',
        }),
        threshold: 0,
      });
      this.alarm(`${id}Failures`, {
        name: `job-${job.name}-failures`,
        section: 'job-failures',
        description: `The ${job.name} job reported a failed run (JobFailures) or its function threw (Lambda Errors).`,
        metric: new MathExpression({
          label: `${job.name} failures`,
          expression: 'SUM([FILL(failures, 0), FILL(errors, 0)])',
          usingMetrics: {
            failures: tessera('JobFailures', { job: job.name }),
            errors: job.function.fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
          },
          period: PERIOD,
        }),
        threshold: 0,
      });
    }

    this.alarm('SigningFailures', {
      name: 'signing-failures',
      section: 'signing-failures',
      description:
        'KMS could not sign a license file (SigningFailures): activations and refreshes fail until it can.',
      metric: tessera('SigningFailures'),
      threshold: 0,
    });
    this.alarm('EmailFailures', {
      name: 'email-failures',
      section: 'e-mail-failures',
      description:
        'SES refused or failed to send an e-mail (EmailsFailed): activation codes or reminders did not go out.',
      metric: tessera('EmailsFailed'),
      threshold: 0,
    });
    this.alarm('SesBounceRate', {
      name: 'ses-bounce-rate',
      section: 'ses-bounce-and-complaint-rates',
      description: `The account's SES bounce rate is above ${SES_BOUNCE_RATE_ALARM * 100}%; at 5% SES reviews the account and may pause sending.`,
      metric: sesReputation('Reputation.BounceRate', 'Bounce rate'),
      threshold: SES_BOUNCE_RATE_ALARM,
    });
    this.alarm('SesComplaintRate', {
      name: 'ses-complaint-rate',
      section: 'ses-bounce-and-complaint-rates',
      description: `The account's SES complaint rate is above ${SES_COMPLAINT_RATE_ALARM * 100}%; at 0.1% SES reviews the account and may pause sending.`,
      metric: sesReputation('Reputation.ComplaintRate', 'Complaint rate'),
      threshold: SES_COMPLAINT_RATE_ALARM,
    });
  }

  private createDashboard({ api, functions, table, jobs, stage }: Watched) {
    const fns = Object.entries(functions) as [RouteGroup, { fn: WatchedFn }][];
    const jobList = Object.values(jobs);
    const graph = (title: string, left: IMetric[], width = 8, right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width, height: 6, period: PERIOD });
    type Fn = WatchedFn;
    type Props = { label: string; statistic: string; period: Duration };
    /** One graph of a Lambda metric per API function (by route group) or per job function. */
    const perFunction = (
      kind: 'API' | 'Job',
      title: string,
      metric: (fn: Fn, props: Props) => IMetric,
      statistic: string,
    ) =>
      graph(
        `${kind} ${title}`,
        kind === 'API'
          ? fns.map(([group, f]) => metric(f.fn, { label: group, statistic, period: PERIOD }))
          : jobList.map((j) => metric(j.function.fn, { label: j.name, statistic, period: PERIOD })),
      );
    const lambdaRow = (kind: 'API' | 'Job') => [
      perFunction(kind, 'Lambda errors', (fn, p) => fn.metricErrors(p), 'Sum'),
      perFunction(kind, 'Lambda throttles', (fn, p) => fn.metricThrottles(p), 'Sum'),
      perFunction(kind, 'Lambda duration p99 (ms)', (fn, p) => fn.metricDuration(p), 'p99'),
    ];
    const perJob = (metricName: JobMetric) =>
      graph(
        metricName,
        jobList.map((j) => tessera(metricName, { job: j.name }, { label: j.name })),
      );
    const perRoute = (statistic: string) =>
      new SearchExpression({
        expression: `SEARCH('{AWS/ApiGateway,ApiName,Method,Resource,Stage} MetricName="Latency" ApiName="${api.restApiName}"', '${statistic}', ${PERIOD.toSeconds()})`,
        period: PERIOD,
      });

    return new Dashboard(this, 'Dashboard', {
      dashboardName: `tessera-${stage.name}`,
      widgets: [
        [
          new TextWidget({
            markdown: `# Tessera ${stage.name}\nAlarms, API, functions, table, scheduled jobs and business figures. What each alarm means and what to do: docs/runbook.md.`,
            width: 24,
            height: 2,
          }),
        ],
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 })],
        [
          graph('API requests, 4xx, 5xx', [
            api.metricCount({ statistic: 'Sum', label: 'requests' }),
            api.metricClientError({ statistic: 'Sum', label: '4xx' }),
            api.metricServerError({ statistic: 'Sum', label: '5xx' }),
          ]),
          graph('API latency p50 / p99 (ms)', [
            api.metricLatency({ statistic: 'p50', label: 'p50' }),
            api.metricLatency({ statistic: 'p99', label: 'p99' }),
          ]),
          // Detailed (per method) metrics are on in the API stage, so each route has its own.
          graph('API latency p99 per route (ms)', [perRoute('p99')]),
        ],
        [
          // One function per route group: its duration is the group's latency behind the gateway.
          graph(
            'Route group latency p50 (Lambda duration, ms)',
            fns.map(([group, f]) => f.fn.metricDuration({ label: group, statistic: 'p50' })),
            12,
          ),
          graph(
            'Route group latency p99 (Lambda duration, ms)',
            fns.map(([group, f]) => f.fn.metricDuration({ label: group, statistic: 'p99' })),
            12,
          ),
        ],
        lambdaRow('API'),
        lambdaRow('Job'),
        [
          graph('DynamoDB throttled requests', [tableThrottles(table)]),
          graph('DynamoDB consumed capacity', [
            table.metricConsumedReadCapacityUnits({ label: 'read units', period: PERIOD }),
            table.metricConsumedWriteCapacityUnits({ label: 'write units', period: PERIOD }),
          ]),
          graph('Scheduler (account): sent to DLQ, dropped, target throttled', [
            Schedule.metricAllSentToDLQ({ period: PERIOD, label: 'sent to DLQ' }),
            Schedule.metricAllDropped({ period: PERIOD, label: 'dropped' }),
            Schedule.metricAllTargetThrottled({ period: PERIOD, label: 'target throttled' }),
          ]),
        ],
        [perJob('JobRuns'), perJob('JobFailures'), perJob('JobItemsChanged')],
        [
          graph(
            'Job dead-letter queues (messages visible)',
            jobList.map((j) =>
              j.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                label: j.name,
                statistic: 'Maximum',
                period: PERIOD,
              }),
            ),
          ),
          perJob('JobDuration'),
          graph('Seat counters repaired', [
            tessera('SeatCountersRepaired', { job: 'seat-reconciliation' }, { label: 'repaired' }),
          ]),
        ],
        [
          graph('Activations', [
            tessera('ActivationsStarted', {}, { label: 'started' }),
            tessera('ActivationsCompleted', {}, { label: 'completed' }),
          ]),
          graph('Activations failed by code', [byDimension('ActivationsFailed', 'code')]),
          graph('Validations by code', [byDimension('Validations', 'code')]),
        ],
        [
          graph('Seats: checkouts, pool-full denials, forced releases', [
            tessera('SeatCheckouts', {}, { label: 'checkouts' }),
            tessera('SeatDenialsPoolFull', {}, { label: 'denied: pool full' }),
            tessera('SeatForcedReleases', {}, { label: 'forced releases' }),
          ]),
          graph('Pool utilisation, highest pool (%)', [
            tessera('PoolUtilisationMax', {}, { statistic: 'Maximum', label: 'max used/limit' }),
          ]),
          new SingleValueWidget({
            title: 'Licenses expiring in 30 days',
            metrics: [
              tessera('LicensesExpiringIn30Days', {}, { statistic: 'Maximum', label: 'licenses' }),
            ],
            width: 8,
            height: 6,
          }),
        ],
        [
          graph('E-mails sent / failed, signing failures', [
            tessera('EmailsSent', {}, { label: 'sent' }),
            tessera('EmailsFailed', {}, { label: 'failed' }),
            tessera('SigningFailures', {}, { label: 'signing failures' }),
          ]),
          graph(
            'SES reputation (account): bounce and complaint rate',
            [sesReputation('Reputation.BounceRate', 'bounce rate')],
            8,
            [sesReputation('Reputation.ComplaintRate', 'complaint rate')],
          ),
        ],
      ],
    });
  }
}
