/**
 * `npm run preflight -- --stage <name>`: is the account ready for this stage to go live? Asks
 * AWS with the deployer's credentials (read-only: nothing is created or changed) and prints one
 * line per check with its verdict and, when it is not a pass, the fix. Exit code 1 when any check
 * fails. `--json` for scripts. Checks and fixes: docs/deploy.md, "Go-live checklist".
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { jobNames } from '../lambdas/jobs/catalog.ts';
import { openRouteGroups } from '../lambdas/routes.ts';
import { loadStageConfig } from '../lib/config.ts';
import { type CheckResult, preflight } from './preflight/checks.ts';

const usage = 'Usage: npm run preflight -- --stage <name> [--region <region>] [--json]';
const mark = { pass: '✔ pass', warn: '! warn', fail: '✘ FAIL' } as const;

const main = async (): Promise<number> => {
  let values: { stage?: string; region?: string; json: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        stage: { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!values.stage) {
    console.error(`Which stage? ${usage}`);
    return 2;
  }
  const cdk = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const context: Record<string, unknown> = { ...cdk.context, 'tessera:stage': values.stage };
  let stage: ReturnType<typeof loadStageConfig>;
  try {
    stage = loadStageConfig((key) => context[key]);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const region = values.region ?? stage.region ?? process.env.AWS_REGION;
  if (!region) {
    console.error(`Stage ${stage.name} names no region: add --region <region>.\n${usage}`);
    return 2;
  }
  const options = { region };
  const results: CheckResult[] = await preflight(
    {
      ses: new SESv2Client(options),
      sns: new SNSClient(options),
      lambda: new LambdaClient(options),
      kms: new KMSClient(options),
      iam: new IAMClient(options),
      ssm: new SSMClient(options),
      quotas: new ServiceQuotasClient(options),
    },
    {
      stage: stage.name,
      region,
      ...(stage.account ? { account: stage.account } : {}),
      senderAddress: stage.senderAddress,
      alarmEmail: stage.alarmEmail,
      reservedConcurrency:
        openRouteGroups.length * stage.concurrency.openRoutes +
        jobNames.length * stage.concurrency.jobs,
    },
  );
  if (values.json) {
    console.log(JSON.stringify({ stage: stage.name, region, results }, null, 2));
  } else {
    console.log(`Preflight for stage ${stage.name} in ${region} (read-only)\n`);
    for (const r of results) {
      console.log(
        `${mark[r.verdict]}  ${r.check.padEnd(19)} ${r.detail}${r.fix ? `\n${' '.repeat(28)}fix: ${r.fix}` : ''}`,
      );
    }
  }
  return results.some((r) => r.verdict === 'fail') ? 1 : 0;
};

process.exitCode = await main();
