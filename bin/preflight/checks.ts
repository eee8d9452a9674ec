import { type IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, type KeyMetadata, type KMSClient } from '@aws-sdk/client-kms';
import {
  GetAccountSettingsCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { ListServiceQuotasCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { ListSubscriptionsCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/**
 * The go-live checks of `npm run preflight`: read-only questions to the deployer's account (no
 * Create, Put, Update or Delete is ever sent). Each answers one line: a verdict, what was found,
 * and the fix when it is not a pass.
 */
export type Verdict = 'pass' | 'warn' | 'fail';
export interface CheckResult {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

export interface PreflightTarget {
  stage: string;
  region: string;
  account?: string;
  senderAddress: string;
  alarmEmail: string;
  /** Reserved concurrency the stage asks for (jobs and open-route caps). */
  reservedConcurrency: number;
}

export interface PreflightClients {
  ses: SESv2Client;
  sns: SNSClient;
  lambda: LambdaClient;
  kms: KMSClient;
  iam: IAMClient;
  ssm: SSMClient;
  quotas: ServiceQuotasClient;
}

/** CDK's bootstrap template version this app's templates require. */
export const MIN_BOOTSTRAP_VERSION = 6;
/** Lambda keeps at least this much of the account's concurrency unreserved. */
const UNRESERVED_MINIMUM = 100;

const named = (error: unknown) => (error instanceof Error ? error.name : 'Error');

const sesIdentity = async ({ ses }: PreflightClients, t: PreflightTarget): Promise<CheckResult> => {
  const domain = t.senderAddress.slice(t.senderAddress.lastIndexOf('@') + 1);
  const create = `aws sesv2 create-email-identity --email-identity ${domain} --region ${t.region} (then publish its DKIM records)`;
  for (const identity of [t.senderAddress, domain]) {
    try {
      const out = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
      if (!out.VerifiedForSendingStatus) {
        return {
          check: 'ses-identity',
          verdict: 'fail',
          detail: `${identity} is not verified yet in ${t.region}`,
          fix: 'finish the verification: the DKIM DNS records (domain) or the link SES e-mailed (address)',
        };
      }
      const dkim = out.DkimAttributes?.Status;
      return dkim === 'SUCCESS' || identity === t.senderAddress
        ? {
            check: 'ses-identity',
            verdict: 'pass',
            detail: `${identity} is verified${dkim ? `, DKIM ${dkim}` : ''}`,
          }
        : {
            check: 'ses-identity',
            verdict: 'warn',
            detail: `${identity} is verified but DKIM is ${dkim ?? 'not set up'}`,
            fix: 'publish the three DKIM CNAME records SES shows for the domain, or mail lands in spam',
          };
    } catch (error) {
      if (named(error) !== 'NotFoundException') throw error;
    }
  }
  return {
    check: 'ses-identity',
    verdict: 'fail',
    detail: `neither ${t.senderAddress} nor ${domain} is an SES identity in ${t.region}`,
    fix: create,
  };
};

const sesAccount = async ({ ses }: PreflightClients, t: PreflightTarget): Promise<CheckResult> => {
  const out = await ses.send(new GetAccountCommand({}));
  const quota = `${out.SendQuota?.Max24HourSend ?? '?'} messages/day, ${out.SendQuota?.MaxSendRate ?? '?'}/s`;
  if (out.SendingEnabled === false) {
    return {
      check: 'ses-account',
      verdict: 'fail',
      detail: `sending is paused for the account in ${t.region}`,
      fix: 'resolve the reason in the SES console (Account dashboard) and re-enable sending',
    };
  }
  if (!out.ProductionAccessEnabled) {
    return {
      check: 'ses-account',
      verdict: 'fail',
      detail: `the account is in the SES sandbox in ${t.region} (${quota}): only verified recipients get codes`,
      fix: 'request production access (docs/deploy.md, "E-mail (SES)")',
    };
  }
  return { check: 'ses-account', verdict: 'pass', detail: `production access, ${quota}` };
};

const alarmSubscription = async (
  { sns }: PreflightClients,
  t: PreflightTarget,
): Promise<CheckResult> => {
  const topicPart = `Tessera-${t.stage}-Observability`;
  const found: { SubscriptionArn?: string | undefined }[] = [];
  let token: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsCommand(token ? { NextToken: token } : {}));
    for (const s of page.Subscriptions ?? []) {
      if (
        s.Protocol === 'email' &&
        s.Endpoint === t.alarmEmail &&
        s.TopicArn?.includes(topicPart)
      ) {
        found.push(s);
      }
    }
    token = page.NextToken;
  } while (token);
  if (found.length === 0) {
    return {
      check: 'alarm-subscription',
      verdict: 'fail',
      detail: `no subscription of ${t.alarmEmail} to the stage's alarm topic`,
      fix: 'deploy the Observability stack (npm run deploy), then confirm the e-mail SNS sends',
    };
  }
  if (found.every((s) => s.SubscriptionArn === 'PendingConfirmation')) {
    return {
      check: 'alarm-subscription',
      verdict: 'fail',
      detail: `${t.alarmEmail} has not confirmed the subscription: alarms reach no one`,
      fix: `click the confirmation link SNS e-mailed to ${t.alarmEmail} (or resend it from the SNS console)`,
    };
  }
  return {
    check: 'alarm-subscription',
    verdict: 'pass',
    detail: `${t.alarmEmail} receives alarms`,
  };
};

const signingKey = async (c: PreflightClients, t: PreflightTarget): Promise<CheckResult> => {
  const alias = `alias/tessera-${t.stage}-license-signing`;
  let role: string | undefined;
  try {
    role = (
      await c.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: `tessera-${t.stage}-instance` }),
      )
    ).Role;
  } catch (error) {
    if (named(error) !== 'ResourceNotFoundException') throw error;
  }
  if (!role) {
    return {
      check: 'signing-key',
      verdict: 'fail',
      detail: `no function tessera-${t.stage}-instance in ${t.region}`,
      fix: 'deploy the stage first (npm run deploy)',
    };
  }
  let key: KeyMetadata | undefined;
  try {
    key = (await c.kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata;
  } catch (error) {
    if (named(error) !== 'NotFoundException') throw error;
  }
  if (!key?.Arn) {
    return {
      check: 'signing-key',
      verdict: 'fail',
      detail: `no KMS key behind ${alias}`,
      fix: 'deploy the Data stack (npm run deploy)',
    };
  }
  if (
    key.KeyState !== 'Enabled' ||
    key.KeySpec !== 'ECC_NIST_P256' ||
    key.KeyUsage !== 'SIGN_VERIFY'
  ) {
    return {
      check: 'signing-key',
      verdict: 'fail',
      detail: `${alias} is ${key.KeyState}, ${key.KeySpec}/${key.KeyUsage}: license files need an enabled ECC_NIST_P256 SIGN_VERIFY key`,
      fix: 'enable the key, or point the alias at the stage\'s active key (docs/deploy.md, "License signing key")',
    };
  }
  const simulated = await c.iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: role,
      ActionNames: ['kms:Sign'],
      ResourceArns: [key.Arn],
    }),
  );
  const decision = simulated.EvaluationResults?.[0]?.EvalDecision;
  return decision === 'allowed'
    ? {
        check: 'signing-key',
        verdict: 'pass',
        detail: `the instance function may kms:Sign with ${alias}`,
      }
    : {
        check: 'signing-key',
        verdict: 'fail',
        detail: `the instance function's role may not kms:Sign with ${alias} (${decision ?? 'no answer'})`,
        fix: 'deploy again so the role and key policy match the active key (npm run deploy)',
      };
};

