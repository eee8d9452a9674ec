import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * Offline verification of a Tessera license file: a compact JWS, `alg: ES256`,
 * `typ: tessera-license+jwt`, signed by a key the vendor publishes at `/.well-known/jwks.json`.
 *
 * `verifyLicenseFile` never throws for a bad file: every outcome is a typed result. (It throws a
 * TypeError only for a programming error in the options, e.g. an invalid `now`.)
 *
 * Checks run in this order and the first failure is the result (the precedence):
 *
 *  1. MALFORMED            not a compact JWS: not a string, larger than 64 KiB, not three
 *                          base64url parts, or a header that is not a JSON object
 *  2. UNSUPPORTED_ALG      the header asks for what this verifier does not do: `alg` other than
 *                          ES256 (`none`, HS256, …), another `typ`, or `crit` extensions
 *  3. UNKNOWN_KEY          no `kid`, or no usable P-256 signing key with that `kid` in the JWKS
 *  4. BAD_SIGNATURE        the signature does not verify: the file was altered or not signed by
 *                          that key
 *  5. MALFORMED            signed, but not a Tessera claim set (wrong `iss`, missing claims)
 *  6. FINGERPRINT_MISMATCH `options.fingerprint` is given and differs from the file's `fpr`
 *  7. NOT_YET_VALID        now < `nbf` (the license starts later)
 *  8. EXPIRED              now >= `exp` (the license has ended)
 *  9. REFRESH_OVERDUE      now >= `rfb` + grace (offline for too long: refresh the file)
 *
 * Nothing from an unauthenticated payload is ever reported: until step 4 passes, only the
 * envelope is looked at. Steps 6–9 return the (authenticated) claims alongside the code, so an
 * application can say which license expired or when the file should have been refreshed.
 */

export type FailureCode =
  | 'MALFORMED'
  | 'UNSUPPORTED_ALG'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'FINGERPRINT_MISMATCH'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'REFRESH_OVERDUE';

export type SeatModel = 'concurrent' | 'named' | 'instance' | (string & {});

/** The license terms (`lic` claim). Times are NumericDate: seconds since the epoch. */
export interface LicenseTerms {
  serial: string;
  product: string;
  modules: string[];
  seatModel: SeatModel;
  seats: number;
  maxActivations: number;
  maintenanceUntil?: number;
  trial: boolean;
  customer: string;
  email: string;
}

/** The claim set of a license file; see docs/license-files.md for the table. */
export interface LicenseClaims {
  iss: 'tessera';
  /** License id. */
  sub: string;
  /** Unique id of this file. */
  jti: string;
  iat: number;
  /** License valid-from; absent = valid from issue. */
  nbf?: number;
  /** License valid-till; absent = perpetual. */
  exp?: number;
  /** Refresh-by: fetch a fresh file from this time on. */
  rfb: number;
  /** Offline grace in seconds: the file is honoured until `rfb + grc`. */
  grc?: number;
  /** Activation id. */
  act: string;
  /** Fingerprint of the instance the file was issued to. */
  fpr: string;
  lic: LicenseTerms;
  [claim: string]: unknown;
}

export interface LicenseValid {
  valid: true;
  code: 'VALID';
  claims: LicenseClaims;
  /** The key that signed the file. */
  kid: string;
  /** True once `rfb` has passed: the file is still honoured, but refresh it now. */
  refreshDue: boolean;
  refreshBy: Date;
  /** When the file stops being honoured if it is not refreshed (`rfb` + grace). */
  graceEndsAt: Date;
  /** License end (`exp`); null = perpetual. */
  expiresAt: Date | null;
}

export type LicenseInvalid =
  | {
      valid: false;
      code: 'MALFORMED' | 'UNSUPPORTED_ALG' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE';
      message: string;
    }
  | {
      valid: false;
      code: 'FINGERPRINT_MISMATCH' | 'NOT_YET_VALID' | 'EXPIRED' | 'REFRESH_OVERDUE';
      message: string;
      /** Signature-checked: safe to show (which license, when it ended, …). */
      claims: LicenseClaims;
    };

export type VerifyResult = LicenseValid | LicenseInvalid;

export interface VerifyOptions {
  /** This instance's fingerprint. When given, a file issued to another instance is rejected. */
  fingerprint?: string;
  /** Default: the current time. */
  now?: Date;
  /** Overrides the file's `grc` (the grace the server signed); absent `grc` counts as 0. */
  graceSeconds?: number;
  /** Allowed clock skew for `nbf` and `exp`, in seconds. Default 0. */
  clockToleranceSeconds?: number;
}

/** One public key of a JWKS (RFC 7517), as Tessera publishes them: EC P-256 for ES256. */
export interface Jwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  kid?: string;
  alg?: string;
  use?: string;
  [member: string]: unknown;
}

