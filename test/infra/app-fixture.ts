import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildTessera } from '../../lib/app.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

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
