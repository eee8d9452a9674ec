import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import {
  LICENSE_FILE_ALG,
  LICENSE_FILE_TYP,
  LicenseClaims,
  type LicenseFileHeader,
} from '../domain/license-file.ts';

/**
 * Signs license files. Two implementations with byte-for-byte the same output format: KMS in AWS
 * (signer-kms.ts) and a local P-256 key on the local runtime (signer-local.ts). Both produce a
 * compact JWS `base64url(header).base64url(claims).base64url(r‖s)` with the header
 * `{"alg":"ES256","typ":"tessera-license+jwt","kid":…}` and a 64-byte JOSE signature.
 */
export interface LicenseSigner {
  /** Names the key in the JWS header and in the JWKS. */
  readonly kid: string;
  /** Validates the claims against the schema, then signs them. Returns the compact JWS. */
  sign(claims: LicenseClaims): Promise<string>;
  /** Signs another document under the same key with its own `typ` (an allotment). */
  signDocument(typ: string, payload: object): Promise<string>;
  /** The public key as a JWK for the JWKS. Holds public members only. */
  publicJwk(): Promise<PublicJwk>;
}

/**
 * A P-256 public key as published in the JWKS. A type alias, not an interface, so that it is
 * assignable to node's (and the SDK's) `JsonWebKey`, which has an index signature.
 */
export type PublicJwk = {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof LICENSE_FILE_ALG;
  use: 'sig';
};

/** P-256 field elements and scalars are 32 bytes. */
const COMPONENT_BYTES = 32;

const base64urlJson = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export const licenseFileHeader = (kid: string): LicenseFileHeader => ({
  alg: LICENSE_FILE_ALG,
  typ: LICENSE_FILE_TYP,
  kid,
});

/**
 * The JWS signing input (RFC 7515 §5.1): `base64url(header) || '.' || base64url(payload)`, ASCII.
 * The claims are validated first, so a signer never signs a claim set instances would reject.
 */
export const jwsSigningInput = (kid: string, claims: LicenseClaims): string => {
  const checked = LicenseClaims.parse(claims);
  return `${base64urlJson(licenseFileHeader(kid))}.${base64urlJson(checked)}`;
};

/**
 * The signing input of another document signed under the license key (an allotment). Its `typ`
 * is never the license file's, so no such document can pass as a license file.
 */
export const documentSigningInput = (kid: string, typ: string, payload: object): string => {
  if (typ === LICENSE_FILE_TYP) throw new Error('License files are signed with sign()');
  return `${base64urlJson({ alg: LICENSE_FILE_ALG, typ, kid })}.${base64urlJson(payload)}`;
};

export const compactJws = (signingInput: string, joseSignature: Uint8Array): string => {
  if (joseSignature.length !== 2 * COMPONENT_BYTES) {
    throw new Error(`An ES256 signature is 64 bytes, got ${joseSignature.length}`);
  }
  return `${signingInput}.${Buffer.from(joseSignature).toString('base64url')}`;
};

export const sha256 = (data: string | Uint8Array): Buffer =>
  createHash('sha256').update(data).digest();

const derError = (why: string) => new Error(`Not a DER ECDSA P-256 signature: ${why}`);

/** Reads a DER length at `at`; returns [length, bytes used]. Only what a 72-byte value needs. */
const readLength = (der: Uint8Array, at: number): [number, number] => {
  const first = der[at];
  if (first === undefined) throw derError('truncated length');
  if (first < 0x80) return [first, 1];
  // Long form with one length byte is allowed only for lengths >= 128 (DER is minimal).
  const second = der[at + 1];
  if (first === 0x81 && second !== undefined && second >= 0x80) return [second, 2];
  throw derError('invalid length encoding');
};

/** One positive INTEGER, minimally encoded, as 32 bytes big-endian (left-padded with zeros). */
const readInteger = (der: Uint8Array, at: number): [Buffer, number] => {
  if (der[at] !== 0x02) throw derError('expected INTEGER');
  const [length, lengthBytes] = readLength(der, at + 1);
  const start = at + 1 + lengthBytes;
  const end = start + length;
  if (length === 0 || end > der.length) throw derError('truncated INTEGER');
  let content = der.subarray(start, end);
  const first = content[0] ?? 0;
  if (first & 0x80) throw derError('negative INTEGER');
  if (first === 0x00) {
    // A leading zero is only allowed (and then required) when the next byte has its high bit set.
    const next = content[1];
    if (next === undefined || (next & 0x80) === 0) throw derError('non-minimal INTEGER');
    content = content.subarray(1);
  }
  if (content.length > COMPONENT_BYTES) throw derError('INTEGER longer than 32 bytes');
  const out = Buffer.alloc(COMPONENT_BYTES);
  out.set(content, COMPONENT_BYTES - content.length);
  return [out, end];
};

/**
 * DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (what KMS returns) → the JOSE form
 * `r‖s`, 32 bytes each (RFC 7518 §3.4). The DER integers are signed and minimal: a value with its
 * high bit set gets a 0x00 prefix (33 bytes), a value below 2^248 is shorter than 32 bytes, so a
 * DER signature is 8 to 72 bytes and each half must be stripped or left-padded. Strict: anything
 * that is not canonical DER is rejected rather than guessed at.
 */
export const derToJose = (der: Uint8Array): Buffer => {
  if (der[0] !== 0x30) throw derError('expected SEQUENCE');
  const [length, lengthBytes] = readLength(der, 1);
  const bodyStart = 1 + lengthBytes;
  if (bodyStart + length !== der.length) throw derError('length does not match');
  const [r, afterR] = readInteger(der, bodyStart);
  const [s, afterS] = readInteger(der, afterR);
  if (afterS !== der.length) throw derError('trailing bytes');
  return Buffer.concat([r, s]);
};

const derInteger = (component: Uint8Array): Buffer => {
  let start = 0;
  while (start < component.length - 1 && component[start] === 0) start++;
  let content = Buffer.from(component.subarray(start));
  if ((content[0] ?? 0) & 0x80) content = Buffer.concat([Buffer.from([0]), content]);
  return Buffer.concat([Buffer.from([0x02, content.length]), content]);
};

/** JOSE `r‖s` → DER, the inverse of {@link derToJose} (openssl and most X.509 tooling want DER). */
export const joseToDer = (raw: Uint8Array): Buffer => {
  if (raw.length !== 2 * COMPONENT_BYTES) throw new Error('An ES256 signature is 64 bytes');
  const body = Buffer.concat([
    derInteger(raw.subarray(0, COMPONENT_BYTES)),
    derInteger(raw.subarray(COMPONENT_BYTES)),
  ]);
  const length = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return Buffer.concat([Buffer.from([0x30, ...length]), body]);
};

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key. */
export const jwkThumbprint = (jwk: { crv: string; kty: string; x: string; y: string }): string =>
  sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).toString('base64url');

/** A P-256 public key (from SPKI DER, a PEM, or a private KeyObject) as the JWKS publishes it. */
export const publicJwkOf = (key: KeyObject, kid?: string): PublicJwk => {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  if (
    publicKey.asymmetricKeyType !== 'ec' ||
    publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new Error('License files are signed with P-256 (ECC_NIST_P256) keys only');
  }
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error('The public key did not export as an EC JWK');
  }
  const core = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as const;
  return { ...core, kid: kid ?? jwkThumbprint(core), alg: LICENSE_FILE_ALG, use: 'sig' };
};

export const publicJwkFromSpki = (spkiDer: Uint8Array, kid?: string): PublicJwk =>
  publicJwkOf(createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }), kid);
