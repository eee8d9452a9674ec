import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildJwks } from '../../lambdas/adapters/jwks.ts';
import { generateSigningKeyPem, localSigner } from '../../lambdas/adapters/signer-local.ts';
import { buildClaims } from '../../lambdas/domain/license-file.ts';
import {
  createJwksCache,
  type Jwks,
  JwksUnavailableError,
  MAX_FILE_LENGTH,
  type VerifyOptions,
  type VerifyResult,
  verifyLicenseFile,
} from '../../sdk/src/index.ts';

const DAY = 86_400;
const T0 = Date.parse('2026-03-01T12:00:00Z') / 1000;
const at = (seconds: number) => new Date(seconds * 1000);

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = p256();
const KID = 'key-2026';
const jwkOf = (publicKey: KeyObject, kid: string) => ({
  ...publicKey.export({ format: 'jwk' }),
  kid,
  alg: 'ES256',
  use: 'sig',
});
const jwks: Jwks = { keys: [jwkOf(key.publicKey, KID)] };

const claims = {
  iss: 'tessera',
  sub: 'lic_1',
  jti: 'lf_0123456789',
  iat: T0,
  nbf: T0 - 30 * DAY,
  exp: T0 + 365 * DAY,
  rfb: T0 + DAY,
  grc: 7 * DAY,
  act: 'act_1',
  fpr: 'fp-instance-a',
  lic: {
    serial: 'TSR-000123',
    product: 'CALL_CENTER',
    modules: ['ivr'],
    seatModel: 'concurrent',
    seats: 50,
    maxActivations: 3,
    trial: false,
    customer: 'Acme Telecom',
    email: 'it@acme.example',
  },
};
const HEADER = { alg: 'ES256', typ: 'tessera-license+jwt', kid: KID };

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Any header and payload, really signed (ES256, r‖s) with the given key. */
const forge = (
  payload: unknown = claims,
  header: unknown = HEADER,
  privateKey: KeyObject = key.privateKey,
) => {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
};

const good = forge();
const now = at(T0 + 3600);
const check = (file: string, options: VerifyOptions = {}, set: Jwks = jwks): VerifyResult =>
  verifyLicenseFile(file, set, { now, fingerprint: 'fp-instance-a', ...options });
const codeOf = (file: string, options: VerifyOptions = {}, set: Jwks = jwks) =>
  check(file, options, set).code;

/** Replace the payload of a signed file, keeping its header and signature. */
const tamper = (file: string, payload: unknown) => {
  const [h, , s] = file.split('.');
  return `${h}.${b64(payload)}.${s}`;
};

describe('verifyLicenseFile: valid files', () => {
  it('accepts a file Tessera signed (domain claims + local signer) with only the JWKS', async () => {
    const signer = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const built = buildClaims({
      license: {
        id: 'lic_1',
        serial: 'TSR-1',
        product: 'PBX',
        modules: [],
        seatModel: 'instance',
        seatLimit: 10,
        maxActivations: 1,
        trial: true,
        customerName: 'Acme',
        registeredEmail: 'a@acme.example',
      },
      activation: { id: 'act_1', fingerprint: 'fp-1' },
      issuedAt: at(T0),
      fileId: 'lf_0123456789',
    });
    const file = await signer.sign(built);
    const result = verifyLicenseFile(file, await buildJwks([signer]), {
      fingerprint: 'fp-1',
      now: at(T0 + 60),
    });
    expect(result).toEqual({
      valid: true,
      code: 'VALID',
      claims: built,
      kid: signer.kid,
      refreshDue: false,
      refreshBy: at(built.rfb),
      graceEndsAt: at(built.rfb + built.grc),
      expiresAt: null, // perpetual
    });
  });

  it('reports a due refresh inside the grace period, and the license end', () => {
    const result = check(good, { now: at(claims.rfb + 60) });
    expect(result).toMatchObject({
      valid: true,
      refreshDue: true,
      expiresAt: at(claims.exp),
      graceEndsAt: at(claims.rfb + claims.grc),
    });
  });

  it('ignores claims it does not know and a trailing newline, and needs no fingerprint', () => {
    expect(codeOf(forge({ ...claims, future: { x: 1 } }))).toBe('VALID');
    expect(codeOf(`${good}\n`)).toBe('VALID');
    expect(verifyLicenseFile(good, jwks, { now }).valid).toBe(true);
  });
});

