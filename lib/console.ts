import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_CSP, HSTS_SECONDS } from './console-policy.ts';

/** The console's build (`npm run console:build`; bin/app.ts builds it when it is stale). */
export const CONSOLE_DIST = fileURLToPath(new URL('../console/dist', import.meta.url));

export interface ConsoleHostingProps {
  stage: string;
  /** The REST API's id and stage: CloudFront sends `/<stage>/*` to it, on the console's origin. */
  restApiId: string;
  apiStage: string;
  logRetentionDays: number;
  /** Where the build is; default CONSOLE_DIST. */
  assetDir?: string;
  /** The vendor's host name and its us-east-1 ACM certificate; default *.cloudfront.net. */
  domain?: { domainName: string; certificateArn: string };
}

/**
 * The console on AWS: its files in a private bucket that only this distribution reads (origin
 * access control), and the API under `/<stage>/*` through the same distribution, so the
 * browser talks to one origin and needs no CORS. Every answer carries the security headers
 * `npm start` sends too (lib/console-policy.ts).
 */
export class ConsoleHosting extends Construct {
  readonly distribution: Distribution;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const assetDir = props.assetDir ?? CONSOLE_DIST;
    if (!existsSync(`${assetDir}/index.html`)) {
      throw new Error(`The console is not built (${assetDir}): run npm run console:build`);
    }
    const region = Stack.of(this).region;

    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'files/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    const pageHeaders = new ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: `Tessera ${props.stage} console: CSP, HSTS, no framing`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), clipboard-write=(self)',
            override: true,
          },
        ],
      },
    });

    const api = new HttpOrigin(`${props.restApiId}.execute-api.${region}.amazonaws.com`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Tessera ${props.stage} console and API`,
      defaultRootObject: 'index.html',
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: Certificate.fromCertificateArn(
              this,
              'Certificate',
              props.domain.certificateArn,
            ),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: pageHeaders,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        compress: true,
      },
      additionalBehaviors: {
        [`/${props.apiStage}/*`]: {
          origin: api,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Every API answer is the caller's own: nothing is cached, and every header but Host
          // (API Gateway routes on its own) reaches the API, the session cookie included.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: pageHeaders,
        },
      },
    });

    const deployment = new BucketDeployment(this, 'Deploy', {
      logGroup: new LogGroup(this, 'DeployLogs', {
        retention: props.logRetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      destinationBucket: this.bucket,
      sources: [
        Source.asset(assetDir),
        // Where the page finds the API: the same origin, under the API's stage.
        Source.jsonData('config.json', { apiBase: `/${props.apiStage}` }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      memoryLimit: 256,
    });

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Licensees are worldwide; the API keeps its own regional WAF and rate limits.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Requests to the API still pass its regional WAF behind CloudFront; a CloudFront web ACL must live in us-east-1 and is left to the vendor.',
      },
    );
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'On the default *.cloudfront.net certificate CloudFront sets the TLS floor itself; the stage setting console.domainName with an ACM certificate sets TLSv1.2_2021 (docs/console.md).',
      });
    }
    // The copy runs in CDK's own custom-resource function (one per stack), not in Tessera's.
    // It reads the CDK asset bucket, named by account and region once a stage states them.
    const stack = Stack.of(this);
    const known = (value: string, token: string) =>
      Token.isUnresolved(value) ? [token] : [token, value];
    const assetBuckets = known(stack.account, '<AWS::AccountId>').flatMap((account) =>
      known(stack.region, '<AWS::Region>').flatMap((region) =>
        ['<AWS::Partition>', 'aws'].map(
          (partition) => `arn:${partition}:s3:::cdk-hnb659fds-assets-${account}-${region}`,
        ),
      ),
    );
    const copier = Stack.of(this)
      .node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))
      .concat(deployment);
    for (const construct of copier) {
      Validations.of(construct).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'CDK’s BucketDeployment function: the basic execution role for its own logs.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'CDK’s BucketDeployment function: CloudFront invalidation has no resource scope.',
        },
        ...['GetBucket*', 'GetObject*', 'List*', 'Abort*', 'DeleteObject*'].map((action) => ({
          id: `AwsSolutions-IAM5[Action::s3:${action}]`,
          reason:
            'CDK’s BucketDeployment grants read of the asset and read-write of the console bucket only.',
        })),
        ...assetBuckets.map((bucket) => ({
          id: `AwsSolutions-IAM5[Resource::${bucket}/*]`,
          reason: 'CDK’s BucketDeployment reads the console build from the CDK asset bucket.',
        })),
        {
          id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
          reason: 'CDK’s BucketDeployment writes the console’s files into the console bucket.',
        },
        {
          id: 'AwsSolutions-L1',
          reason: 'The runtime of CDK’s own BucketDeployment function is chosen by aws-cdk-lib.',
        },
      );
    }
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket; it does not log itself.',
    });
  }
}
