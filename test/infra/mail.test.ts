import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { emailTemplates, TEMPLATE_KINDS } from '../../lambdas/domain/email-templates.ts';
import { ApiStack } from '../../lib/api-stack.ts';
import { loadStageConfig } from '../../lib/config.ts';
import { DataStack } from '../../lib/data-stack.ts';
import { newApp } from './app-fixture.ts';

/**
 * The SES side of e-mail: templates generated from the code the outbox renders, the sending
 * events recorded in CloudWatch, and a mailer allowed to name exactly these templates. The data
 * and API stacks are built as buildTessera builds them; the mailer function is the API's.
 */

type Json = unknown;
interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: Json;
  Condition?: Json;
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** CloudFormation values as readable strings: `arn:<AWS::Partition>:ses:…`. */
const render = (value: Json): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, Json>;
  if ('Ref' in v) return `<${String(v.Ref)}>`;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, Json[]];
    return parts.map(render).join(separator);
  }
  return JSON.stringify(value);
};

const app = newApp();
const stage = loadStageConfig((key) => app.node.tryGetContext(key));
const data = new DataStack(app, 'Data', { stage });
const api = new ApiStack(app, 'Api', {
  stage,
  table: data.table,
  signingKey: data.signingKey,
});
const template = Template.fromStack(api);
const mail = api.mail;
const configurationSet = api.getLogicalId(mail.configurationSet.node.defaultChild as never);
const arn = (resource: string) =>
  `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:${resource}`;

describe('SES templates', () => {
  const fromCode = emailTemplates(stage.name);

  it('deploys one template per kind of message and language, named tessera-<stage>-<kind>[-it]', () => {
    const deployed = Object.values(template.findResources('AWS::SES::Template')).map(
      (r) => (r as { Properties: { Template: { TemplateName: string } } }).Properties.Template,
    );
    expect(deployed.map((t) => t.TemplateName).sort()).toEqual(
      TEMPLATE_KINDS.flatMap((kind) => [
        `tessera-${stage.name}-${kind}`,
        `tessera-${stage.name}-${kind}-it`,
      ]).sort(),
    );
  });

  it.each(fromCode.map((t) => [t.name, t] as const))(
    '%s holds the subject, text and HTML the code renders, unchanged',
    (_name, t) => {
      template.hasResourceProperties('AWS::SES::Template', {
        Template: {
          TemplateName: t.name,
          SubjectPart: t.subject,
          TextPart: t.text,
          HtmlPart: t.html,
        },
      });
      // CloudFormation would read `${…}` only inside Fn::Sub; still, no template may look like one.
      expect(`${t.subject}${t.text}${t.html}`).not.toContain('${');
    },
  );
});

describe('sending events', () => {
  it('records bounces, complaints, rejects, delivery delays and rendering failures in CloudWatch', () => {
    template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 1);
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: configurationSet },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint', 'reject', 'deliveryDelay', 'renderingFailure'],
        CloudWatchDestination: {
          DimensionConfigurations: [
            {
              DimensionName: 'ses:configuration-set',
              DimensionValueSource: 'messageTag',
              DefaultDimensionValue: `tessera-${stage.name}`,
            },
          ],
        },
      },
    });
  });

  it('gives the dashboard the metrics those events become, without a cross-stack reference', () => {
    const dimensions = { 'ses:configuration-set': `tessera-${stage.name}` };
    const elsewhere = new Stack(app, 'Elsewhere');
    for (const [metric, name] of [
      [mail.metricBounces(), 'Bounce'],
      [mail.metricComplaints(), 'Complaint'],
      [mail.metricRenderingFailures(), 'RenderingFailure'],
      [mail.metric('DeliveryDelay'), 'DeliveryDelay'],
      [mail.metric('Reject'), 'Reject'],
    ] as const) {
      expect(metric.namespace).toBe('AWS/SES');
      expect(metric.metricName).toBe(name);
      expect(metric.dimensions).toEqual(dimensions);
      expect(metric.statistic).toBe('Sum');
      expect(elsewhere.resolve(metric.dimensions)).toEqual(dimensions);
    }
  });
});

describe('the mailer function', () => {
  const role = api.getLogicalId(api.functions.activation.role.node.defaultChild as never);
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
    .flatMap((p) => list((p.Properties.PolicyDocument as { Statement: Statement[] }).Statement));
  const senders = statements.filter((s) => list(s.Action).includes('ses:SendEmail'));

  it('may send with every template, as the stage’s sender, through its identity and configuration set', () => {
    expect(senders).toHaveLength(1);
    const [sender] = senders;
    expect(list(sender?.Action)).toEqual(['ses:SendEmail']);
    expect(list(sender?.Resource).map(render).sort()).toEqual(
      [
        arn(`identity/${stage.senderAddress}`),
        arn(`identity/${stage.senderAddress.split('@')[1]}`),
        arn(`configuration-set/tessera-${stage.name}`),
        ...TEMPLATE_KINDS.flatMap((kind) => [
          arn(`template/tessera-${stage.name}-${kind}`),
          arn(`template/tessera-${stage.name}-${kind}-it`),
        ]),
      ].sort(),
    );
    expect(sender?.Condition).toEqual({
      StringEquals: { 'ses:FromAddress': stage.senderAddress },
    });
  });

  it('is told the stage, which names its templates', () => {
    const fn = api.getLogicalId(api.functions.activation.fn.node.defaultChild as never);
    const variables = (
      template.toJSON().Resources[fn].Properties.Environment as {
        Variables: Record<string, Json>;
      }
    ).Variables;
    expect(variables.STAGE).toBe(stage.name);
  });
});
