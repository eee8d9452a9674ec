import { Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildTessera } from '../../lib/app.ts';
import { loadStageConfig } from '../../lib/config.ts';
import { LIVE_STAGE, newApp, withStage } from './app-fixture.ts';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in any stack of any configured stage', () => {
    for (const context of [{ 'tessera:stage': 'dev' }, withStage('prod', LIVE_STAGE)]) {
      const app = newApp(context);
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

  it('refuses a live stage with placeholder addresses, saying which keys to set', () => {
    const context = (key: string) =>
      withStage('prod', {
        ...LIVE_STAGE,
        alarmEmail: 'ops@example.com',
        senderAddress: 'licensing@example.com',
      })[key as 'tessera:stage'];
    expect(() => loadStageConfig(context)).toThrow(
      /Stage 'prod' is not ready to deploy[\s\S]*prod\.alarmEmail: 'ops@example\.com' is a placeholder[\s\S]*prod\.senderAddress/,
    );
  });

  it('refuses a live stage that does not state its account and region, saying how to set them', () => {
    const { account: _a, region: _r, ...rest } = LIVE_STAGE;
    const context = (key: string) =>
      ({ 'tessera:stage': 'prod', 'tessera:stages': { prod: rest } })[key];
    expect(() => loadStageConfig(context)).toThrow(
      /prod\.account: missing[\s\S]*prod\.region: missing/,
    );
  });

  it('synthesizes the shipped cdk.json prod stage only once its placeholders are replaced', () => {
    expect(() => buildTessera(newApp({ 'tessera:stage': 'prod' }), { nag: false })).toThrow(
      /not ready to deploy/,
    );
    const app = newApp(withStage('prod', LIVE_STAGE));
    const { api } = buildTessera(app, { nag: false });
    expect(Stack.of(api).account).toBe(LIVE_STAGE.account);
    expect(Stack.of(api).region).toBe(LIVE_STAGE.region);
  });

  it('lets a development stage keep placeholders and synthesize without an account', () => {
    const app = newApp({ 'tessera:stage': 'dev' });
    const { stage } = buildTessera(app, { nag: false });
    expect(stage.development).toBe(true);
    expect(stage.alarmEmail).toBe('ops@example.com');
  });

  it('names the known stages when the selected one is missing', () => {
    const context = (key: string) =>
      ({ 'tessera:stage': 'qa', 'tessera:stages': { dev: {} } })[key];
    expect(() => loadStageConfig(context)).toThrow(/known: dev/);
  });
});
