/**
 * `npm run status`: a stage at a glance. Locally (default) from the running `npm start`; on AWS
 * with `--stage <name> --table <TableName> --region <region>` and the caller's credentials.
 * `--json` prints the same as one JSON document, for scripts.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { awsClient } from '../lambdas/adapters/aws/client.ts';
import { type PlatformStatus, platformStatus } from '../lambdas/domain/status.ts';
import { jobNames } from '../lambdas/jobs/catalog.ts';
import { createStores } from '../lambdas/store/index.ts';
import {
  awsTable,
  CREDENTIALS_HELP,
  type Db,
  isCredentialsError,
  localTable,
  regionFrom,
} from './table-target.ts';

const usage = `Usage:
  npm run status [-- --json]                                  the running local Tessera
  npm run status -- --stage <name> --table <TableName> --region <region> [--json]
                                                              a deployed stage (your AWS credentials)`;

type Report = PlatformStatus & {
  target: string;
  outbox?: number;
  deadLetters?: Record<string, number | string>;
};

const fail = (message: string, code = 2): never => {
  console.error(`${message}\n\n${usage}`);
  process.exit(code);
};

/** Messages waiting in each job's dead-letter queue (SQS's JSON protocol). */
const deadLetterDepths = async (stage: string, region: string) => {
  const sqs = awsClient({ service: 'sqs', region, credentials: defaultProvider() });
  const call = (operation: string, input: unknown) =>
    sqs.send(sqs.json(`AmazonSQS.${operation}`, input, '1.0'));
  const depths: Record<string, number | string> = {};
  for (const job of jobNames) {
    try {
      const { QueueUrl } = (await call('GetQueueUrl', {
        QueueName: `tessera-${stage}-${job}-dlq`,
      })) as { QueueUrl: string };
      const { Attributes } = (await call('GetQueueAttributes', {
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      })) as { Attributes?: Record<string, string> };
      depths[job] = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    } catch (error) {
      depths[job] = error instanceof Error ? error.name : 'unknown';
    }
  }
  return depths;
};

const render = (r: Report) => {
  const lines = [`Tessera status — ${r.target} — ${r.at}`, ''];
  const e = r.licensesExpiring;
  lines.push(
    `Licenses expiring   within 30 days: ${e.in30Days}   7 days: ${e.in7Days}   1 day: ${e.in1Day}`,
  );
  lines.push('', 'Fullest pools');
  if (r.fullestPools.length === 0) lines.push('  (no pool holds seats)');
  for (const p of r.fullestPools) {
    lines.push(
      `  ${String(p.percent).padStart(3)}%  ${String(p.used).padStart(6)} / ${String(p.limit).padEnd(6)}  ${p.productCode} in ${p.projectId}`,
    );
  }
  lines.push('', 'Jobs (last run)');
  const runs = new Map(r.jobs.map((j) => [j.job, j]));
  for (const job of jobNames) {
    const run = runs.get(job);
    lines.push(
      run
        ? `  ${job.padEnd(20)} ${run.outcome === 'ok' ? 'ok    ' : 'FAILED'} ${run.startedAt}  ${run.changed} changed, ${run.failed} failed, ${run.durationMs} ms${run.error ? `  — ${run.error}` : ''}`
        : `  ${job.padEnd(20)} not run yet`,
    );
  }
  lines.push('', `Notices waiting to be e-mailed: ${r.pendingNotices}`);
  if (r.outbox !== undefined) lines.push(`E-mails in the local outbox: ${r.outbox}`);
  if (r.deadLetters) {
    lines.push('Dead-letter queues:');
    for (const [job, depth] of Object.entries(r.deadLetters)) {
      lines.push(`  ${job.padEnd(20)} ${typeof depth === 'number' ? depth : `unknown (${depth})`}`);
    }
  }
  return lines.join('\n');
};

const main = async () => {
  let values: { json: boolean; stage?: string; table?: string; region?: string; help: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        stage: { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  let report: Omit<Report, keyof PlatformStatus>;
  let db: Db;
  let tableName: string;
  if (values.stage) {
    if (!values.table)
      return fail(`--stage ${values.stage}: which table? Add --table <TableName>.`);
    const region = regionFrom(values.region);
    if (!region) return fail(`--stage ${values.stage}: which region? Add --region <region>.`);
    ({ db, tableName } = awsTable(values.table, region));
    report = {
      target: `stage ${values.stage} (${region})`,
      deadLetters: await deadLetterDepths(values.stage, region),
    };
  } else {
    const local = await localTable();
    if ('missing' in local) return fail(`Status: ${local.missing}`, 1);
    ({ db, tableName } = local);
    const outbox = await readdir(join(local.stateDir, 'outbox')).catch(() => [] as string[]);
    report = {
      target: `local ${local.url}`,
      outbox: outbox.filter((f) => f.endsWith('.eml')).length,
    };
  }
  const stores = createStores(db, tableName);
  const status = await platformStatus(
    {
      expiry: stores.expiry,
      notices: stores.notices,
      jobRuns: stores.jobRuns,
      pools: stores.seatUpkeep.pools(),
      count: (projectId, productCode) => stores.seatUpkeep.count(projectId, productCode),
      product: (code) => stores.products.get(code),
    },
    new Date(),
  );
  const full: Report = { ...status, ...report };
  console.log(values.json ? JSON.stringify(full, null, 2) : render(full));
};

try {
  await main();
} catch (error) {
  console.error(
    isCredentialsError(error)
      ? CREDENTIALS_HELP
      : `Status could not be read: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
