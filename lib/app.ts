import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { loadStageConfig } from './config.ts';
import { DataStack } from './data-stack.ts';
import { JobsStack } from './jobs.ts';
import { ObservabilityStack, type ObservabilityStackProps } from './observability-stack.ts';

/** Builds every Tessera stack for the stage selected in the app's context; bin/ and tests share it. */
export const buildTessera = (app: App, options: { nag?: boolean } = {}) => {
  const stage = loadStageConfig((key) => app.node.tryGetContext(key));
  // A live stage states its account and region (checked in loadStageConfig); a development
  // stage may leave them to the deployer's credentials, or synthesize environment-agnostic.
  const account =
    stage.account ?? (stage.development ? process.env.CDK_DEFAULT_ACCOUNT : undefined);
  const region = stage.region ?? (stage.development ? process.env.CDK_DEFAULT_REGION : undefined);
  const env = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const prefix = `Tessera-${stage.name}`;
  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    stage,
    description: 'Tessera data: DynamoDB table, license-signing KMS key',
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    env,
    stage,
    table: data.table,
    signingKey: data.signingKey,
    description: 'Tessera API: REST API, WAF, Lambda functions, SES configuration set',
  });
  const jobs = new JobsStack(app, `${prefix}-Jobs`, {
    env,
    stage,
    table: data.table,
    mail: api.mail,
    description:
      'Tessera scheduled jobs: functions, EventBridge Scheduler schedules, dead-letter queues',
  });
  const observability = new ObservabilityStack(app, `${prefix}-Observability`, {
    env,
    stage,
    // Names, not references: see ObservabilityStackProps.
    apiName: api.api.restApiName,
    functionNames: api.functionNames,
    table: data.table,
    jobs: Object.fromEntries(
      Object.values(jobs.jobs).map(({ name, functionName, deadLetterQueueName, everyMinutes }) => [
        name,
        { name, functionName, deadLetterQueueName, everyMinutes },
      ]),
    ) as ObservabilityStackProps['jobs'],
    description: 'Tessera operations: dashboard, alarms',
  });
  // Deployment order without exports: the jobs send through the Api stack's configuration set,
  // the dashboard watches both by name.
  jobs.addStackDependency(api);
  observability.addStackDependency(api);
  observability.addStackDependency(jobs);
  Tags.of(app).add('tessera:stage', stage.name);
  const nag = options.nag === false ? undefined : new AwsSolutionsChecks(app, { verbose: true });
  if (nag) Validations.of(app).addPlugins(nag);
  return { stage, data, api, jobs, observability, nag };
};
