import { Duration, Stack } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import {
  CfnTemplate,
  CloudWatchDimensionSource,
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import {
  type Brand,
  type EmailTemplate,
  emailTemplates,
} from '../lambdas/domain/email-templates.ts';

export interface MailProps {
  stage: string;
  /** The From address of every message; the vendor verifies it (or its domain) in SES. */
  senderAddress: string;
  /** The vendor's brand, written into every template. */
  brand?: Brand;
}

/** SES v2 authorizes `SendEmail` (simple, raw and templated content alike) as `ses:SendEmail`. */
export const sendActions = ['ses:SendEmail'] as const;

/**
 * The sending events recorded as CloudWatch metrics: everything that means a message did not
 * reach its reader (or reached them and was reported as spam). `Send` and `Delivery` are left
 * out: custom metrics cost money, and the EmailsSent business metric already counts sends.
 */
export const recordedEvents = [
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.DELIVERY_DELAY,
  EmailSendingEvent.RENDERING_FAILURE,
] as const;

/** The `AWS/SES` metric each recorded event becomes. */
export type SendingEventMetric =
  | 'Bounce'
  | 'Complaint'
  | 'Reject'
  | 'DeliveryDelay'
  | 'RenderingFailure';

/** SES's auto-tag naming the configuration set of a message: the metrics' one dimension. */
export const CONFIGURATION_SET_DIMENSION = 'ses:configuration-set';

/**
 * How Tessera sends e-mail through SES v2: one configuration set for every message (reputation
 * metrics in CloudWatch, TLS required to the receiving server, bounces and complaints suppress
 * the address, failed deliveries and rendering failures recorded as metrics), one SES template
 * per kind of message generated from lambdas/domain/email-templates.ts (the code the outbox
 * renders locally), and the IAM a mailer function needs: `ses:SendEmail` from the stage's sender
 * address only, on its identity, this configuration set and these templates, nothing else.
 *
 * The sender identity itself is not created here: the vendor verifies its own domain (DKIM
 * records in its DNS) or address once per account and region, outside the stacks, so a stack
 * deletion can never take the verified sender away (docs/deploy.md, "E-mail (SES)").
 */
export class Mail extends Construct {
  readonly senderAddress: string;
  readonly configurationSet: ConfigurationSet;
  /** `tessera-<stage>`, as a plain string: metric dimensions and other stacks need no token. */
  readonly configurationSetName: string;
  /** `identity/<address>` and `identity/<domain>`: SES checks whichever of the two is verified. */
  readonly identityArns: readonly string[];
  readonly configurationSetArn: string;
  /** The stage's templates, exactly as deployed. */
  readonly templates: readonly EmailTemplate[];
  /** `template/tessera-<stage>-<kind>`, one per template: a templated send names one. */
  readonly templateArns: readonly string[];

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.senderAddress = props.senderAddress;
    const domain = props.senderAddress.slice(props.senderAddress.lastIndexOf('@') + 1);
    this.identityArns = [props.senderAddress, domain].map((identity) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    );

    this.configurationSetName = `tessera-${props.stage}`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: this.configurationSetName,
      reputationMetrics: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      sendingEnabled: true,
    });
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
    });

    // SES tags every message with its configuration set; one dimension keeps one metric per
    // event (a second dimension, e.g. the message kind, would split every metric by it).
    this.configurationSet.addEventDestination('CloudWatch', {
      configurationSetEventDestinationName: 'cloudwatch',
      destination: EventDestination.cloudWatchDimensions([
        {
          name: CONFIGURATION_SET_DIMENSION,
          source: CloudWatchDimensionSource.MESSAGE_TAG,
          defaultValue: this.configurationSetName,
        },
      ]),
      events: [...recordedEvents],
    });

    this.templates = emailTemplates(props.stage, props.brand);
    for (const template of this.templates) {
      // English keeps the ids it always had; other languages add theirs.
      const id = `Template-${template.kind}${template.language === 'en' ? '' : `-${template.language}`}`;
      new CfnTemplate(this, id, {
        template: {
          templateName: template.name,
          subjectPart: template.subject,
          textPart: template.text,
          htmlPart: template.html,
        },
      });
    }
    this.templateArns = this.templates.map((template) =>
      stack.formatArn({ service: 'ses', resource: 'template', resourceName: template.name }),
    );
  }

  /** What `ses:SendEmail` may name: the sender identity, the configuration set, the templates. */
  get sendResources(): string[] {
    return [...this.identityArns, this.configurationSetArn, ...this.templateArns];
  }

  /**
   * A sending event of this configuration set, e.g. `metric('Bounce')`: messages per period
   * (Sum over 5 minutes unless overridden). For the dashboard and alarms.
   */
  metric(event: SendingEventMetric, options: MetricOptions = {}): Metric {
    return new Metric({
      namespace: 'AWS/SES',
      metricName: event,
      dimensionsMap: { [CONFIGURATION_SET_DIMENSION]: this.configurationSetName },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...options,
    });
  }

  metricBounces(options?: MetricOptions): Metric {
    return this.metric('Bounce', { label: 'bounces', ...options });
  }

  metricComplaints(options?: MetricOptions): Metric {
    return this.metric('Complaint', { label: 'complaints', ...options });
  }

  metricRenderingFailures(options?: MetricOptions): Metric {
    return this.metric('RenderingFailure', { label: 'rendering failures', ...options });
  }
}