describe('verifyLicenseFile: every result code', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it.each([
    ['empty', ''],
    ['whitespace', '  \n'],
    ['two parts', 'abc.def'],
    ['four parts', `${good}.x`],
    ['three dots', '...'],
    ['an empty part', `${good.split('.')[0]}..${good.split('.')[2]}`],
    ['not base64url', good.replace(/^./, '*')],
    ['base64 with padding', `${good.split('.')[0]}=.x.y`],
    ['header not JSON', `${b64('not json')}.${b64(claims)}.${'A'.repeat(86)}`],
    ['header a JSON array', `${b64([HEADER])}.${b64(claims)}.${'A'.repeat(86)}`],
    ['header null', `${b64('null')}.${b64(claims)}.${'A'.repeat(86)}`],
    ['too large', `${good}${'A'.repeat(MAX_FILE_LENGTH)}`],
  ])('MALFORMED: %s', (_what, file) => {
    expect(codeOf(file)).toBe('MALFORMED');
  });

  it.each([
    ['signed but not JSON', forge('hello')],
    ['signed JSON array', forge([claims])],
    ['another issuer', forge({ ...claims, iss: 'someone' })],
    ['no refresh-by', forge({ ...claims, rfb: undefined })],
    ['exp not a number', forge({ ...claims, exp: '2027-01-01' })],
    ['no license terms', forge({ ...claims, lic: undefined })],
    ['modules not strings', forge({ ...claims, lic: { ...claims.lic, modules: [1] } })],
    ['negative seats', forge({ ...claims, lic: { ...claims.lic, seats: -1 } })],
    ['trial not boolean', forge({ ...claims, lic: { ...claims.lic, trial: 'no' } })],
  ])('MALFORMED (after the signature): %s', (_what, file) => {
    expect(check(file)).toMatchObject({ valid: false, code: 'MALFORMED' });
  });

  it.each([
    ['alg none', `${b64({ ...HEADER, alg: 'none' })}.${b64(claims)}.`],
    ['alg HS256', `${b64({ ...HEADER, alg: 'HS256' })}.${b64(claims)}.${'A'.repeat(43)}`],
    ['alg RS256', forge(claims, { ...HEADER, alg: 'RS256' }, rsa.privateKey)],
    ['alg ES384', forge(claims, { ...HEADER, alg: 'ES384' })],
    ['no typ', forge(claims, { alg: 'ES256', kid: KID })],
    ['another typ', forge(claims, { ...HEADER, typ: 'JWT' })],
    ['crit extension', forge(claims, { ...HEADER, crit: ['exp'], exp: 1 })],
  ])('UNSUPPORTED_ALG: %s', (_what, file) => {
    expect(codeOf(file)).toBe('UNSUPPORTED_ALG');
  });

  it.each([
    ['kid not in the set', forge(claims, { ...HEADER, kid: 'other' }), jwks],
    ['no kid', forge(claims, { alg: 'ES256', typ: 'tessera-license+jwt' }), jwks],
    ['kid not a string', forge(claims, { ...HEADER, kid: 7 }), jwks],
    ['JWKS null', good, null as unknown as Jwks],
    ['JWKS without keys', good, {} as Jwks],
    ['keys not a list', good, { keys: 'x' } as unknown as Jwks],
    ['junk entries', good, { keys: [null, 1, 'x'] } as unknown as Jwks],
    [
      'RSA key under the kid',
      good,
      { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: KID }] },
    ],
    ['encryption key', good, { keys: [{ ...jwkOf(key.publicKey, KID), use: 'enc' }] }],
    ['key for another alg', good, { keys: [{ ...jwkOf(key.publicKey, KID), alg: 'ES384' }] }],
    [
      'key_ops without verify',
      good,
      { keys: [{ ...jwkOf(key.publicKey, KID), key_ops: ['sign'] }] },
    ],
    [
      'point off the curve',
      good,
      { keys: [{ ...jwkOf(key.publicKey, KID), y: jwkOf(key.publicKey, KID).x }] },
    ],
    ['empty set', good, { keys: [] }],
  ])('UNKNOWN_KEY: %s', (_what, file, set) => {
    expect(codeOf(file, {}, set as Jwks)).toBe('UNKNOWN_KEY');
  });

  it('a usable key counts even when an unusable one with the same kid comes first', () => {
    const set = { keys: [{ kty: 'RSA', kid: KID }, jwkOf(key.publicKey, KID)] };
    expect(codeOf(good, {}, set as Jwks)).toBe('VALID'); // first usable key with the kid counts
  });

  it.each([
    ['a claim changed', tamper(good, { ...claims, lic: { ...claims.lic, seats: 5000 } })],
    ['the same claims spelled differently', tamper(good, JSON.stringify(claims, null, 1))],
    ['signed by another key with the same kid', forge(claims, HEADER, p256().privateKey)],
    [
      'a signature bit flipped',
      (() => {
        const [h, p, s] = good.split('.');
        const sig = Buffer.from(s ?? '', 'base64url');
        sig[10] = (sig[10] ?? 0) ^ 1;
        return `${h}.${p}.${sig.toString('base64url')}`;
      })(),
    ],
    [
      'a DER signature (forgot the conversion)',
      (() => {
        const input = `${b64(HEADER)}.${b64(claims)}`;
        const der = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'der' });
        return `${input}.${der.toString('base64url')}`;
      })(),
    ],
    [
      'an all-zero signature (r = s = 0, CVE-2022-21449)',
      `${b64(HEADER)}.${b64(claims)}.${Buffer.alloc(64).toString('base64url')}`,
    ],
    [
      'r and s above the group order',
      `${b64(HEADER)}.${b64(claims)}.${Buffer.alloc(64, 0xff).toString('base64url')}`,
    ],
    ['a signature too short', `${b64(HEADER)}.${b64(claims)}.${'A'.repeat(84)}`],
    [
      'a non-canonical last character',
      (() => {
        const [h, p, s = ''] = good.split('.');
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alphabet.indexOf(s.slice(-1));
        return `${h}.${p}.${s.slice(0, -1)}${alphabet[last ^ 1]}`; // same bytes, other spelling
      })(),
    ],
  ])('BAD_SIGNATURE: %s', (_what, file) => {
    expect(check(file)).toMatchObject({ valid: false, code: 'BAD_SIGNATURE' });
  });

  it('FINGERPRINT_MISMATCH: a file issued to another instance, with its claims', () => {
    expect(check(good, { fingerprint: 'fp-instance-b' })).toMatchObject({
      valid: false,
      code: 'FINGERPRINT_MISMATCH',
      claims: { fpr: 'fp-instance-a' },
    });
  });

  it('NOT_YET_VALID: before nbf, to the second, with an optional clock tolerance', () => {
    expect(codeOf(good, { now: at(claims.nbf - 1) })).toBe('NOT_YET_VALID');
    expect(codeOf(good, { now: at(claims.nbf) })).toBe('VALID');
    expect(codeOf(good, { now: at(claims.nbf - 30), clockToleranceSeconds: 60 })).toBe('VALID');
  });

  it('EXPIRED: at and after exp; the claims say when', () => {
    const justBefore = new Date(claims.exp * 1000 - 1);
    const file = forge({ ...claims, rfb: claims.exp + DAY }); // refresh-by later than exp
    expect(codeOf(file, { now: justBefore })).toBe('VALID');
    const expired = check(file, { now: at(claims.exp) });
    expect(expired).toMatchObject({ valid: false, code: 'EXPIRED', claims: { exp: claims.exp } });
    expect(expired.valid === false && expired.message).toContain('2027-03-01');
  });

  it('REFRESH_OVERDUE: at rfb + grace; the grace is the signed grc unless overridden', () => {
    const { rfb, grc } = claims;
    expect(check(good, { now: at(rfb) })).toMatchObject({ valid: true, refreshDue: true });
    expect(check(good, { now: new Date((rfb + grc) * 1000 - 1) }).valid).toBe(true);
    expect(codeOf(good, { now: at(rfb + grc) })).toBe('REFRESH_OVERDUE');
    expect(codeOf(good, { now: at(rfb), graceSeconds: 0 })).toBe('REFRESH_OVERDUE');
    expect(codeOf(good, { now: at(rfb + grc), graceSeconds: grc + 1 })).toBe('VALID');
    expect(codeOf(forge({ ...claims, grc: undefined }), { now: at(rfb) })).toBe('REFRESH_OVERDUE');
  });
});