const lambdaConcurrency = async (
  { lambda }: PreflightClients,
  t: PreflightTarget,
): Promise<CheckResult> => {
  const out = await lambda.send(new GetAccountSettingsCommand({}));
  const limit = out.AccountLimit?.ConcurrentExecutions ?? 0;
  const needed = t.reservedConcurrency + UNRESERVED_MINIMUM;
  return limit >= needed
    ? {
        check: 'lambda-concurrency',
        verdict: 'pass',
        detail: `account limit ${limit}; the stage reserves ${t.reservedConcurrency}`,
      }
    : {
        check: 'lambda-concurrency',
        verdict: 'fail',
        detail: `account limit ${limit} is below the ${needed} the stage needs (${t.reservedConcurrency} reserved + ${UNRESERVED_MINIMUM} Lambda keeps unreserved)`,
        fix: 'raise "Concurrent executions" in Service Quotas (Lambda), or lower the stage\'s concurrency settings',
      };
};

const cdkBootstrap = async (
  { ssm }: PreflightClients,
  t: PreflightTarget,
): Promise<CheckResult> => {
  const command = `npx cdk bootstrap aws://${t.account ?? '<account>'}/${t.region}`;
  try {
    const out = await ssm.send(
      new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }),
    );
    const version = Number(out.Parameter?.Value);
    return version >= MIN_BOOTSTRAP_VERSION
      ? { check: 'cdk-bootstrap', verdict: 'pass', detail: `bootstrap version ${version}` }
      : {
          check: 'cdk-bootstrap',
          verdict: 'fail',
          detail: `bootstrap version ${version}, ${MIN_BOOTSTRAP_VERSION} or later needed`,
          fix: command,
        };
  } catch (error) {
    if (named(error) !== 'ParameterNotFound') throw error;
    return {
      check: 'cdk-bootstrap',
      verdict: 'fail',
      detail: `${t.region} is not bootstrapped for CDK`,
      fix: command,
    };
  }
};

