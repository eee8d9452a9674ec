import { Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildTessera } from '../../lib/app.ts';
import { loadStageConfig } from '../../lib/config.ts';
import { newApp } from './app-fixture.ts';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in any stack of any configured stage', () => {
    for (const stage of ['dev', 'prod']) {
      const app = newApp({ 'tessera:stage': stage });
      buildTessera(app);
      expect(() => app.synth()).not.toThrow();
    }
  });

  it('does run: an unencrypted, unlogged bucket fails the synth', () => {
    const app = newApp();
    buildTessera(app);
    new Bucket(new Stack(app, 'Offender'), 'Plain');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1'/);
  });
});

describe('stage configuration', () => {
  it('explains every invalid field of a stage', () => {
    const context = (key: string) =>
      ({
        'tessera:stage': 'bad',
        'tessera:stages': {
          bad: { alarmEmail: 'nope', senderAddress: 'a@b.example', logRetentionDays: 2 },
        },
      })[key];
    expect(() => loadStageConfig(context)).toThrow(/alarmEmail[\s\S]*logRetentionDays/);
  });

  it('names the known stages when the selected one is missing', () => {
    const context = (key: string) =>
      ({ 'tessera:stage': 'qa', 'tessera:stages': { dev: {} } })[key];
    expect(() => loadStageConfig(context)).toThrow(/known: dev/);
  });
});