export interface Jwks {
  keys: Jwk[];
}

export const LICENSE_FILE_TYP = 'tessera-license+jwt';
export const MAX_FILE_LENGTH = 64 * 1024;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ES256_SIGNATURE_CHARS = 86; // 64 bytes, base64url without padding

const fail = (
  code: 'MALFORMED' | 'UNSUPPORTED_ALG' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE',
  message: string,
): LicenseInvalid => ({ valid: false, code, message });

const failWith = (
  code: 'FINGERPRINT_MISMATCH' | 'NOT_YET_VALID' | 'EXPIRED' | 'REFRESH_OVERDUE',
  message: string,
  claims: LicenseClaims,
): LicenseInvalid => ({ valid: false, code, message, claims });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One working buffer for the bytes of the file being checked (signing input, then payload), and
 * one for its signature: verification is synchronous, so no two calls use them at once, and a
 * check allocates no buffer of its own (allocation was a tenth of a check's cost).
 */
let scratch = Buffer.allocUnsafe(4096);
const scratchOf = (length: number): Buffer => {
  if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
  return scratch;
};
const signatureBytes = Buffer.alloc(64);

const decodeJson = (segment: string): unknown => {
  try {
    // base64url decodes to at most 3/4 of its length.
    const bytes = scratchOf(segment.length);
    const length = bytes.write(segment, 'base64url');
    return JSON.parse(bytes.toString('utf8', 0, length));
  } catch {
    return undefined;
  }
};

/**
 * Headers repeat from file to file (same alg, typ, kid), so each distinct header text is checked
 * and decoded once. Frozen: a caller cannot change what the next file is judged by. Bounded.
 */
const HEADER_MEMO_SIZE = 16;
const headers = new Map<string, unknown>();
// Files of one key share one header: the last one answers before any hashing of the Map.
let lastHeaderSegment = '';
let lastHeader: unknown = null;
const decodeHeader = (segment: string): unknown => {
  if (segment === lastHeaderSegment) return lastHeader;
  const header = decodeHeaderOnce(segment);
  lastHeaderSegment = segment;
  lastHeader = header;
  return header;
};
const decodeHeaderOnce = (segment: string): unknown => {
  const known = headers.get(segment);
  if (known !== undefined) return known;
  const decoded = BASE64URL.test(segment) && segment.length % 4 !== 1 ? decodeJson(segment) : null;
  const header = isObject(decoded) ? Object.freeze(decoded) : null;
  if (headers.size >= HEADER_MEMO_SIZE) headers.delete(headers.keys().next().value as string);
  headers.set(segment, header);
  return header;
};

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Header values go into messages (and so into logs) shortened: they are not authenticated. */
const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/** Imported keys, per JWK object: a JWKS held by a cache is imported once, not per file. */
const importedKeys = new WeakMap<object, KeyObject | null>();

const importKey = (jwk: Jwk): KeyObject | null => {
  let key = importedKeys.get(jwk);
  if (key !== undefined) return key;
  try {
    const ok =
      jwk.kty === 'EC' &&
      jwk.crv === 'P-256' &&
      (jwk.alg === undefined || jwk.alg === 'ES256') &&
      (jwk.use === undefined || jwk.use === 'sig') &&
      (jwk.key_ops === undefined || (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify')));
    key = ok
      ? createPublicKey({
          key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
          format: 'jwk',
        })
      : null;
  } catch {
    key = null;
  }
  importedKeys.set(jwk, key);
  return key;
};

const findKey = (jwks: unknown, kid: string): KeyObject | string => {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) return 'The JWKS has no "keys" array';
  let seen = false;
  for (const jwk of jwks.keys as unknown[]) {
    if (!isObject(jwk) || jwk.kid !== kid) continue;
    seen = true;
    const key = importKey(jwk as Jwk);
    if (key) return key;
  }
  return seen
    ? `The JWKS key ${show(kid)} is not a P-256 signing key`
    : `No key ${show(kid)} in the JWKS (a newer key? refresh the JWKS)`;
};

/**
 * Files whose signature this process already checked, per key: an instance that re-checks its
 * license file every few seconds pays the signature check once. Keyed by the exact file text and
 * the imported key object, so another file or a changed JWKS is checked afresh; bounded, oldest
 * out first.
 */
const MEMO_SIZE = 64;
const checkedSignatures = new WeakMap<KeyObject, Map<string, boolean>>();

/** `signedLength`: the header and payload with the dot between them, the start of `file`. */
const signatureHolds = (key: KeyObject, file: string, signedLength: number, signature: string) => {
  let memo = checkedSignatures.get(key);
  const known = memo?.get(file);
  if (known !== undefined) return known;
  // The signing input is plain base64url and dots: its latin1 bytes are its ASCII bytes.
  const bytes = scratchOf(signedLength);
  const signingInput = bytes.subarray(0, bytes.write(file, 0, signedLength, 'latin1'));
  signatureBytes.write(signature, 'base64url');
  const holds = verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signatureBytes);
  if (!memo) {
    memo = new Map();
    checkedSignatures.set(key, memo);
  }
  if (memo.size >= MEMO_SIZE) {
    for (const oldest of memo.keys()) {
      memo.delete(oldest);
      break;
    }
  }
  memo.set(file, holds);
  return holds;
};

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

const TEXT_CLAIMS = ['sub', 'jti', 'act', 'fpr'] as const;
const TIME_CLAIMS = ['iat', 'rfb'] as const;
const OPTIONAL_TIME_CLAIMS = ['nbf', 'exp'] as const;
const TEXT_TERMS = ['serial', 'product', 'seatModel', 'customer', 'email'] as const;

/** Returns the claims, or what is wrong with them. Unknown claims are allowed (newer servers). */
const readClaims = (payload: unknown): LicenseClaims | string => {
  if (!isObject(payload)) return 'The payload is not a JSON object';
  const c = payload;
  if (c.iss !== 'tessera') return 'Not a Tessera license file (iss)';
  for (const name of TEXT_CLAIMS) {
    if (!isText(c[name])) return `Claim "${name}" is missing or not a string`;
  }
  for (const name of TIME_CLAIMS) {
    if (!isTime(c[name])) return `Claim "${name}" is missing or not a time`;
  }
  for (const name of OPTIONAL_TIME_CLAIMS) {
    if (c[name] !== undefined && !isTime(c[name])) return `Claim "${name}" is not a time`;
  }
  if (c.grc !== undefined && !isTime(c.grc)) return 'Claim "grc" is not a number of seconds';
  const lic = c.lic;
  if (!isObject(lic)) return 'Claim "lic" is missing';
  for (const name of TEXT_TERMS) {
    if (!isText(lic[name])) return `Claim "lic.${name}" is missing or not a string`;
  }
  if (!Array.isArray(lic.modules) || !lic.modules.every(isText)) {
    return 'Claim "lic.modules" is not a list of strings';
  }
  if (!isCount(lic.seats) || !isCount(lic.maxActivations)) {
    return 'Claims "lic.seats" and "lic.maxActivations" must be counts';
  }
  if (typeof lic.trial !== 'boolean') return 'Claim "lic.trial" is not a boolean';
  if (lic.maintenanceUntil !== undefined && !isTime(lic.maintenanceUntil)) {
    return 'Claim "lic.maintenanceUntil" is not a time';
  }
  return c as LicenseClaims;
};

const checkOptions = (options: VerifyOptions): number => {
  const now = options.now;
  if (now !== undefined && (!(now instanceof Date) || Number.isNaN(now.getTime()))) {
    throw new TypeError('options.now must be a valid Date');
  }
  const { graceSeconds, clockToleranceSeconds } = options;
  if (graceSeconds !== undefined && !(Number.isFinite(graceSeconds) && graceSeconds >= 0)) {
    throw new TypeError('options.graceSeconds must be a non-negative number');
  }
  if (
    clockToleranceSeconds !== undefined &&
    !(Number.isFinite(clockToleranceSeconds) && clockToleranceSeconds >= 0)
  ) {
    throw new TypeError('options.clockToleranceSeconds must be a non-negative number');
  }
  return (now === undefined ? Date.now() : now.getTime()) / 1000;
};

/**
 * The payload's spelling is checked only where a check fails: a payload that verifies was written
 * by the key's holder, and any other change to it fails the signature. So a bad payload is still
 * MALFORMED first, as the precedence says, at no cost to a good file. (A function of its own, not
 * a closure made on every call.)
 */
const failing = (payloadPart: string, otherwise: LicenseInvalid): LicenseInvalid =>
  !BASE64URL.test(payloadPart) || payloadPart.length % 4 === 1
    ? fail('MALFORMED', 'A part of the license file is not base64url')
    : otherwise;

const verifyOrFail = (file: unknown, jwks: unknown, options: VerifyOptions, now: number) => {
  // 1. The envelope.
  if (typeof file !== 'string') return fail('MALFORMED', 'A license file is a string');
  if (file.length > MAX_FILE_LENGTH) {
    return fail('MALFORMED', `The license file is larger than ${MAX_FILE_LENGTH} characters`);
  }
  const text = file.trim(); // a trailing newline from a text file is not an error
  if (text.length === 0) return fail('MALFORMED', 'The license file is empty');
  const firstDot = text.indexOf('.');
  const secondDot = firstDot < 0 ? -1 : text.indexOf('.', firstDot + 1);
  if (secondDot < 0 || text.indexOf('.', secondDot + 1) >= 0) {
    return fail('MALFORMED', 'Not a compact JWS (three dot-separated parts)');
  }
  const headerPart = text.slice(0, firstDot);
  const payloadPart = text.slice(firstDot + 1, secondDot);
  const signaturePart = text.slice(secondDot + 1);
  // The signature may be empty here: an unsecured JWS (`alg: none`) is reported as such below.
  if (signaturePart !== '' && !BASE64URL.test(signaturePart)) {
    return fail('MALFORMED', 'A part of the license file is not base64url');
  }
  const header = decodeHeader(headerPart);
  if (header === null) {
    return failing(
      payloadPart,
      BASE64URL.test(headerPart) && headerPart.length % 4 !== 1
        ? fail('MALFORMED', 'The JWS header is not a JSON object')
        : fail('MALFORMED', 'A part of the license file is not base64url'),
    );
  }
  if (!isObject(header))
    return failing(payloadPart, fail('MALFORMED', 'The JWS header is not a JSON object'));

  // 2. What the header asks for.
  if (header.alg !== 'ES256') {
    return failing(
      payloadPart,
      fail('UNSUPPORTED_ALG', `Algorithm ${show(header.alg)} is not accepted`),
    );
  }
  if (header.typ !== LICENSE_FILE_TYP) {
    return failing(
      payloadPart,
      fail('UNSUPPORTED_ALG', `Type ${show(header.typ)} is not a license file`),
    );
  }
  if (header.crit !== undefined) {
    return failing(
      payloadPart,
      fail('UNSUPPORTED_ALG', 'Critical header extensions are not supported'),
    );
  }

  // 3. The key.
  const kid = header.kid;
  if (!isText(kid))
    return failing(payloadPart, fail('UNKNOWN_KEY', 'The JWS header names no key (kid)'));
  const key = findKey(jwks, kid);
  if (typeof key === 'string') return failing(payloadPart, fail('UNKNOWN_KEY', key));

  // 4. The signature, over the parts exactly as they are in the file.
  // Exactly 64 bytes, canonically encoded: one signature has one spelling. 86 base64url
  // characters carry 516 bits, so the last one must leave its low 4 bits zero (A, Q, g or w).
  if (
    signaturePart.length !== ES256_SIGNATURE_CHARS ||
    !'AQgw'.includes(signaturePart.at(-1) ?? '')
  ) {
    return failing(
      payloadPart,
      fail('BAD_SIGNATURE', 'An ES256 signature is 64 bytes (r‖s), base64url'),
    );
  }
  const signed = signatureHolds(key, text, secondDot, signaturePart);
  if (!signed) return failing(payloadPart, fail('BAD_SIGNATURE', 'The signature does not verify'));

  // 5. Authenticated from here on: the claims.
  const claims = readClaims(decodeJson(payloadPart));
  if (typeof claims === 'string') return fail('MALFORMED', claims);

  // 6. Bound to this instance?
  if (options.fingerprint !== undefined && options.fingerprint !== claims.fpr) {
    return failWith('FINGERPRINT_MISMATCH', 'The file was issued to another instance', claims);
  }

  // 7–9. Time.
  const skew = options.clockToleranceSeconds ?? 0;
  if (claims.nbf !== undefined && now < claims.nbf - skew) {
    return failWith('NOT_YET_VALID', `The license is valid from ${iso(claims.nbf)}`, claims);
  }
  if (claims.exp !== undefined && now >= claims.exp + skew) {
    return failWith('EXPIRED', `The license expired at ${iso(claims.exp)}`, claims);
  }
  const grace = options.graceSeconds ?? claims.grc ?? 0;
  const graceEnds = claims.rfb + grace;
  if (now >= graceEnds) {
    return failWith(
      'REFRESH_OVERDUE',
      `The file was due for refresh at ${iso(claims.rfb)}; the offline grace ended at ${iso(graceEnds)}`,
      claims,
    );
  }

  const valid: LicenseValid = {
    valid: true,
    code: 'VALID',
    claims,
    kid,
    refreshDue: now >= claims.rfb,
    refreshBy: new Date(claims.rfb * 1000),
    graceEndsAt: new Date(graceEnds * 1000),
    expiresAt: claims.exp === undefined ? null : new Date(claims.exp * 1000),
  };
  return valid;
};

/**
 * Verifies a license file offline against a JWKS. See the precedence of the result codes above
 * (and in sdk/README.md).
 */
export const verifyLicenseFile = (
  file: string,
  jwks: Jwks,
  options: VerifyOptions = {},
): VerifyResult => {
  const now = checkOptions(options);
  try {
    return verifyOrFail(file, jwks, options, now);
  } catch (error) {
    // Belt and braces: nothing above should throw, but a verifier must not crash its host.
    return fail('MALFORMED', `The license file could not be read: ${String(error)}`);
  }
};
