import { Stack } from 'aws-cdk-lib';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  stage: string;
  /** The From address of every message; the vendor verifies it (or its domain) in SES. */
  senderAddress: string;
}

/** SES v2 authorizes `SendEmail` (simple, raw and templated content alike) as `ses:SendEmail`. */
export const sendActions = ['ses:SendEmail'] as const;

/**
 * How Tessera sends e-mail through SES v2: one configuration set for every message (reputation
 * metrics in CloudWatch, TLS required to the receiving server, bounces and complaints suppress
 * the address), and the IAM a mailer function needs: `ses:SendEmail` from the stage's sender
 * address only, on its identity and this configuration set, nothing else.
 *
 * The sender identity itself is not created here: the vendor verifies its own domain (DKIM
 * records in its DNS) or address once per account and region, outside the stacks, so a stack
 * deletion can never take the verified sender away (docs/deploy.md, "E-mail (SES)").
 */
export class Mail extends Construct {
  readonly senderAddress: string;
  readonly configurationSet: ConfigurationSet;
  /** `identity/<address>` and `identity/<domain>`: SES checks whichever of the two is verified. */
  readonly identityArns: readonly string[];
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.senderAddress = props.senderAddress;
    const domain = props.senderAddress.slice(props.senderAddress.lastIndexOf('@') + 1);
    this.identityArns = [props.senderAddress, domain].map((identity) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    );

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: `tessera-${props.stage}`,
      reputationMetrics: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      sendingEnabled: true,
    });
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    // Issue 5 (bounces, complaints, templates) continues here:
    // - event destinations: this.configurationSet.addEventDestination('Bounces', { destination:
    //   EventDestination.snsTopic(…) or .eventBus(…), events: [EmailSendingEvent.BOUNCE, …] });
    // - templates: new CfnTemplate(this, …) per message; a mailer that sends templated content
    //   also needs `ses:SendEmail` on `template/<name>`: add those ARNs to sendResources below.
  }

  /** What `ses:SendEmail` may name: the sender identity and the configuration set. */
  get sendResources(): string[] {
    return [...this.identityArns, this.configurationSetArn];
  }
}
