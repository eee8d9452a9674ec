import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { RouteGroup } from '../../lambdas/routes.ts';
import { buildTessera } from '../../lib/app.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown> & { 'tessera:stages': Record<string, Record<string, unknown>> };
};

/** What a live stage must add to the shipped cdk.json: real addresses, account, region. */
export const LIVE_STAGE = {
  alarmEmail: 'ops@acme-licensing.com',
  senderAddress: 'licensing@acme-licensing.com',
  account: '123456789012',
  region: 'eu-west-1',
};

/** Context that changes some keys of one stage of cdk.json (and selects that stage). */
export const withStage = (stage: string, changes: Record<string, unknown>) => ({
  'tessera:stage': stage,
  'tessera:stages': {
    ...cdkJson.context['tessera:stages'],
    [stage]: { ...cdkJson.context['tessera:stages'][stage], ...changes },
  },
});

/** The app as cdk.json configures it, with asset bundling skipped so tests stay fast. */
export const newApp = (context: Record<string, unknown> = {}) =>
  new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });

export const synthTessera = (context: Record<string, unknown> = {}) => {
  const app = newApp(context);
  const built = buildTessera(app, { nag: false });
  return {
    ...built,
    data: Template.fromStack(built.data),
    api: Template.fromStack(built.api),
    observability: Template.fromStack(built.observability),
    stacks: built,
  };
};

export type PolicyStatement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every statement of every policy attached to a route group's function role. */
export const functionStatements = (
  synthesized: ReturnType<typeof synthTessera>,
  group: RouteGroup,
): PolicyStatement[] => {
  const { api, stacks } = synthesized;
  const fn = stacks.api.functions[group];
  const roleId = stacks.api.getLogicalId(fn.role.node.defaultChild as never);
  const policies = api.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }).Properties
        .PolicyDocument.Statement,
  );
};

/** The actions a route group's function may take, across all its statements. */
export const functionActions = (synthesized: ReturnType<typeof synthTessera>, group: RouteGroup) =>
  functionStatements(synthesized, group).flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : [s.Action],
  );

/**
 * Tessera's own functions in a template: all but the one CDK adds to copy the console's files
 * into its bucket (BucketDeployment's custom-resource handler).
 */
export const tesseraFunctions = (template: Template): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith('CustomCDKBucketDeployment'),
    ),
  );
