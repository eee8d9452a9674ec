import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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
