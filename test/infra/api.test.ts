import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type Route, routes } from '../../lambdas/routes.ts';
import { assertInstanceRoutesUnderPrefix, INSTANCE_ROUTE_PREFIX } from '../../lib/api-paths.ts';
import { INSTANCE_PATH_PREFIX } from '../../lib/waf.ts';
import { synthTessera } from './app-fixture.ts';

const { api, observability, stacks } = synthTessera();

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

  it('serves each route at its path from its group’s function (JWKS and instance routes too)', () => {
    const resources = api.findResources('AWS::ApiGateway::Resource') as Record<
      string,
      { Properties: { PathPart: string; ParentId: { Ref?: string } } }
    >;
    const pathOf = (ref: string | undefined): string => {
      const resource = ref ? resources[ref] : undefined;
      return resource
        ? `${pathOf(resource.Properties.ParentId.Ref)}/${resource.Properties.PathPart}`
        : '';
    };
    const methods = Object.values(api.findResources('AWS::ApiGateway::Method')) as {
      Properties: {
        HttpMethod: string;
        OperationName?: string;
        ResourceId: { Ref?: string };
        Integration?: unknown;
      };
    }[];
    for (const route of routes) {
      const method = methods.find((m) => m.Properties.OperationName === route.operationId);
      expect(method?.Properties.HttpMethod, route.operationId).toBe(route.method);
      expect(pathOf(method?.Properties.ResourceId.Ref), route.operationId).toBe(route.path);
      const fn = stacks.api.functions[route.group].fn.node.defaultChild as never;
      expect(JSON.stringify(method?.Properties.Integration)).toContain(
        `"${stacks.api.getLogicalId(fn)}"`,
      );
    }
    expect(routes.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/.well-known/jwks.json', '/instance/activations']),
    );
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

  it('answers a WAF rate-limit block with 429 and a RATE_LIMITED problem, not a bare 403', () => {
    const acl = Object.values(api.findResources('AWS::WAFv2::WebACL'))[0] as {
      Properties: {
        CustomResponseBodies: Record<string, { Content: string }>;
        Rules: {
          Name: string;
          Action?: { Block?: { CustomResponse?: Record<string, unknown> } };
        }[];
      };
    };
    for (const name of ['InstanceRoutesRatePerIp', 'AllRoutesRatePerIp']) {
      const rule = acl.Properties.Rules.find((r) => r.Name === name);
      const response = rule?.Action?.Block?.CustomResponse;
      expect(response?.ResponseCode).toBe(429);
      const body = acl.Properties.CustomResponseBodies[String(response?.CustomResponseBodyKey)];
      expect(JSON.parse(body?.Content ?? '{}')).toMatchObject({
        status: 429,
        code: 'RATE_LIMITED',
      });
    }
  });

  it('matches the instance prefix after decoding and normalizing the path', () => {
    api.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'InstanceRoutesRatePerIp',
          Statement: {
            RateBasedStatement: Match.objectLike({
              ScopeDownStatement: {
                ByteMatchStatement: Match.objectLike({
                  TextTransformations: [
                    { Priority: 0, Type: 'URL_DECODE' },
                    { Priority: 1, Type: 'NORMALIZE_PATH' },
                    { Priority: 2, Type: 'LOWERCASE' },
                  ],
                }),
              },
            }),
          },
        }),
      ]),
    });
  });

  it('keeps instance-facing routes and the WAF prefix in step: the synth fails otherwise', () => {
    const base = routes[0] as Route;
    const flaggedOutside = {
      ...base,
      operationId: 'activate',
      path: '/activations',
      instanceFacing: true,
    };
    const unflaggedInside = {
      ...base,
      operationId: 'refresh',
      path: `${INSTANCE_ROUTE_PREFIX}refresh`,
    };
    const flaggedInside = { ...unflaggedInside, instanceFacing: true };
    expect(() => assertInstanceRoutesUnderPrefix(routes)).not.toThrow();
    expect(() => assertInstanceRoutesUnderPrefix([flaggedInside])).not.toThrow();
    expect(() => assertInstanceRoutesUnderPrefix([flaggedOutside])).toThrow(/activate/);
    expect(() => assertInstanceRoutesUnderPrefix([unflaggedInside])).toThrow(/refresh/);
    expect(INSTANCE_PATH_PREFIX).toBe(`/v1${INSTANCE_ROUTE_PREFIX}`);
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

  it('gives API Gateway’s and WAF’s own refusals CORS headers and Retry-After on 429', () => {
    // The dev stage allows exactly one origin: it is named as is.
    for (const type of [
      'THROTTLED',
      'MISSING_AUTHENTICATION_TOKEN',
      'DEFAULT_4XX',
      'WAF_FILTERED',
    ]) {
      api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Access-Control-Allow-Origin': "'http://localhost:5173'",
          'gatewayresponse.header.Access-Control-Expose-Headers':
            "'etag,location,retry-after,x-request-id'",
        }),
      });
    }
    api.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
    });
    const acl = Object.values(api.findResources('AWS::WAFv2::WebACL'))[0] as {
      Properties: { Rules: { Action?: { Block?: { CustomResponse: unknown } } }[] };
    };
    const blocks = acl.Properties.Rules.flatMap((r) => (r.Action?.Block ? [r.Action.Block] : []));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(block.CustomResponse).toMatchObject({
        ResponseCode: 429,
        ResponseHeaders: expect.arrayContaining([{ Name: 'retry-after', Value: '60' }]),
      });
    }
  });

  it('lets browsers send If-Match and Idempotency-Key in the CORS preflight', () => {
    api.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'OPTIONS',
      Integration: Match.objectLike({
        IntegrationResponses: Match.arrayWith([
          Match.objectLike({
            ResponseParameters: Match.objectLike({
              'method.response.header.Access-Control-Allow-Headers':
                "'authorization,content-type,if-match,idempotency-key'",
            }),
          }),
        ]),
      }),
    });
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

  it('lets CloudWatch alarms of this account publish to the topic despite its SSL-only policy', () => {
    observability.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({
              StringEquals: { 'aws:SourceAccount': Match.anyValue() },
            }),
          }),
        ]),
      },
    });
    observability.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });
});