describe('verifyLicenseFile: re-checking a file', () => {
  it('gives the same answers from its memo, and never lets a verified file vouch for another', () => {
    const file = forge();
    const first = check(file);
    const again = check(file);
    expect(again).toEqual(first);
    expect(again.valid).toBe(true);
    // Time still counts on every check, memo or not.
    expect(codeOf(file, { now: at(T0 + 400 * DAY) })).not.toBe('VALID');
    // A tampered copy of a verified file is checked afresh and fails.
    expect(codeOf(tamper(file, { ...claims, sub: 'lic_other' }))).toBe('BAD_SIGNATURE');
    // The same file against a JWKS whose key under that kid changed: checked afresh.
    const other = p256();
    expect(codeOf(file, {}, { keys: [jwkOf(other.publicKey, KID)] })).toBe('BAD_SIGNATURE');
  });
});

describe('verifyLicenseFile: precedence', () => {
  const expired = { now: at(claims.exp + 10 * DAY) }; // also past rfb + grc
  const cases: [string, string, VerifyOptions, string][] = [
    ['header junk beats everything', `${b64('x')}.${b64(claims)}.sig`, {}, 'MALFORMED'],
    [
      'alg none with an unknown kid',
      `${b64({ alg: 'none', kid: 'nope' })}.${b64(claims)}.`,
      {},
      'UNSUPPORTED_ALG',
    ],
    [
      'unknown kid and tampered',
      tamper(forge(claims, { ...HEADER, kid: 'nope' }), { ...claims, fpr: 'x' }),
      {},
      'UNKNOWN_KEY',
    ],
    [
      'tampered and expired',
      tamper(good, { ...claims, lic: { ...claims.lic, seats: 9 } }),
      expired,
      'BAD_SIGNATURE',
    ],
    [
      'tampered, expired and another fingerprint',
      tamper(good, { ...claims, fpr: 'fp-x' }),
      { ...expired, fingerprint: 'fp-y' },
      'BAD_SIGNATURE',
    ],
    [
      'signed junk claims for another instance',
      forge({ ...claims, rfb: 'soon' }),
      { fingerprint: 'fp-y' },
      'MALFORMED',
    ],
    [
      'another instance and expired',
      good,
      { ...expired, fingerprint: 'fp-y' },
      'FINGERPRINT_MISMATCH',
    ],
    [
      'not yet valid and refresh overdue',
      forge({ ...claims, nbf: T0 + 30 * DAY }),
      { now: at(T0 + 20 * DAY) },
      'NOT_YET_VALID',
    ],
    ['expired and refresh overdue', good, expired, 'EXPIRED'],
  ];
  it.each(cases)('%s', (_what, file, options, code) => {
    expect(codeOf(file, options)).toBe(code);
  });
});

