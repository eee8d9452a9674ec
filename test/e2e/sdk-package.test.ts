import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The SDK as a customer's developer gets it: packed with `npm pack`, installed into a fresh
 * project, and used from CommonJS, from ESM, and from TypeScript under every module resolution.
 */
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
let work: string;
let tarball: string;

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh project with the packed SDK installed from the tarball alone (no registry). */
const project = (name: string, files: Record<string, string>) => {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, version: '1.0.0' }),
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], dir);
  return dir;
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tessera-sdk-'));
  run('npm', ['pack', '--pack-destination', work], join(root, 'sdk'));
  const packed = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!packed) throw new Error('npm pack wrote no tarball');
  tarball = join(work, packed);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const consumer = `
  const answer = sdk.verifyLicenseFile('not-a-license-file', { keys: [] });
  if (answer.valid || answer.code !== 'MALFORMED') throw new Error('verify: ' + JSON.stringify(answer));
  if (typeof sdk.createJwksCache !== 'function') throw new Error('createJwksCache missing');
  if (typeof seats.holdSeat !== 'function' || typeof seats.keepLicenseFresh !== 'function') throw new Error('seats entry');
  const client = new seats.TesseraClient({ baseUrl: 'http://127.0.0.1:9' });
  if (!(seats.newSessionId().startsWith('ses_')) || typeof client.checkout !== 'function') throw new Error('client');
  if (sdk.TesseraApiError !== seats.TesseraApiError) throw new Error('two copies of TesseraApiError');
  console.log('ok');
`;

describe('the packed SDK', () => {
  it('works from CommonJS with require()', () => {
    const dir = project('cjs', {
      'index.cjs': `const sdk = require('@tessera/sdk'); const seats = require('@tessera/sdk/seats');${consumer}`,
    });
    expect(run('node', ['index.cjs'], dir).trim()).toBe('ok');
  }, 60_000);

  it('works from ESM with import', () => {
    const dir = project('esm', {
      'index.mjs': `import * as sdk from '@tessera/sdk'; import * as seats from '@tessera/sdk/seats';${consumer}`,
    });
    expect(run('node', ['index.mjs'], dir).trim()).toBe('ok');
  }, 60_000);

  it.each([
    ['node10', 'commonjs'],
    ['node16', 'node16'],
    ['nodenext', 'nodenext'],
    ['bundler', 'esnext'],
  ])(
    'type-checks in a TypeScript project with moduleResolution %s',
    (moduleResolution, module) => {
      const dir = project(`ts-${moduleResolution}`, {
        'tsconfig.json': JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution,
            target: 'ES2022',
            lib: ['ES2022', 'DOM'],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['index.ts'],
        }),
        'index.ts': `
        import { verifyLicenseFile, type VerifyResult } from '@tessera/sdk';
        import { holdSeat, keepLicenseFresh, TesseraClient, type Seat } from '@tessera/sdk/seats';
        const result: VerifyResult = verifyLicenseFile('x', { keys: [] });
        const client = new TesseraClient({ baseUrl: 'https://licensing.example/v1' });
        export const use = async (): Promise<Seat | boolean> =>
          result.valid ? holdSeat(client, { userId: 'u' }) : typeof keepLicenseFresh === 'function';
      `,
      });
      expect(() => run('node', [tsc, '-p', '.'], dir)).not.toThrow();
    },
    60_000,
  );

  it('has a browser entry for seat calls that needs nothing from Node', async () => {
    const dir = project('browser', {
      'app.js': `import { holdSeat, TesseraClient } from '@tessera/sdk/seats'; export { holdSeat, TesseraClient };`,
    });
    const out = await build({
      entryPoints: [join(dir, 'app.js')],
      bundle: true,
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    expect(out.errors).toEqual([]);
    expect(out.outputFiles[0]?.text).not.toMatch(/node:|require\(/);
  }, 60_000);
});
