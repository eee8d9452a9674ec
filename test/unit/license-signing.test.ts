import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
} from 'jose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { kmsApi } from '../../lambdas/adapters/aws/services.ts';
import { buildJwks, parsePublicJwks } from '../../lambdas/adapters/jwks.ts';
import {
  derToJose,
  joseToDer,
  jwkThumbprint,
  type LicenseSigner,
  type PublicJwk,
} from '../../lambdas/adapters/signer.ts';
import { kidForKmsKey, kmsSigner } from '../../lambdas/adapters/signer-kms.ts';
import {
  generateSigningKeyPem,
  loadOrCreateLocalSigningKey,
  localSigner,
} from '../../lambdas/adapters/signer-local.ts';
import {
  type BuildClaimsInput,
  buildClaims,
  DEFAULT_GRACE_SECONDS,
  DEFAULT_REFRESH_SECONDS,
  LicenseClaims,
} from '../../lambdas/domain/license-file.ts';
import { verifyLicenseFile } from '../../sdk/src/verify.ts';
import { FakeAwsError, startFakeAws } from '../support/fake-aws.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

const input = (overrides: Partial<BuildClaimsInput['license']> = {}): BuildClaimsInput => ({
  license: {
    id: 'lic_01jabcdefghjkmnpqrstvwxyz0',
    serial: 'TSR-000123',
    product: 'CALL_CENTER',
    modules: ['ivr', 'recording'],
    seatModel: 'concurrent',
    seatLimit: 50,
    maxActivations: 3,
    validFrom: '2026-01-01T00:00:00.000Z',
    validTill: '2027-01-01T00:00:00.000Z',
    maintenanceUntil: '2026-07-01T00:00:00.000Z',
    trial: false,
    customerName: 'Acme Telecom',
    registeredEmail: 'it@acme.example',
    ...overrides,
  },
  activation: { id: 'act_01jabcdefghjkmnpqrstvwxyz0', fingerprint: 'fp:9f86d081884c7d65' },
  issuedAt: NOW,
  fileId: 'lf_01jabcdefghjkmnpqrstvwxyz0',
});

const claims = buildClaims(input());

const decodePart = (part: string | undefined): unknown =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

/** The signing input, encoded here independently of the signer's helpers. */
const expectedSigningInput = (kid: string, payload: LicenseClaims): string =>
  [{ alg: 'ES256', typ: 'tessera-license+jwt', kid }, payload]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.');

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/**
 * A stand-in for KMS on one client: a real P-256 key that answers `Sign` with a real DER
 * signature and `GetPublicKey` with the real SPKI DER. Node cannot sign a pre-hashed digest, so
 * the fake knows the preimages the test expects to be signed (`expect(input)`): it checks that the
 * received `Message` is exactly SHA-256 of one of them, then signs that input with SHA-256, which
 * is the same ECDSA operation over the same digest.
 */
/** Fake KMS endpoints started by this file, closed at its end. */
const fakes: { close: () => Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()));
});

const fakeKms = async (options: { keyId?: string; publicKey?: KeyObject } = {}) => {
  const keyId = options.keyId ?? '1234abcd-12ab-34cd-56ef-1234567890ab';
  const key = p256();
  const spki = (options.publicKey ?? key.publicKey).export({ format: 'der', type: 'spki' });
  const preimages = new Map<string, Buffer>();
  const server = await startFakeAws();
  fakes.push(server);
  const client = kmsApi({ region: 'us-east-1', endpoint: server.endpoint });
  const signed: Buffer[] = [];
  server.on('Sign', (command) => {
    expect(command.KeyId).toBe(keyId);
    expect(command.MessageType).toBe('DIGEST');
    expect(command.SigningAlgorithm).toBe('ECDSA_SHA_256');
    const digest = Buffer.from(String(command.Message), 'base64');
    expect(digest.length).toBe(32);
    const preimage = preimages.get(digest.toString('hex'));
    if (!preimage) throw new Error('KMS was asked to sign a digest of unexpected bytes');
    const der = sign('sha256', preimage, { key: key.privateKey, dsaEncoding: 'der' });
    signed.push(der);
    return {
      KeyId: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
      Signature: der.toString('base64'),
      SigningAlgorithm: 'ECDSA_SHA_256',
    };
  });
  server.on('GetPublicKey', () => ({
    KeyId: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ECDSA_SHA_256'],
    PublicKey: spki.toString('base64'),
  }));
  return {
    client,
    kms: server,
    keyId,
    key,
    signed,
    expect: (signingInput: string) => {
      preimages.set(sha256(signingInput).toString('hex'), Buffer.from(signingInput));
    },
  };
};

