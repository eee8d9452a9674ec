import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lambdas/routes.ts';
import { INSTANCE_PATH_PREFIX } from '../../lib/waf.ts';
import { synthTessera } from './app-fixture.ts';

const { api, observability } = synthTessera();

describe('API stack', () => {
  it('exposes every route of the route table as a method, and nothing else', () => {
    const methods = Object.values(api.findResources('AWS::ApiGateway::Method')) as {
      Properties: { HttpMethod: string; OperationName?: string };
    }[];
    const operations = methods
      .filter((m) => m.Properties.HttpMethod !== 'OPTIONS')
      .map((m) => m.Properties.OperationName);
    expect(operations.sort()).toEqual(routes.map((r) => r.operationId).sort());
  });

  it('logs access as JSON with route templates, never headers, and traces and throttles the stage', () => {
    api.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"route":"\\$context.resourcePath"'),
      },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
          DataTraceEnabled: false,
          LoggingLevel: 'ERROR',
        }),
      ]),
    });
    const format = JSON.stringify(api.findResources('AWS::ApiGateway::Stage'));
    expect(format).not.toMatch(/authorization|\$context\.path\b/i);
  });

  it('puts WAF in front, with a stricter per-IP rate on the instance routes', () => {
    api.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    api.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'InstanceRoutesRatePerIp',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              Limit: 300,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                ByteMatchStatement: Match.objectLike({
                  SearchString: INSTANCE_PATH_PREFIX,
                  PositionalConstraint: 'STARTS_WITH',
                }),
              },
            },
          },
        }),
        Match.objectLike({
          Name: 'AllRoutesRatePerIp',
          Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
  });

  it('answers API Gateway’s own errors as problem documents with stable codes', () => {
    for (const [type, code, status] of [
      ['THROTTLED', 'RATE_LIMITED', '429'],
      ['MISSING_AUTHENTICATION_TOKEN', 'ROUTE_NOT_FOUND', '404'],
      ['DEFAULT_5XX', 'INTERNAL', undefined],
    ] as const) {
      api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ...(status ? { StatusCode: status } : {}),
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`"code":"${code}"`) },
      });
    }
  });

  it('alarms on the 5xx rate to an encrypted SNS topic that e-mails the stage’s address', () => {
    observability.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    observability.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    observability.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
