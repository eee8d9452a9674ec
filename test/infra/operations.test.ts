import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { openRouteGroups, routes } from '../../lambdas/routes.ts';
import { synthTessera, withStage } from './app-fixture.ts';

const { api } = synthTessera();
const openGroups = openRouteGroups;

describe('operable from day one', () => {
  it('owns API Gateway’s execution-log group, with the stage’s retention, before the stage writes to it', () => {
    const found = api.findResources('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: { 'Fn::Join': ['', Match.arrayWith(['API-Gateway-Execution-Logs_'])] },
        RetentionInDays: 30,
      },
    });
    expect(Object.keys(found)).toHaveLength(1);
    const [id] = Object.keys(found);
    api.hasResource('AWS::ApiGateway::Stage', { DependsOn: Match.arrayWith([id]) });
  });

  it('logs WAF to CloudWatch with the authorization header and cookies redacted', () => {
    api.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-tessera-dev',
      RetentionInDays: 30,
    });
    api.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      LogDestinationConfigs: [
        {
          'Fn::Join': [
            '',
            Match.arrayWith([Match.stringLikeRegexp(':log-group:$'), { Ref: Match.anyValue() }]),
          ],
        },
      ],
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
      ],
    });
  });

  it('caps every function that serves open routes, and only those', () => {
    expect([...openGroups].sort()).toEqual([
      'activation',
      'instance',
      'meta',
      'session',
      'validate',
    ]);
    const capped = api.findResources('AWS::Lambda::Function', {
      Properties: { ReservedConcurrentExecutions: 50 },
    });
    expect(Object.keys(capped)).toHaveLength(openGroups.length);
    for (const resource of Object.values(capped)) {
      const description = String(resource.Properties.Description);
      expect(openGroups.some((g) => description.startsWith(`Tessera ${g}:`))).toBe(true);
    }
  });

  it('reserves concurrency for every scheduled job, from the stage configuration', () => {
    const tuned = synthTessera(withStage('dev', { concurrency: { jobs: 2, openRoutes: 20 } }));
    const jobs = Template.fromStack(tuned.stacks.jobs);
    const jobFunctions = jobs.findResources('AWS::Lambda::Function');
    expect(Object.keys(jobFunctions).length).toBeGreaterThan(0);
    for (const fn of Object.values(jobFunctions)) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(2);
    }
    tuned.api.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { ReservedConcurrentExecutions: 20 },
      openGroups.length,
    );
  });

  it('lets API Gateway invoke each function through this API only: one permission per function', () => {
    const permissions = Object.values(api.findResources('AWS::Lambda::Permission'));
    const fromApi = permissions.filter(
      (p) => p.Properties.Principal === 'apigateway.amazonaws.com',
    );
    // One per route group's function, and SES's one permission to invoke the mail intake.
    expect(fromApi).toHaveLength(new Set(routes.map((r) => r.group)).size);
    expect(permissions).toHaveLength(fromApi.length + 1);
    for (const p of fromApi) {
      const arn = JSON.stringify(p.Properties.SourceArn);
      // This API's own execute-api ARN: no other API, no test-invoke stage.
      expect(arn).toContain('execute-api');
      expect(arn).toMatch(/"Ref":"Api[0-9A-F]{8}"/);
      expect(arn).toContain('/*/*/*');
      expect(arn).not.toContain('test-invoke-stage');
    }
  });
});
