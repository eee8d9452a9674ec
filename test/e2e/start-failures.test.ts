import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '../support/scripts.ts';

/** `npm start` on a damaged state folder: one clear message with the fix, no stack trace. */
const start = (stateDir: string) => {
  const started = Date.now();
  const out = runScript('bin/local.ts', [], {
    TESSERA_STATE_DIR: stateDir,
    PORT: '0',
    TESSERA_JOBS: 'off',
  });
  return { code: out.code, output: `${out.stdout}${out.stderr}`, ms: Date.now() - started };
};
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);

describe('npm start on a damaged state folder', () => {
  it('says what it is doing, then names a damaged DynamoDB data folder and how to move it away', () => {
    const state = mkdtempSync(join(tmpdir(), 'tessera-broken-db-'));
    mkdirSync(join(state, 'dynamodb'));
    writeFileSync(
      join(state, 'dynamodb', 'shared-local-instance.db'),
      'not a database'.repeat(500),
    );

    const run = start(state);

    expect(run.code).toBe(1);
    expect(run.output).toContain('Starting Tessera: DynamoDB Local (Java) and the API');
    expect(run.output).toContain(
      `DynamoDB Local cannot read its data in ${join(state, 'dynamodb')}`,
    );
    expect(run.output).toContain(
      `mv ${join(state, 'dynamodb')} ${join(state, 'dynamodb')}.broken-`,
    );
    expect(run.ms).toBeLessThan(30_000); // at once, not after the readiness timeout
    noStack(run.output);
  }, 60_000);

  it('names a damaged signing key, what it is for, and how to move it away', () => {
    const state = mkdtempSync(join(tmpdir(), 'tessera-broken-key-'));
    writeFileSync(join(state, 'signing-key.pem'), 'garbage\n');

    const run = start(state);

    expect(run.code).toBe(1);
    expect(run.output).toContain(
      `The local signing key ${join(state, 'signing-key.pem')} is damaged`,
    );
    expect(run.output).toContain('stands in for KMS');
    noStack(run.output);
  }, 60_000);
});
