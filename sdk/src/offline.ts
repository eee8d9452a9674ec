import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKey,
  randomBytes,
  sign,
} from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Jwks, type VerifyResult, verifyLicenseFile } from './verify.ts';

/**
 * Devices without internet (docs/offline.md). The device has its own P-256 key pair, made at
 * first use; the private key never leaves its folder. It signs an activation request a person
 * carries to the portal, installs the license file they bring back (which must be bound to this
 * device's key), and, to give the license back, invalidates it and signs a return proof.
 */
export const ACTIVATION_REQUEST_TYP = 'tessera-activation-request+jwt';
export const RETURN_PROOF_TYP = 'tessera-return-proof+jwt';

export interface DevicePublicKey {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** RFC 7638 thumbprint: the `dvk` claim of files bound to this key, the `kid` of its proofs. */
export const deviceKeyThumbprint = (key: DevicePublicKey): string =>
  createHash('sha256')
    .update(`{"crv":"P-256","kty":"EC","x":"${key.x}","y":"${key.y}"}`)
    .digest('base64url');

const signJws = (header: object, payload: object, privateJwk: JsonWebKey) => {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: createPrivateKey({ key: privateJwk, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
};

const FILES = {
  key: 'device-key.json',
  license: 'license.jwt',
  returned: 'returned.json',
} as const;

export interface InstalledLicense {
  result: VerifyResult;
  licenseFile: string;
}

/** Writes a file whole or not at all: a crash mid-write leaves the old content. */
const writeAtomically = async (path: string, text: string, mode = 0o600) => {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
};

const readText = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/**
 * One device's offline licensing, kept in a folder of its own: the device key, the installed
 * license file, and the mark that it was returned.
 */
export class OfflineDevice {
  constructor(private readonly folder: string) {}

  /** The device's public key; the key pair is made and kept (mode 0600) at first use. */
  async publicKey(): Promise<DevicePublicKey> {
    const { publicJwk } = await this.keyPair();
    return publicJwk;
  }

  /** The activation request to carry to the portal (write it to a file, e.g. `request.jwt`). */
  async activationRequest(input: {
    key: string;
    fingerprint: string;
    hostname?: string;
    platform?: string;
    now?: Date;
  }): Promise<string> {
    const { publicJwk, privateJwk } = await this.keyPair();
    return signJws(
      { alg: 'ES256', typ: ACTIVATION_REQUEST_TYP, jwk: publicJwk },
      {
        key: input.key,
        fpr: input.fingerprint,
        ...(input.hostname ? { hostname: input.hostname } : {}),
        ...(input.platform ? { platform: input.platform } : {}),
        nonce: randomBytes(16).toString('base64url'),
        iat: Math.floor((input.now ?? new Date()).getTime() / 1000),
      },
      privateJwk,
    );
  }

  /**
   * Installs the license file a person brought back (or a renewed one): only a file that
   * verifies against the vendor's keys, for this fingerprint, bound to this device's key.
   */
  async install(
    licenseFile: string,
    options: { jwks: Jwks; fingerprint: string; now?: Date },
  ): Promise<VerifyResult> {
    const result = await this.check(licenseFile, options);
    if (!result.valid) return result;
    await mkdir(this.folder, { recursive: true });
    await writeAtomically(join(this.folder, FILES.license), licenseFile.trim());
    await rm(join(this.folder, FILES.returned), { force: true });
    return result;
  }

  /** The installed license, verified now; undefined when none is installed (or it was returned). */
  async license(options: {
    jwks: Jwks;
    fingerprint: string;
    now?: Date;
  }): Promise<InstalledLicense | undefined> {
    const licenseFile = await readText(join(this.folder, FILES.license));
    if (licenseFile === undefined) return undefined;
    return { licenseFile, result: await this.check(licenseFile, options) };
  }

  /**
   * Gives the license back: the installed file is removed first (the device stops using it), then
   * the proof is signed. Asking again returns the same proof, so a lost copy can be made again.
   */
  async returnLicense(now = new Date()): Promise<string> {
    const returnedPath = join(this.folder, FILES.returned);
    const earlier = await readText(returnedPath);
    if (earlier !== undefined) return (JSON.parse(earlier) as { proof: string }).proof;
    const licenseFile = await readText(join(this.folder, FILES.license));
    if (licenseFile === undefined) throw new Error('No license is installed on this device');
    const claims = JSON.parse(
      Buffer.from(licenseFile.split('.')[1] ?? '', 'base64url').toString(),
    ) as { sub: string; act: string; fpr: string };
    const { publicJwk, privateJwk } = await this.keyPair();
    const proof = signJws(
      { alg: 'ES256', typ: RETURN_PROOF_TYP, kid: deviceKeyThumbprint(publicJwk) },
      {
        act: claims.act,
        sub: claims.sub,
        fpr: claims.fpr,
        nonce: randomBytes(16).toString('base64url'),
        iat: Math.floor(now.getTime() / 1000),
      },
      privateJwk,
    );
    // The mark is written before the file goes: a crash between the two leaves a device that
    // no longer uses its license and can still hand over the proof.
    await writeAtomically(returnedPath, JSON.stringify({ proof }));
    await rm(join(this.folder, FILES.license), { force: true });
    return proof;
  }

  private async check(
    licenseFile: string,
    options: { jwks: Jwks; fingerprint: string; now?: Date },
  ): Promise<VerifyResult> {
    const result = verifyLicenseFile(licenseFile, options.jwks, {
      fingerprint: options.fingerprint,
      ...(options.now ? { now: options.now } : {}),
    });
    if (!result.valid) return result;
    const thumbprint = deviceKeyThumbprint(await this.publicKey());
    if (result.claims.dvk !== thumbprint) {
      return {
        valid: false,
        code: 'FINGERPRINT_MISMATCH',
        message: 'The file is bound to another device key',
        claims: result.claims,
      };
    }
    return result;
  }

  private async keyPair(): Promise<{ publicJwk: DevicePublicKey; privateJwk: JsonWebKey }> {
    const path = join(this.folder, FILES.key);
    const stored = await readText(path);
    if (stored !== undefined) {
      const privateJwk = JSON.parse(stored) as JsonWebKey;
      return { privateJwk, publicJwk: publicPart(privateJwk) };
    }
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = privateKey.export({ format: 'jwk' });
    await mkdir(this.folder, { recursive: true });
    // `wx`: two first uses racing keep one key, the other reads it.
    try {
      await writeFile(path, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return this.keyPair();
      throw error;
    }
    return { privateJwk, publicJwk: publicPart(privateJwk) };
  }
}

const publicPart = (jwk: JsonWebKey): DevicePublicKey => ({
  kty: 'EC',
  crv: 'P-256',
  x: String(jwk.x),
  y: String(jwk.y),
});
