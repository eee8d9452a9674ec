import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type JobName, jobCatalog, jobNames } from '../../lambdas/jobs/catalog.ts';
import { loadStageConfig } from '../../lib/config.ts';
import { tableActions } from '../../lib/constructs/tessera-function.ts';
import { LAMBDA_RETRY_ATTEMPTS, SCHEDULER_RETRY_ATTEMPTS } from '../../lib/jobs.ts';
import { synthTessera, withStage } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

const synthJobs = (context: Record<string, unknown> = {}) => {
  const { jobs } = synthTessera(context);
  return { stack: jobs, template: Template.fromStack(jobs) };
};
const { stack, template } = synthJobs();

const logicalId = (job: JobName, part: 'fn' | 'queue') => {
  const { function: fn, deadLetterQueue } = stack.jobs[job];
  const node = part === 'fn' ? fn.fn.node.defaultChild : deadLetterQueue.node.defaultChild;
  return stack.getLogicalId(node as never);
};
const scheduleOf = (job: JobName) => {
  const found = Object.values(
    template.findResources('AWS::Scheduler::Schedule', {
      Properties: { Target: { Arn: { 'Fn::GetAtt': [logicalId(job, 'fn'), 'Arn'] } } },
    }),
  ) as Resource[];
  expect(found).toHaveLength(1);
  return found[0]?.Properties as {
    ScheduleExpression: string;
    State: string;
    Target: Record<string, unknown>;
  };
};
/** CDK writes rates in the largest whole unit. */
const rate = (minutes: number) =>
  minutes % 60 === 0
    ? `rate(${minutes / 60} hour${minutes === 60 ? '' : 's'})`
    : `rate(${minutes} minute${minutes === 1 ? '' : 's'})`;

/** Every action the role of the job's function may take. */
const actionsOf = (job: JobName) => {
  const roleId = stack.getLogicalId(stack.jobs[job].function.role.node.defaultChild as never);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  }) as Record<string, { Properties: { PolicyDocument: { Statement: { Action: unknown }[] } } }>;
  return Object.values(policies)
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])) as string[];
};

describe('scheduled jobs', () => {
  it('have one enabled schedule per job in the catalog, at the catalog’s rate', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', jobNames.length);
    for (const job of jobNames) {
      const schedule = scheduleOf(job);
      expect(schedule.ScheduleExpression).toBe(rate(jobCatalog[job].everyMinutes));
      expect(schedule.State).toBe('ENABLED');
      expect(schedule.Target.Input).toBe(JSON.stringify({ job }));
    }
  });

  it('retry an undeliverable run, then park it in the job’s own dead-letter queue', () => {
    for (const job of jobNames) {
      expect(scheduleOf(job).Target).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: SCHEDULER_RETRY_ATTEMPTS },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(job, 'queue'), 'Arn'] } },
      });
    }
  });

  it('retry a run that threw (Scheduler invokes asynchronously), then park it in the same queue', () => {
    for (const job of jobNames) {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(job, 'fn') },
        MaximumRetryAttempts: LAMBDA_RETRY_ATTEMPTS,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(job, 'queue'), 'Arn'] } },
        },
      });
    }
  });

  it('keep dead letters encrypted for 14 days, reachable over TLS only', () => {
    template.resourceCountIs('AWS::SQS::Queue', jobNames.length);
    template.allResourcesProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    for (const job of jobNames) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(job, 'queue') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('run each job with the catalog’s timeout, the table and the stage’s reminder days', () => {
    for (const job of jobNames) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Timeout: jobCatalog[job].timeoutSeconds,
        Runtime: 'nodejs22.x',
        Environment: {
          Variables: Match.objectLike({
            TABLE_NAME: Match.anyValue(),
            STAGE: 'dev',
            REMINDER_OFFSET_DAYS: '30,7,1',
          }),
        },
      });
    }
  });

  it('let only the notifications job send e-mail', () => {
    for (const job of jobNames) {
      const sends = actionsOf(job).includes('ses:SendEmail');
      expect([job, sends]).toEqual([job, jobCatalog[job].sendsMail]);
    }
    expect(jobNames.filter((job) => jobCatalog[job].sendsMail)).toEqual(['notifications']);
    const mailers = template.findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: { Variables: Match.objectLike({ SENDER_ADDRESS: Match.anyValue() }) },
      },
    });
    expect(Object.keys(mailers)).toEqual([logicalId('notifications', 'fn')]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SENDER_ADDRESS: 'licensing@example.com',
          SES_CONFIGURATION_SET: Match.anyValue(),
        }),
      },
    });
  });

  it('give jobs item-level table access only: no scan, no table management', () => {
    for (const job of jobNames) {
      const dynamo = new Set(actionsOf(job).filter((a) => a.startsWith('dynamodb:')));
      expect(dynamo).toEqual(new Set(tableActions.write));
    }
  });

  it('let a stage switch a schedule off, change a rate and the reminder days', () => {
    const { stack: changed, template: t } = synthJobs(
      withStage('dev', {
        jobs: {
          schedules: { 'seat-reaper': { enabled: false }, notifications: { everyMinutes: 5 } },
          reminderOffsetDays: [14, 3],
        },
      }),
    );
    const props = (job: JobName) => {
      const id = changed.getLogicalId(changed.jobs[job].function.fn.node.defaultChild as never);
      return Object.values(
        t.findResources('AWS::Scheduler::Schedule', {
          Properties: { Target: { Arn: { 'Fn::GetAtt': [id, 'Arn'] } } },
        }),
      )[0] as Resource;
    };
    expect(props('seat-reaper').Properties.State).toBe('DISABLED');
    expect(props('notifications').Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(props('expiry-sweep').Properties.ScheduleExpression).toBe('rate(1 hour)');
    t.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REMINDER_OFFSET_DAYS: '14,3' }) },
    });
  });

  it('refuse a schedule for a job that does not exist', () => {
    const stage: Record<string, unknown> = withStage('dev', {
      jobs: { schedules: { 'seat-repear': { enabled: false } } },
    });
    const context = (key: string) => stage[key];
    expect(() => loadStageConfig(context)).toThrow(/jobs\.schedules/);
  });
});