describe('license claims', () => {
  it('maps the license and activation onto short, documented claims in NumericDate seconds', () => {
    expect(claims).toEqual({
      iss: 'tessera',
      sub: 'lic_01jabcdefghjkmnpqrstvwxyz0',
      jti: 'lf_01jabcdefghjkmnpqrstvwxyz0',
      iat: NOW_S,
      nbf: Date.parse('2026-01-01T00:00:00Z') / 1000,
      exp: Date.parse('2027-01-01T00:00:00Z') / 1000,
      rfb: NOW_S + DEFAULT_REFRESH_SECONDS,
      grc: DEFAULT_GRACE_SECONDS,
      act: 'act_01jabcdefghjkmnpqrstvwxyz0',
      fpr: 'fp:9f86d081884c7d65',
      lic: {
        serial: 'TSR-000123',
        product: 'CALL_CENTER',
        modules: ['ivr', 'recording'],
        seatModel: 'concurrent',
        seats: 50,
        maxActivations: 3,
        maintenanceUntil: Date.parse('2026-07-01T00:00:00Z') / 1000,
        trial: false,
        customer: 'Acme Telecom',
        email: 'it@acme.example',
      },
    });
  });

  it('leaves out exp for a perpetual license and nbf when there is no start date', () => {
    const perpetual = buildClaims(
      input({ validFrom: undefined, validTill: undefined, maintenanceUntil: undefined }),
    );
    expect(perpetual).not.toHaveProperty('exp');
    expect(perpetual).not.toHaveProperty('nbf');
    expect(perpetual.lic).not.toHaveProperty('maintenanceUntil');
    expect(perpetual.rfb).toBe(NOW_S + DEFAULT_REFRESH_SECONDS);
  });

  it('asks for a refresh when the license ends if that comes before the regular refresh', () => {
    const endsSoon = buildClaims(input({ validTill: new Date((NOW_S + 3600) * 1000) }));
    expect(endsSoon.rfb).toBe(NOW_S + 3600);
    const custom = buildClaims({ ...input(), refreshAfterSeconds: 600, graceSeconds: 0 });
    expect(custom.rfb).toBe(NOW_S + 600);
    expect(custom.grc).toBe(0);
  });

  it('refuses input that would make a file no instance accepts', () => {
    expect(() => buildClaims(input({ validTill: 'not a date' }))).toThrow(TypeError);
    expect(() => buildClaims(input({ serial: '' }))).toThrow();
    expect(() => buildClaims(input({ validFrom: '2027-06-01T00:00:00Z' }))).toThrow(/nbf/);
    expect(() => buildClaims({ ...input(), refreshAfterSeconds: 0 })).toThrow(TypeError);
    expect(LicenseClaims.safeParse({ ...claims, extra: 1 }).success).toBe(false);
  });
});

