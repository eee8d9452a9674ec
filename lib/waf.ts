import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Instance-facing routes live under this prefix (stage included): WAF limits them hardest. */
export const INSTANCE_PATH_PREFIX = '/v1/instance/';

export interface ApiFirewallProps {
  stageArn: string;
  requestsPer5MinutesPerIp: number;
  instanceRequestsPer5MinutesPerIp: number;
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

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('TesseraApi'),
      rules: [
        {
          name: 'InstanceRoutesRatePerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.instanceRequestsPer5MinutesPerIp,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: INSTANCE_PATH_PREFIX,
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('InstanceRoutesRatePerIp'),
        },
        {
          name: 'AllRoutesRatePerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.requestsPer5MinutesPerIp, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('AllRoutesRatePerIp'),
        },
        // The 8 KB body rule of the common set would block legitimate bodies up to Tessera's
        // own 64 KiB limit (enforced, with a problem document, in the function): count it only.
        managed('AWSManagedRulesCommonRuleSet', 2, ['SizeRestrictions_BODY']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