describe('verifyLicenseFile: never throws on garbage', () => {
  const garbage: unknown[] = [
    '',
    '.',
    '..',
    '...',
    '....',
    'a.b.c',
    'eyJ.eyJ.eyJ',
    randomBytes(200).toString('latin1'),
    randomBytes(200).toString('base64url'),
    `${randomBytes(40).toString('base64url')}.${randomBytes(40).toString('base64url')}.${randomBytes(64).toString('base64url')}`,
    'x'.repeat(10_000_000),
    `${'a'.repeat(5_000_000)}.${'b'.repeat(5_000_000)}.c`,
    `${b64({ alg: 'ES256', typ: 'tessera-license+jwt', kid: { toString: 1 } })}.e30.${'A'.repeat(86)}`,
    `${b64({ alg: 'ES256', typ: 'tessera-license+jwt', kid: '__proto__' })}.e30.${'A'.repeat(86)}`,
    `${b64('{"__proto__":{"alg":"ES256"}}')}.e30.x`,
    '\u0000\u0000.\uffff.\ud800',
    null,
    undefined,
    42,
    {},
    [],
    Symbol('x'),
  ];

  it.each(garbage.map((g, i) => [i, g] as const))('input #%i', (_i, input) => {
    const result = verifyLicenseFile(input as string, jwks, { now });
    expect(result.valid).toBe(false);
    expect(typeof (result as { message: string }).message).toBe('string');
  });

  it('survives 3,000 random mutations of a valid file and accepts none of them', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    const pick = (n: number) => Math.floor(Math.random() * n);
    for (let i = 0; i < 3000; i++) {
      const chars = [...good];
      const op = pick(3);
      const pos = pick(chars.length);
      if (op === 0) chars[pos] = alphabet[pick(alphabet.length)] ?? 'A';
      else if (op === 1) chars.splice(pos, 1 + pick(5));
      else chars.splice(pos, 0, alphabet[pick(alphabet.length)] ?? 'A');
      const mutated = chars.join('');
      const result = verifyLicenseFile(mutated, jwks, { now });
      if (mutated.trim() !== good) expect(result.valid, mutated).toBe(false);
    }
  });

  it('throws a TypeError only for a programming error in the options', () => {
    expect(() => verifyLicenseFile(good, jwks, { now: new Date('nonsense') })).toThrow(TypeError);
    expect(() => verifyLicenseFile(good, jwks, { graceSeconds: -1 })).toThrow(TypeError);
  });
});