describe('DER ⇄ JOSE signature conversion', () => {
  const key = p256();
  const message = Buffer.from('tessera license file signing input');
  const isShort = (raw: Buffer) => raw[0] === 0 || raw[32] === 0;
  const hasHighBit = (raw: Buffer) => ((raw[0] ?? 0) | (raw[32] ?? 0)) >= 0x80;

  it('converts 500+ real DER signatures to exactly the bytes node gives for ieee-p1363', () => {
    // Node cannot re-encode one signature, but its DER verify is strict (OpenSSL re-encodes and
    // compares), so: raw r‖s from node → our DER → node accepts it as DER → our JOSE form of it
    // must be node's raw bytes again, byte for byte. Run until the batch holds signatures whose
    // r or s has leading zero bytes (about 1 in 128) and ones with the high bit set (about 3 in 4).
    let total = 0;
    let short = 0;
    let high = 0;
    while (total < 500 || short < 5) {
      const raw = sign('sha256', message, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
      const der = joseToDer(raw);
      expect(verify('sha256', message, { key: key.publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      expect(derToJose(der).equals(raw)).toBe(true);
      total++;
      if (isShort(raw)) short++;
      if (hasHighBit(raw)) high++;
    }
    expect(high).toBeGreaterThan(total / 2);
  });

  it('turns 500+ DER signatures as KMS returns them into r‖s that verifies, and back exactly', () => {
    let total = 0;
    let short = 0;
    while (total < 500 || short < 5) {
      const der = sign('sha256', message, { key: key.privateKey, dsaEncoding: 'der' });
      const raw = derToJose(der);
      expect(raw.length).toBe(64);
      expect(
        verify('sha256', message, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, raw),
      ).toBe(true);
      expect(joseToDer(raw).equals(der)).toBe(true);
      total++;
      if (isShort(raw)) short++; // a DER INTEGER under 32 bytes, left-padded here
    }
  });

  it('pads short integers, strips the sign byte, and rejects anything that is not canonical DER', () => {
    const one = Buffer.alloc(32);
    one[31] = 1;
    expect(derToJose(Buffer.from('3006020101020101', 'hex'))).toEqual(Buffer.concat([one, one]));
    const top = Buffer.alloc(32, 0xff);
    const der = Buffer.concat([
      Buffer.from('3046022100', 'hex'),
      top,
      Buffer.from('022100', 'hex'),
      top,
    ]);
    expect(derToJose(der)).toEqual(Buffer.concat([top, top]));
    expect(joseToDer(Buffer.concat([top, top]))).toEqual(der);
    expect(joseToDer(Buffer.concat([one, one]))).toEqual(Buffer.from('3006020101020101', 'hex'));

    const bad = [
      '', // empty
      '3106020101020101', // SET, not SEQUENCE
      '3007020101020101', // length mismatch
      '300602010102010100', // trailing byte
      '30070202000102010100', // non-minimal: 00 before a byte without the high bit
      '3006020181020101', // negative r
      '3006020101030101', // s is not an INTEGER
      '300402010102', // truncated
      `3045022101${'11'.repeat(32)}020101`, // r longer than 32 bytes
      '3000', // no integers
    ];
    for (const hex of bad) expect(() => derToJose(Buffer.from(hex, 'hex')), hex).toThrow(/DER/);
    expect(() => joseToDer(Buffer.alloc(63))).toThrow();
  });
});

// ---- One contract, two signers --------------------------------------------------------------

interface SignerFixture {
  signer: LicenseSigner;
  /** Called before each sign: lets the KMS fake know which bytes it will be asked to sign. */
  beforeSign(kid: string, payload: LicenseClaims): void;
}

const localFixture = async (): Promise<SignerFixture> => ({
  signer: localSigner({ privateKeyPem: generateSigningKeyPem() }),
  beforeSign: () => {},
});

const kmsFixture = async (): Promise<SignerFixture> => {
  const fake = await fakeKms();
  return {
    signer: kmsSigner({ client: fake.client, keyId: fake.keyId }),
    beforeSign: (kid, payload) => fake.expect(expectedSigningInput(kid, payload)),
  };
};

describe.each([
  ['local P-256 key', localFixture],
  ['KMS (a fake KMS endpoint over HTTP, real DER signatures)', kmsFixture],
])('signer contract: %s', (_name, makeFixture) => {
  let fixture: SignerFixture;
  let signer: LicenseSigner;
  const signed = async (payload: LicenseClaims = claims) => {
    fixture.beforeSign(signer.kid, payload);
    return signer.sign(payload);
  };

  beforeEach(async () => {
    fixture = await makeFixture();
    signer = fixture.signer;
  });

  it('writes the header {alg, typ, kid} and the claims exactly, encoded as the JWS spec says', async () => {
    const file = await signed();
    const [header, payload, signature] = file.split('.');
    expect(decodePart(header)).toEqual({
      alg: 'ES256',
      typ: 'tessera-license+jwt',
      kid: signer.kid,
    });
    expect(Object.keys(decodePart(header) as object)).toEqual(['alg', 'typ', 'kid']);
    expect(decodePart(payload)).toEqual(claims);
    expect(`${header}.${payload}`).toBe(expectedSigningInput(signer.kid, claims));
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/); // 64 bytes r‖s, never DER
  });

  it('verifies with jose (a library Tessera does not sign with) given only the JWKS', async () => {
    const file = await signed();
    const jwks = JSON.parse(JSON.stringify(await buildJwks([signer])));
    const { payload, protectedHeader } = await jwtVerify(file, createLocalJWKSet(jwks), {
      issuer: 'tessera',
      typ: 'tessera-license+jwt',
      algorithms: ['ES256'],
      currentDate: NOW,
    });
    expect(payload).toEqual(claims);
    expect(protectedHeader.kid).toBe(signer.kid);

    const jwk = jwks.keys[0];
    const { payload: raw } = await compactVerify(file, await importJWK(jwk, 'ES256'));
    expect(JSON.parse(Buffer.from(raw).toString('utf8'))).toEqual(claims);
  });

  it('verifies with the Tessera SDK, and every signature is fresh (ECDSA draws a new nonce)', async () => {
    const first = await signed();
    const second = await signed();
    expect(first).not.toBe(second);
    const jwks = await buildJwks([signer]);
    for (const file of [first, second]) {
      const result = verifyLicenseFile(file, jwks, { now: NOW, fingerprint: claims.fpr });
      expect(result).toMatchObject({ valid: true, kid: signer.kid });
    }
  });

  it('publishes public members only, under the kid it signs with', async () => {
    const jwk = await signer.publicJwk();
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(jwk).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: signer.kid,
    });
    expect(decodeProtectedHeader(await signed()).kid).toBe(jwk.kid);
  });

  it('refuses to sign claims that are not a valid claim set', async () => {
    const bad = { ...claims, rfb: -1 } as LicenseClaims;
    await expect(signer.sign(bad)).rejects.toThrow();
    await expect(
      signer.sign({ ...claims, iss: 'evil' } as unknown as LicenseClaims),
    ).rejects.toThrow();
  });
});

describe('KMS signer', () => {
  const client = () => kmsApi({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });

  it('sends KMS the SHA-256 digest of the signing input, also for a claim set far over 4 KB', async () => {
    const fake = await fakeKms();
    const signer = kmsSigner({ client: fake.client, keyId: fake.keyId });
    const big = buildClaims(
      input({ modules: Array.from({ length: 200 }, (_, i) => `module-${i}-${'x'.repeat(40)}`) }),
    );
    const signingInput = expectedSigningInput(signer.kid, big);
    expect(signingInput.length).toBeGreaterThan(4096); // RAW would be refused by KMS
    fake.expect(signingInput);
    const file = await signer.sign(big);
    const sign = fake.kms.callsOf('Sign')[0];
    expect(sign?.service).toBe('kms');
    expect(Buffer.from(String(sign?.input.Message), 'base64').equals(sha256(signingInput))).toBe(
      true,
    );
    // The JWS carries exactly KMS's signature, converted: the DER it returned, as r‖s.
    const der = fake.signed[0] ?? Buffer.alloc(0);
    expect(Buffer.from(file.split('.')[2] ?? '', 'base64url').equals(derToJose(der))).toBe(true);
    const jwks = createLocalJWKSet(await buildJwks([signer]));
    await expect(jwtVerify(file, jwks, { currentDate: NOW })).resolves.toBeDefined();
  });

  it('turns the SPKI from GetPublicKey into the same JWK node exports, fetched once', async () => {
    const fake = await fakeKms();
    const signer = kmsSigner({ client: fake.client, keyId: fake.keyId });
    const jwk = await signer.publicJwk();
    const expected = fake.key.publicKey.export({ format: 'jwk' });
    expect(jwk).toMatchObject({ x: expected.x, y: expected.y, kid: fake.keyId });
    fake.expect(expectedSigningInput(signer.kid, claims));
    await signer.sign(claims);
    await signer.publicJwk();
    expect(fake.kms.callsOf('GetPublicKey')).toHaveLength(1);
  });

  it('names the key by its KMS key id unless told otherwise; an alias needs an explicit kid', () => {
    const uuid = '1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(kidForKmsKey(uuid)).toBe(uuid);
    expect(kidForKmsKey(`arn:aws:kms:eu-west-1:111122223333:key/${uuid}`)).toBe(uuid);
    expect(kidForKmsKey('mrk-1234abcd12ab34cd56ef1234567890ab')).toBe(
      'mrk-1234abcd12ab34cd56ef1234567890ab',
    );
    expect(() => kmsSigner({ client: client(), keyId: 'alias/tessera-signing' })).toThrow(/kid/);
    expect(kmsSigner({ client: client(), keyId: 'alias/x', kid: 'k2026' }).kid).toBe('k2026');
  });

  it('refuses a signature that does not verify under its own key (a kid/key mix-up)', async () => {
    const fake = await fakeKms({ publicKey: p256().publicKey });
    const signer = kmsSigner({ client: fake.client, keyId: fake.keyId });
    fake.expect(expectedSigningInput(signer.kid, claims));
    await expect(signer.sign(claims)).rejects.toThrow(/does not verify/);
  });

  it('fails clearly on a wrong key type or a missing signature, and retries a failed key fetch', async () => {
    const kms = await startFakeAws();
    fakes.push(kms);
    const c = kmsApi({ region: 'us-east-1', endpoint: kms.endpoint, maxAttempts: 1 });
    kms.once('GetPublicKey', () => new FakeAwsError('ThrottlingException', 'throttled'));
    kms.once('GetPublicKey', () => ({
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      PublicKey: 'AA==',
    }));
    kms.on('Sign', () => ({}));
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const signer = kmsSigner({ client: c, keyId });
    await expect(signer.publicJwk()).rejects.toThrow('throttled');
    await expect(signer.publicJwk()).rejects.toThrow(/ECC_NIST_P256/);

    const noCheck = kmsSigner({ client: c, keyId, selfCheck: false });
    await expect(noCheck.sign(claims)).rejects.toThrow(/no signature/);
    expect(kms.callsOf('GetPublicKey')).toHaveLength(2); // none for selfCheck:false
  });
});

describe('local signing key', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-key-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is created once as a 0600 PKCS#8 PEM and reused, so the kid survives restarts', async () => {
    const dir = join(tempDir(), 'state');
    const first = await loadOrCreateLocalSigningKey(dir);
    expect(first.created).toBe(true);
    expect(first.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateLocalSigningKey(dir);
    expect(again).toMatchObject({ created: false, privateKeyPem: first.privateKeyPem });
    expect(localSigner(again).kid).toBe(localSigner(first).kid);
  });

  it('gives ten processes starting at once the same key', async () => {
    const dir = tempDir();
    const loaded = await Promise.all(
      Array.from({ length: 10 }, () => loadOrCreateLocalSigningKey(dir)),
    );
    expect(new Set(loaded.map((l) => l.privateKeyPem)).size).toBe(1);
    expect(loaded.filter((l) => l.created)).toHaveLength(1);
  });

  it('refuses a key file that is not P-256, and keys of other types or curves', async () => {
    const dir = tempDir();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(
      join(dir, 'signing-key.pem'),
      rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    await expect(loadOrCreateLocalSigningKey(dir)).rejects.toThrow(/not a P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() =>
      localSigner({
        privateKeyPem: p384.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      }),
    ).toThrow(/P-256/);
  });

  it('uses the RFC 7638 thumbprint as the default kid', async () => {
    const signer = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const jwk = await signer.publicJwk();
    expect(signer.kid).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
    expect(jwkThumbprint(jwk)).toBe(signer.kid);
  });
});

