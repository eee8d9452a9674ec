import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LicenseClaims } from '../domain/license-file.ts';
import {
  compactJws,
  documentSigningInput,
  jwsSigningInput,
  type LicenseSigner,
  publicJwkOf,
} from './signer.ts';

export interface LocalSignerOptions {
  /** A P-256 private key, PKCS#8 (or SEC1) PEM. */
  privateKeyPem: string;
  /** Default: the RFC 7638 thumbprint of the public key, so the same key always has the same kid. */
  kid?: string;
}

/**
 * The local runtime's stand-in for KMS: the same header, claims and 64-byte `r‖s` signature, made
 * with node:crypto. `dsaEncoding: 'ieee-p1363'` gives the JOSE form directly, no DER step.
 */
export const localSigner = (options: LocalSignerOptions): LicenseSigner => {
  const key = createPrivateKey({ key: options.privateKeyPem, format: 'pem' });
  const jwk = publicJwkOf(key, options.kid); // also rejects anything but a P-256 key
  const { kid } = jwk;
  const signInput = (input: string) =>
    compactJws(
      input,
      sign('sha256', Buffer.from(input, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }),
    );
  return {
    kid,
    sign: async (claims: LicenseClaims) => signInput(jwsSigningInput(kid, claims)),
    signDocument: async (typ, payload) => signInput(documentSigningInput(kid, typ, payload)),
    publicJwk: async () => ({ ...jwk }),
  };
};

export const generateSigningKeyPem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();

export const SIGNING_KEY_FILE = 'signing-key.pem';

/**
 * The local runtime's signing key: `<stateDir>/signing-key.pem` (P-256, PKCS#8 PEM, mode 0600),
 * created on first use and reused after, so files signed before a restart stay verifiable.
 * Creation is atomic (write a private temp file, then hard-link it into place), so two processes
 * starting at once agree on one key and nobody ever reads a half-written file.
 */
export const loadOrCreateLocalSigningKey = async (
  stateDir: string,
): Promise<{ privateKeyPem: string; path: string; created: boolean }> => {
  const path = join(stateDir, SIGNING_KEY_FILE);
  const read = async () => {
    const privateKeyPem = await readFile(path, 'utf8');
    try {
      localSigner({ privateKeyPem });
    } catch (error) {
      throw new Error(`${path} is not a P-256 private key; move it away to get a new one`, {
        cause: error,
      });
    }
    return privateKeyPem;
  };

  try {
    return { privateKeyPem: await read(), path, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const privateKeyPem = generateSigningKeyPem();
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, privateKeyPem, { mode: 0o600, flag: 'wx' });
  await chmod(temp, 0o600); // exactly owner read/write, whatever the umask took away
  try {
    try {
      await link(temp, path);
    } catch (error) {
      // Filesystems without hard links: exclusive create is the next best thing.
      if (!['EPERM', 'ENOTSUP', 'ENOSYS'].includes((error as NodeJS.ErrnoException).code ?? '')) {
        throw error;
      }
      await writeFile(path, privateKeyPem, { mode: 0o600, flag: 'wx' });
    }
    return { privateKeyPem, path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { privateKeyPem: await read(), path, created: false }; // another process won
  } finally {
    await unlink(temp);
  }
};
