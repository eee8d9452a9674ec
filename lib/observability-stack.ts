import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { RouteGroup } from '../lambdas/routes.ts';
import type { StageConfig } from './config.ts';
import type { TesseraFunction } from './constructs/tessera-function.ts';

export interface ObservabilityStackProps extends StackProps {
  stage: StageConfig;
  api: RestApi;
  functions: Record<RouteGroup, TesseraFunction>;
}

/**
 * What operators watch: a dashboard and alarms to an SNS topic that e-mails the stage's alarm
 * address. This is the first cut; business metrics and job widgets join as those features land.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { api, functions, stage } = props;

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
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `Tessera ${stage.name} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: without
    // this statement CloudWatch is "not authorized to perform SNS:Publish" and alarms stay silent.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
        },
      }),
    );
    this.alarmTopic.addSubscription(new EmailSubscription(stage.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);

    const serverErrorRate = new MathExpression({
      label: '5xx rate (%)',
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: {
        errors: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        requests: api.metricCount({ period: Duration.minutes(5), statistic: 'SampleCount' }),
      },
      period: Duration.minutes(5),
    });
    new Alarm(this, 'Api5xxRate', {
      alarmDescription:
        'More than 1% of API requests failed with 5xx for 10 minutes: see the dashboard, then the function logs.',
      metric: serverErrorRate,
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);

    const fns = Object.entries(functions) as [RouteGroup, TesseraFunction][];
    new Dashboard(this, 'Dashboard', {
      dashboardName: `tessera-${stage.name}`,
      widgets: [
        [
          new TextWidget({
            markdown: `# Tessera ${stage.name}\nAPI traffic, errors and latency; per-function health.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'API requests, 4xx, 5xx',
            left: [
              api.metricCount({ statistic: 'Sum' }),
              api.metricClientError({ statistic: 'Sum' }),
              api.metricServerError({ statistic: 'Sum' }),
            ],
            width: 12,
          }),
          new GraphWidget({
            title: 'API latency p50 / p99 (ms)',
            left: [
              api.metricLatency({ statistic: 'p50' }),
              api.metricLatency({ statistic: 'p99' }),
            ],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Lambda errors per function',
            left: fns.map(([group, f]) => f.fn.metricErrors({ label: group, statistic: 'Sum' })),
            width: 8,
          }),
          new GraphWidget({
            title: 'Lambda throttles per function',
            left: fns.map(([group, f]) => f.fn.metricThrottles({ label: group, statistic: 'Sum' })),
            width: 8,
          }),
          new GraphWidget({
            title: 'Lambda duration p99 per function (ms)',
            left: fns.map(([group, f]) => f.fn.metricDuration({ label: group, statistic: 'p99' })),
            width: 8,
          }),
        ],
      ],
    });
  }
}