// ---- The JWKS cache ---------------------------------------------------------------------------

describe('JWKS cache', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-jwks-'));
    dirs.push(dir);
    return join(dir, 'sub', 'jwks.json');
  };

  /** A server whose answer the test controls; `null` = unreachable. */
  const server = (initial: unknown) => {
    let answer: unknown = initial;
    const calls: string[] = [];
    const fetch = (async (url: string) => {
      calls.push(String(url));
      if (answer === null) throw new TypeError('fetch failed: ECONNREFUSED');
      if (answer instanceof Response) return answer.clone();
      return Response.json(answer);
    }) as typeof globalThis.fetch;
    return { fetch, calls, set: (next: unknown) => (answer = next) };
  };

  const clock = (start = 1_000_000) => {
    let t = start;
    return { now: () => t, advance: (seconds: number) => (t += seconds * 1000) };
  };

  it('fetches <baseUrl>/.well-known/jwks.json once and serves it from memory while fresh', async () => {
    const s = server(jwks);
    const c = clock();
    const cache = createJwksCache({
      baseUrl: 'https://lic.example/v1/',
      fetch: s.fetch,
      now: c.now,
    });
    expect(await cache.get()).toEqual(jwks);
    c.advance(3599);
    await Promise.all([cache.get(), cache.get()]);
    expect(s.calls).toEqual(['https://lic.example/v1/.well-known/jwks.json']);
    expect(cache.fetchedAt).toEqual(new Date(1_000_000));
  });

  it('serves the last good set when the server is unreachable or answers nonsense, retrying at most once a minute', async () => {
    const s = server(jwks);
    const c = clock();
    const cache = createJwksCache({ baseUrl: 'https://lic.example', fetch: s.fetch, now: c.now });
    await cache.get();
    for (const bad of [null, { keys: [] }, { nope: 1 }, new Response('oops', { status: 503 })]) {
      s.set(bad);
      c.advance(3600);
      expect(await cache.get()).toEqual(jwks);
      expect(cache.lastError).toBeInstanceOf(Error);
    }
    const before = s.calls.length;
    c.advance(30);
    await cache.get();
    expect(s.calls.length).toBe(before); // within minRefetchSeconds of the last attempt
  });

  it('keeps the set in a file, so a restart while offline still verifies', async () => {
    const file = tempFile();
    const online = server(jwks);
    await createJwksCache({
      baseUrl: 'https://lic.example',
      fetch: online.fetch,
      filePath: file,
    }).get();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(jwks);

    const offline = server(null);
    const restarted = createJwksCache({
      baseUrl: 'https://lic.example',
      fetch: offline.fetch,
      filePath: file,
    });
    expect(await restarted.get()).toEqual(jwks);
    expect(await restarted.verify(good, { now, fingerprint: 'fp-instance-a' })).toMatchObject({
      valid: true,
    });
    expect(restarted.fetchedAt).toBeNull();
  });

  it('with no set anywhere, get throws JwksUnavailableError and verify reports UNKNOWN_KEY', async () => {
    const cache = createJwksCache({
      baseUrl: 'https://lic.example',
      fetch: server(null).fetch,
      filePath: tempFile(),
    });
    await expect(cache.get()).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(await cache.verify(good, { now })).toMatchObject({ valid: false, code: 'UNKNOWN_KEY' });
    expect(await cache.verify('garbage', { now })).toMatchObject({ code: 'MALFORMED' });
  });

  it('refetches when a file names a kid it does not have yet (key rotation)', async () => {
    const next = p256();
    const rotated = { keys: [jwkOf(next.publicKey, 'key-2027'), ...jwks.keys] };
    const s = server(jwks);
    const c = clock();
    const cache = createJwksCache({ baseUrl: 'https://lic.example', fetch: s.fetch, now: c.now });
    await cache.get();
    s.set(rotated);
    const file = forge(claims, { ...HEADER, kid: 'key-2027' }, next.privateKey);
    c.advance(61);
    expect(await cache.verify(file, { now })).toMatchObject({ valid: true, kid: 'key-2027' });
    expect(await cache.get({ kid: 'key-2027' })).toEqual(rotated);
    expect(s.calls).toHaveLength(2);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof globalThis.fetch;
    const cache = createJwksCache({
      baseUrl: 'https://lic.example',
      fetch: hanging,
      timeoutMs: 50,
    });
    await expect(cache.get()).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(cache.lastError?.name).toBe('TimeoutError');
  });
});
