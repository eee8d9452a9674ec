import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { groups, type RouteGroup } from '../../lambdas/routes.ts';
import { tableActions } from '../../lib/constructs/tessera-function.ts';
import { functionActions, functionStatements, synthTessera } from './app-fixture.ts';

const synthesized = synthTessera();
const { api } = synthesized;
const statementsOf = (group: RouteGroup) => functionStatements(synthesized, group);
const actionsOf = (group: RouteGroup) => functionActions(synthesized, group);

describe('Lambda functions', () => {
  it('run Node.js 22 on arm64 with active tracing, one per route group and the mail intake', () => {
    const fns = api.findResources('AWS::Lambda::Function', {
      Properties: {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      },
    });
    expect(Object.keys(fns)).toHaveLength(Object.keys(groups).length + 1);
  });

  it('log to their own log group with the stage’s retention', () => {
    const groupsWithRetention = api.findResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
    });
    // one per function and the mail intake's, the API's access and execution logs, WAF's log,
    // the console's copier
    expect(Object.keys(groupsWithRetention)).toHaveLength(Object.keys(groups).length + 5);
    api.allResourcesProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
    });
  });

  it('get the table name and Powertools settings from the environment', () => {
    api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: Match.anyValue(),
          STAGE: 'dev',
          POWERTOOLS_SERVICE_NAME: 'tessera',
          CORS_ORIGINS: 'http://localhost:5173',
        }),
      },
    });
  });

  it('no function parses its source map at load (--enable-source-maps costs every cold start)', () => {
    const fns = api.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(fns)) {
      const variables = (fn as { Properties: { Environment?: { Variables?: object } } }).Properties
        .Environment?.Variables as Record<string, unknown> | undefined;
      expect(String(variables?.NODE_OPTIONS ?? '')).not.toContain('source-maps');
    }
  });

  it('the activation function gets the stage’s bounds on pending activations and code e-mails', () => {
    api.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Tessera activation:'),
      Environment: {
        Variables: Match.objectLike({
          ACTIVATION_MAX_PENDING: '5',
          ACTIVATION_CODE_EMAILS_PER_HOUR: '10',
        }),
      },
    });
  });

  it('the meta function cannot touch DynamoDB at all', () => {
    expect(actionsOf('meta').filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('the audit function can only read the table', () => {
    const dynamo = actionsOf('audit').filter((a) => a.startsWith('dynamodb:'));
    expect(new Set(dynamo)).toEqual(new Set(tableActions.read));
  });

  it.each(['tokens', 'products', 'customers'] as const)(
    'the %s function writes items but cannot scan, batch-write or manage the table',
    (group) => {
      const dynamo = new Set(actionsOf(group).filter((a) => a.startsWith('dynamodb:')));
      expect(dynamo).toEqual(new Set(tableActions.write));
      for (const forbidden of [
        'dynamodb:Scan',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteTable',
        'dynamodb:*',
      ]) {
        expect(dynamo.has(forbidden)).toBe(false);
      }
    },
  );

  it('no function holds a wildcard action, and table grants name the table and its indexes only', () => {
    for (const group of Object.keys(groups) as RouteGroup[]) {
      for (const statement of statementsOf(group)) {
        const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
        expect(actions.some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
        if (actions.some((a) => a.startsWith('dynamodb:'))) {
          const resources = JSON.stringify(statement.Resource);
          expect(resources).toContain('/index/gsi1');
          expect(resources).toContain('/index/gsi2');
          expect(resources).not.toContain('/index/*');
        }
      }
    }
  });
});
