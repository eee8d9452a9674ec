import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, EmbeddedJWK, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceSignatures } from '../../lambdas/adapters/device-signatures.ts';
import {
  checkReturnProof,
  openActivationRequest,
  readReturnProof,
} from '../../lambdas/domain/device-documents.ts';
import { deviceKeyThumbprint, OfflineDevice } from '../../sdk/src/offline.ts';

/**
 * The device documents of docs/offline.md: what the SDK writes verifies with an independent JOSE
 * library, Tessera takes in what openssl alone makes (the doc's block, run as written), and the
 * checks refuse what they must.
 */
let folder: string;
const now = new Date();

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tessera-device-docs-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('device documents', () => {
  it('an SDK request verifies with jose against the key in its header, and Tessera reads it', async () => {
    const device = new OfflineDevice(join(folder, 'a'));
    const request = await device.activationRequest({ key: 'K', fingerprint: 'box-fp-0001' });
    const verified = await compactVerify(request, EmbeddedJWK);
    expect(verified.protectedHeader.typ).toBe('tessera-activation-request+jwt');
    const taken = openActivationRequest(deviceSignatures, request, now);
    expect(taken).toMatchObject({ key: 'K', fpr: 'box-fp-0001' });
    expect(taken.deviceKeyId).toBe(deviceKeyThumbprint(await device.publicKey()));
  });

  it('keeps one key per device across restarts, and never writes the private key elsewhere', async () => {
    const path = join(folder, 'b');
    const first = await new OfflineDevice(path).publicKey();
    expect(await new OfflineDevice(path).publicKey()).toEqual(first);
    expect(JSON.parse(readFileSync(join(path, 'device-key.json'), 'utf8'))).toHaveProperty('d');
    expect(first).not.toHaveProperty('d');
  });

  it('a return proof verifies with jose under the device key; another key or an edit is refused', async () => {
    const device = new OfflineDevice(join(folder, 'c'));
    const key = await device.publicKey();
    // A proof as the SDK signs it, over the claims of an installed file.
    const claims = { act: 'act_1', sub: 'lic_1', fpr: 'box-fp-0002' };
    const proof = await signProof(device, claims);
    await compactVerify(proof, await importJWK({ ...key, alg: 'ES256' }, 'ES256'));
    const read = readReturnProof(deviceSignatures, proof);
    expect(() => checkReturnProof(deviceSignatures, read, key, now)).not.toThrow();

    const other = await new OfflineDevice(join(folder, 'd')).publicKey();
    expect(() => checkReturnProof(deviceSignatures, read, other, now)).toThrow(/another device/);
    const [h, p, s] = proof.split('.') as [string, string, string];
    const edited = `${h}.${Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), act: 'act_2' }),
    ).toString('base64url')}.${s}`;
    expect(() =>
      checkReturnProof(deviceSignatures, readReturnProof(deviceSignatures, edited), key, now),
    ).toThrow(/altered/);
  });
});

/** Signs a proof through the SDK: install is skipped, so the proof is made from given claims. */
const signProof = async (device: OfflineDevice, claims: Record<string, string>) => {
  const { writeFile } = await import('node:fs/promises');
  const folderOf = (device as unknown as { folder: string }).folder;
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  await writeFile(join(folderOf, 'license.jwt'), `e30.${payload}.sig`);
  return device.returnLicense(now);
};

// ---- The openssl procedure in docs/offline.md, run as written ---------------------------------

const has = (...command: [string, ...string[]]) =>
  spawnSync(command[0], command.slice(1), { stdio: 'ignore' }).status === 0;

describe.skipIf(!has('openssl', 'version') || !has('jq', '--version'))(
  'an activation request made with openssl alone (docs/offline.md)',
  () => {
    it('is taken in by Tessera, with the thumbprint the script printed', () => {
      const doc = readFileSync(new URL('../../docs/offline.md', import.meta.url), 'utf8');
      const script = /```sh\n([\s\S]*?)```/.exec(
        doc.split('<!-- tested: offline-request -->')[1] ?? '',
      )?.[1];
      expect(script).toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'tessera-openssl-request-'));
      try {
        // Several keys and signatures: r or s with the top bit set, or shorter than 32 bytes.
        for (let i = 0; i < 6; i++) {
          rmSync(join(dir, 'device.pem'), { force: true });
          const out = spawnSync('bash', ['-c', `set -euo pipefail\n${script}`], {
            cwd: dir,
            encoding: 'utf8',
            env: { ...process.env, KEY: 'ABCDE-FGHJK', FPR: `openssl-box-${i}` },
          });
          expect(out.stderr).toBe('');
          const request = readFileSync(join(dir, 'request.jwt'), 'utf8');
          const taken = openActivationRequest(deviceSignatures, request, new Date());
          expect(taken).toMatchObject({ key: 'ABCDE-FGHJK', fpr: `openssl-box-${i}` });
          expect(taken.deviceKeyId).toBe(readFileSync(join(dir, 'dvk.txt'), 'utf8').trim());
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);