/**
 * The account's KMS rate for ECC signing: every activation and every refresh is one `Sign`, so
 * it bounds how many instances can activate or refresh per second (docs/runbook.md, Quotas).
 */
export const MIN_KMS_ECC_RATE = 50;
const kmsQuota = async ({ quotas }: PreflightClients, t: PreflightTarget): Promise<CheckResult> => {
  let token: string | undefined;
  do {
    const page = await quotas.send(
      new ListServiceQuotasCommand({ ServiceCode: 'kms', ...(token ? { NextToken: token } : {}) }),
    );
    const ecc = page.Quotas?.find(
      (q) => /ECC/i.test(q.QuotaName ?? '') && /rate/i.test(q.QuotaName ?? ''),
    );
    if (ecc) {
      const rate = ecc.Value ?? 0;
      const detail = `${ecc.QuotaName}: ${rate}/s in ${t.region} (one Sign per activation and refresh, shared by the account's ECC keys)`;
      return rate >= MIN_KMS_ECC_RATE
        ? { check: 'kms-quota', verdict: 'pass', detail }
        : {
            check: 'kms-quota',
            verdict: 'warn',
            detail,
            fix: `request more with aws service-quotas request-service-quota-increase --service-code kms --quota-code ${ecc.QuotaCode} --desired-value <rate>`,
          };
    }
    token = page.NextToken;
  } while (token);
  return {
    check: 'kms-quota',
    verdict: 'warn',
    detail: 'Service Quotas lists no KMS ECC request-rate quota here',
    fix: 'check the rate in the Service Quotas console (AWS KMS)',
  };
};

export const checks = [
  sesIdentity,
  sesAccount,
  alarmSubscription,
  signingKey,
  lambdaConcurrency,
  kmsQuota,
  cdkBootstrap,
];

/** Runs every check; one that cannot ask (no access, throttled) is a warning naming why. */
export const preflight = async (clients: PreflightClients, target: PreflightTarget) =>
  Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      try {
        return await check(clients, target);
      } catch (error) {
        return {
          check: check.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
          verdict: 'warn',
          detail: `could not ask AWS: ${named(error)}${error instanceof Error && error.message ? ` (${error.message.split('\n')[0]})` : ''}`,
          fix: 'run with credentials that may read SES, SNS, Lambda, KMS, IAM (SimulatePrincipalPolicy), Service Quotas and SSM',
        };
      }
    }),
  );
