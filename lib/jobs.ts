import { type CfnElement, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type JobName, jobCatalog, jobEntry, jobNames } from '../lambdas/jobs/catalog.ts';
import type { StageConfig } from './config.ts';
import { TesseraFunction } from './constructs/tessera-function.ts';
import type { Mail } from './mail.ts';

/** `seat-reaper` → `SeatReaper`: a job's construct ids (and its alarms' in Observability). */
export const jobConstructId = (name: string) =>
  name
    .split('-')
    .map((part) => `${part[0]?.toUpperCase()}${part.slice(1)}`)
    .join('');

export interface JobsStackProps extends StackProps {
  stage: StageConfig;
  table: ITable;
  /** The API stack's mailer settings; only jobs that send mail are bound to them. */
  mail: Mail;
}

export interface ScheduledJob {
  name: JobName;
  function: TesseraFunction;
  /** Runs that never succeeded: undeliverable schedule events and failed invocations. */
  deadLetterQueue: Queue;
  /** Plain names for other stacks (no CloudFormation export). */
  functionName: string;
  deadLetterQueueName: string;
  /** The rate the stage runs it at, or undefined when the stage switched its schedule off. */
  everyMinutes: number | undefined;
}

/** How often Scheduler retries an invocation it could not deliver (throttled, no permission…). */
export const SCHEDULER_RETRY_ATTEMPTS = 3;
/** How often Lambda retries a run that threw (its asynchronous-invocation retries, at most 2). */
export const LAMBDA_RETRY_ATTEMPTS = 2;

/**
 * A retried run is useful only until the next scheduled run starts anyway: an event older than
 * one period is dropped to the dead-letter queue instead (both services want 60 s at least).
 */
const eventAgeFor = (everyMinutes: number, maxSeconds: number) =>
  Duration.seconds(Math.min(Math.max(everyMinutes * 60, 60), maxSeconds));

/**
 * Tessera's scheduled jobs (lambdas/jobs/catalog.ts): per job one function, one EventBridge
 * Scheduler schedule at the catalog's rate (or the stage's), and one dead-letter queue.
 *
 * Scheduler invokes Lambda asynchronously, so failures come in two kinds and both end in the
 * job's queue: Scheduler retries what it could not deliver and then sends it there (the
 * schedule's dead-letter config), and Lambda retries a run that threw and then sends the event
 * there (the function's on-failure destination, which also carries the error message).
 */
export class JobsStack extends Stack {
  readonly jobs: Record<JobName, ScheduledJob>;

  constructor(scope: Construct, id: string, props: JobsStackProps) {
    super(scope, id, props);
    const { stage } = props;
    this.jobs = {} as Record<JobName, ScheduledJob>;

    for (const name of jobNames) {
      const spec = jobCatalog[name];
      const settings = stage.jobs.schedules[name];
      const everyMinutes =
        settings?.enabled === false ? undefined : (settings?.everyMinutes ?? spec.everyMinutes);
      const period = everyMinutes ?? spec.everyMinutes;
      const id = jobConstructId(name);
      const functionName = `tessera-${stage.name}-job-${name}`;
      const deadLetterQueueName = `tessera-${stage.name}-${name}-dlq`;

      const deadLetterQueue = new Queue(this, `${id}DeadLetters`, {
        queueName: deadLetterQueueName,
        // SQS-managed keys: Scheduler and Lambda can write without a key policy of ours.
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(deadLetterQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself the dead-letter queue of a schedule and of a function’s asynchronous invocations; nothing consumes it automatically, an operator reads it (docs/runbook.md).',
      });

      const fn = new TesseraFunction(this, `${id}Job`, {
        entry: jobEntry(name),
        functionName,
        description: `Tessera job ${name}: ${spec.description}`,
        stage: stage.name,
        logRetention: stage.logRetentionDays,
        timeout: Duration.seconds(spec.timeoutSeconds),
        reservedConcurrency: stage.concurrency.jobs,
        environment: {
          REMINDER_OFFSET_DAYS: stage.jobs.reminderOffsetDays.join(','),
          DEFAULT_LANGUAGE: stage.defaultLanguage,
        },
      });
      fn.bindTable(props.table, 'write');
      if (spec.sendsMail) fn.bindMail(props.mail);
      fn.fn.configureAsyncInvoke({
        retryAttempts: LAMBDA_RETRY_ATTEMPTS,
        maxEventAge: eventAgeFor(period, 6 * 3600),
        onFailure: new SqsDestination(deadLetterQueue),
      });

      // One role per schedule, assumable by Scheduler for this account only: it may invoke this
      // job's function and write to this job's dead-letter queue, nothing else.
      const schedulerRole = new Role(this, `${id}SchedulerRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
        description: `Tessera ${stage.name}: lets EventBridge Scheduler start the ${name} job`,
      });
      const fnId = this.getLogicalId(fn.fn.node.defaultChild as CfnElement);
      Validations.of(schedulerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
        reason:
          'LambdaInvoke grants lambda:InvokeFunction on the function and its versions (ARN:*); it names this one function only.',
      });

      new Schedule(this, `${id}Schedule`, {
        scheduleName: `tessera-${stage.name}-${name}`,
        description: `Tessera ${stage.name}: ${spec.description}`,
        schedule: ScheduleExpression.rate(Duration.minutes(period)),
        enabled: everyMinutes !== undefined,
        target: new LambdaInvoke(fn.fn, {
          role: schedulerRole,
          input: ScheduleTargetInput.fromObject({ job: name }),
          retryAttempts: SCHEDULER_RETRY_ATTEMPTS,
          maxEventAge: eventAgeFor(period, 24 * 3600),
          deadLetterQueue,
        }),
      });

      this.jobs[name] = {
        name,
        function: fn,
        functionName,
        deadLetterQueue,
        deadLetterQueueName,
        everyMinutes,
      };
    }
  }
}