describe('JWKS and key rotation', () => {
  it('lists the current key first, then retired ones, once each', async () => {
    const current = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const retired = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const retiredJwk = await retired.publicJwk();
    const jwks = await buildJwks([current, retiredJwk, retired]);
    expect(jwks.keys.map((k) => k.kid)).toEqual([current.kid, retired.kid]);
  });

  it('never publishes a private member, even when given a private JWK', async () => {
    const key = p256();
    const privateJwk = {
      ...key.privateKey.export({ format: 'jwk' }),
      kid: 'k1',
    } as unknown as PublicJwk;
    const jwks = await buildJwks([privateJwk]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(JSON.stringify(jwks)).not.toContain((privateJwk as unknown as { d: string }).d);
    expect(parsePublicJwks(JSON.stringify({ keys: [privateJwk] }))[0]).not.toHaveProperty('d');
  });

  it('refuses two different keys under one kid, and keys not on P-256', async () => {
    const a = await localSigner({
      privateKeyPem: generateSigningKeyPem(),
      kid: 'same',
    }).publicJwk();
    const b = await localSigner({
      privateKeyPem: generateSigningKeyPem(),
      kid: 'same',
    }).publicJwk();
    await expect(buildJwks([a, b])).rejects.toThrow(/share the kid/);
    expect(() => parsePublicJwks(JSON.stringify([{ ...a, crv: 'P-384' }]))).toThrow();
    const offCurve = { ...a, y: a.x }; // (x, x) is not a point on the curve
    expect(() => parsePublicJwks(JSON.stringify([offCurve]))).toThrow();
  });

  it('keeps files signed by the old key verifiable after rotation, while new files use the new kid', async () => {
    const oldKey = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const oldFile = await oldKey.sign(claims);
    const newKey = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const newFile = await newKey.sign(claims);
    const jwks = createLocalJWKSet(await buildJwks([newKey, await oldKey.publicJwk()]));
    const options = { currentDate: NOW, typ: 'tessera-license+jwt', algorithms: ['ES256'] };
    expect((await jwtVerify(oldFile, jwks, options)).protectedHeader.kid).toBe(oldKey.kid);
    expect((await jwtVerify(newFile, jwks, options)).protectedHeader.kid).toBe(newKey.kid);
    // Once the old key is withdrawn, its files no longer verify.
    const withdrawn = createLocalJWKSet(await buildJwks([newKey]));
    await expect(jwtVerify(oldFile, withdrawn, options)).rejects.toThrow();
  });
});

// ---- The openssl procedure in docs/license-files.md, run as written --------------------------

const has = (...command: [string, ...string[]]) =>
  spawnSync(command[0], command.slice(1), { stdio: 'ignore' }).status === 0;
const opensslScript = (): string => {
  const doc = readFileSync(new URL('../../docs/license-files.md', import.meta.url), 'utf8');
  const marked = doc.split('<!-- tested: openssl-verify -->')[1] ?? '';
  const script = /```sh\n([\s\S]*?)```/.exec(marked)?.[1];
  if (!script) throw new Error('docs/license-files.md lost its openssl-verify block');
  return script;
};

describe.skipIf(!has('openssl', 'version') || !has('jq', '--version'))(
  'openssl verification (docs/license-files.md)',
  () => {
    const run = (file: string, jwks: unknown) => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-openssl-'));
      try {
        writeFileSync(join(dir, 'license.jwt'), `${file}\n`);
        writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks, null, 2));
        writeFileSync(join(dir, 'verify.sh'), `set -euo pipefail\n${opensslScript()}`);
        return spawnSync('bash', ['verify.sh'], { cwd: dir, encoding: 'utf8' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('verifies real files with openssl alone, and rejects a tampered one', async () => {
      const signer = localSigner({ privateKeyPem: generateSigningKeyPem() });
      const jwks = await buildJwks([signer]);
      // Several files: signatures whose r or s has the top bit set, and (when drawn) a leading zero.
      for (let i = 0; i < 4; i++) {
        const out = run(await signer.sign(claims), jwks);
        expect(out.stdout + out.stderr).toContain('Verified OK');
        expect(out.status).toBe(0);
      }
      const [h, p, s] = (await signer.sign(claims)).split('.');
      const forged = Buffer.from(
        JSON.stringify({ ...(decodePart(p) as object), lic: { ...claims.lic, seats: 5000 } }),
      ).toString('base64url');
      const out = run(`${h}.${forged}.${s}`, jwks);
      expect(out.stdout + out.stderr).toContain('Verification failure');
      expect(out.status).not.toBe(0);
    }, 30_000);
  },
);
