import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../lib/console-policy.ts';
import { synthTessera, withStage } from './app-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read field by field
type Cfn = Record<string, any>;

const { api } = synthTessera();

const distribution = () => {
  const found = Object.values(api.findResources('AWS::CloudFront::Distribution'));
  expect(found).toHaveLength(1);
  return (found[0] as { Properties: { DistributionConfig: Cfn } }).Properties.DistributionConfig;
};

describe('the console on AWS', () => {
  it('keeps its files in a private, encrypted, TLS-only bucket that only CloudFront reads, through origin access control', () => {
    api.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'files/' }),
    });
    api.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    api.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('answers with the strict CSP, HSTS and no framing on every page and API answer', () => {
    api.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: CONSOLE_CSP, Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63_072_000 }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
    const config = distribution();
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('sends /v1/* to the API on the same origin, uncached, with every method and header but Host', () => {
    const config = distribution();
    const behaviors = config.CacheBehaviors as Cfn[];
    const toApi = behaviors.find((b) => b.PathPattern === '/v1/*');
    expect(toApi).toMatchObject({
      AllowedMethods: expect.arrayContaining(['POST', 'PATCH', 'DELETE']),
      ViewerProtocolPolicy: 'https-only',
      // AWS's managed CachingDisabled and AllViewerExceptHostHeader policies
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    const origin = (config.Origins as Cfn[]).find((o) => o.Id === toApi?.TargetOriginId);
    expect(JSON.stringify(origin?.DomainName)).toContain('execute-api');
    expect(origin?.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });

  it('logs every request, and tells the invitation e-mails the console’s address', () => {
    expect(distribution().Logging).toMatchObject({ Prefix: 'cloudfront/' });
    api.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Tessera people:'),
      Environment: {
        Variables: Match.objectLike({
          CONSOLE_URL: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
        }),
      },
    });
    api.hasOutput('ConsoleUrl', Match.anyValue());
  });

  it('copies the built console and a config.json that points the page at /v1', () => {
    api.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/index.html', '/config.json'],
      Prune: true,
    });
    const deployment = Object.values(api.findResources('Custom::CDKBucketDeployment'))[0] as {
      Properties: { SourceMarkers?: unknown[] };
    };
    expect(JSON.stringify(deployment.Properties.SourceMarkers ?? '')).not.toContain('localhost');
  });
});

describe('the console build', () => {
  it('keeps the JavaScript a first visit loads within 200 KiB gzipped', () => {
    const dist = new URL('../../console/dist/', import.meta.url);
    const html = readFileSync(new URL('index.html', dist), 'utf8');
    const scripts = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/?([^"]+\.js)"/g)];
    const gzipped = scripts.reduce(
      (sum, [, file]) => sum + gzipSync(readFileSync(new URL(file as string, dist))).length,
      0,
    );

    expect(scripts.length).toBeGreaterThan(0);
    console.log(`console initial JS: ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(200 * 1024);
  });
});

describe('the console on the vendor’s own host name', () => {
  it('serves it with the stage’s us-east-1 certificate at TLS 1.2 or newer, and invites people there', () => {
    const certificateArn =
      'arn:aws:acm:us-east-1:123456789012:certificate/1f2e3d4c-0000-4000-8000-123456789abc';
    const { api: custom } = synthTessera(
      withStage('dev', { console: { domainName: 'licenses.acme.com', certificateArn } }),
    );

    custom.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['licenses.acme.com'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        }),
      }),
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Tessera people:'),
      Environment: {
        Variables: Match.objectLike({ CONSOLE_URL: 'https://licenses.acme.com/' }),
      },
    });
  });

  it('refuses a certificate outside us-east-1, where CloudFront cannot read it', () => {
    expect(() =>
      synthTessera(
        withStage('dev', {
          console: {
            domainName: 'licenses.acme.com',
            certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
          },
        }),
      ),
    ).toThrow(/us-east-1/);
  });
});
