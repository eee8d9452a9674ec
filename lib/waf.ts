import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { problemType } from '../lambdas/http/problem-type.ts';
import { CORS_EXPOSED_HEADERS } from '../lambdas/middleware/cors.ts';
import { INSTANCE_PATH_PREFIX } from './api-paths.ts';

/** Instance-facing routes live under this prefix (stage included): WAF limits them hardest. */
export { INSTANCE_PATH_PREFIX };

/**
 * A rate-limited caller gets 429 and a problem document with the same `code` API Gateway's own
 * throttling answers with. (WAF sets Content-Type itself and offers no problem+json type.)
 */
const RATE_LIMITED_BODY = 'RateLimited';
const rateLimitedProblem = JSON.stringify({
  type: problemType('RATE_LIMITED'),
  title: 'Too Many Requests',
  status: 429,
  code: 'RATE_LIMITED',
  detail: 'Too many requests from this address. Slow down and retry in a few minutes.',
});
/** WAF re-evaluates rates about every 30 s; a minute is an honest wait. */
export const WAF_RETRY_AFTER_SECONDS = 60;

/**
 * WAF's custom answers take static headers only: `Retry-After` always, and CORS when the stage
 * allows exactly one browser origin (with several, WAF cannot tell which to name).
 */
const blockRateLimited = (corsOrigins: readonly string[]) => ({
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: RATE_LIMITED_BODY,
      responseHeaders: [
        { name: 'retry-after', value: String(WAF_RETRY_AFTER_SECONDS) },
        ...(corsOrigins.length === 1
          ? [
              { name: 'access-control-allow-origin', value: corsOrigins[0] as string },
              { name: 'access-control-expose-headers', value: CORS_EXPOSED_HEADERS.join(',') },
            ]
          : []),
      ],
    },
  },
});

export interface ApiFirewallProps {
  stageArn: string;
  requestsPer5MinutesPerIp: number;
  instanceRequestsPer5MinutesPerIp: number;
  corsOrigins: readonly string[];
  stageName: string;
  logRetention: RetentionDays;
}

const visibility = (metricName: string) => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managed = (name: string, priority: number, excluded: string[] = []) => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(excluded.length > 0
        ? {
            ruleActionOverrides: excluded.map((rule) => ({
              name: rule,
              actionToUse: { count: {} },
            })),
          }
        : {}),
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * WAF in front of the API: brute force against license keys and activation codes is the main
 * threat, so the unauthenticated instance routes get a much lower per-IP rate than the rest.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('TesseraApi'),
      customResponseBodies: {
        [RATE_LIMITED_BODY]: { contentType: 'APPLICATION_JSON', content: rateLimitedProblem },
      },
      rules: [
        {
          name: 'InstanceRoutesRatePerIp',
          priority: 0,
          action: blockRateLimited(props.corsOrigins),
          statement: {
            rateBasedStatement: {
              limit: props.instanceRequestsPer5MinutesPerIp,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: INSTANCE_PATH_PREFIX,
                  // `/v1//instance/`, `/v1/%69nstance/` or `/V1/Instance/` must not slip past.
                  textTransformations: [
                    { priority: 0, type: 'URL_DECODE' },
                    { priority: 1, type: 'NORMALIZE_PATH' },
                    { priority: 2, type: 'LOWERCASE' },
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('InstanceRoutesRatePerIp'),
        },
        {
          name: 'AllRoutesRatePerIp',
          priority: 1,
          action: blockRateLimited(props.corsOrigins),
          statement: {
            rateBasedStatement: { limit: props.requestsPer5MinutesPerIp, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('AllRoutesRatePerIp'),
        },
        // The 8 KB body rule of the common set would block legitimate bodies up to Tessera's
        // own 64 KiB limit (enforced, with a problem document, in the function): count it only.
        // Instances are often libcurl-based and send no User-Agent: count that rule, don't block.
        managed('AWSManagedRulesCommonRuleSet', 2, ['SizeRestrictions_BODY', 'NoUserAgent_HEADER']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF's own log, to CloudWatch (the group name must start with aws-waf-logs-), with the
    // credentials a request carries redacted: API tokens, activation tokens, session cookies.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-tessera-${props.stageName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The group's ARN without the `:*` that its Arn attribute carries: WAF wants it bare.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
      ],
    });
  }
}
