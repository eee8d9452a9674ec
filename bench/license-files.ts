import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { buildJwks } from '../lambdas/adapters/jwks.ts';
import { generateSigningKeyPem, localSigner } from '../lambdas/adapters/signer-local.ts';
import { buildClaims } from '../lambdas/domain/license-file.ts';
import { verifyLicenseFile } from '../sdk/src/verify.ts';
import { median } from './stats.ts';

/**
 * License files: signing time per file with the local signer, and offline verifications per
 * second with the SDK next to a bare `crypto.verify` of the same signature with the same key
 * (the ratio is the SDK's overhead: envelope and header checks, JWKS lookup, claim checks), with
 * jose's jwtVerify as a reference point.
 */
const RUN_MS = 400;
const ROUNDS = 5;

/** Operations per second of `fn` over RUN_MS after a warm-up; awaits only what returns a promise. */
const rate = async (fn: () => unknown): Promise<number> => {
  for (let i = 0; i < 200; i++) {
    const out = fn();
    if (out instanceof Promise) await out;
  }
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(RUN_MS) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) {
      const out = fn();
      if (out instanceof Promise) await out;
    }
    n += 50;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
};

/**
 * The cases run interleaved, ROUNDS times, and each reports its median: a busy machine slows
 * every case of a round alike instead of skewing one of them.
 */
const medians = async (cases: Record<string, () => unknown>): Promise<Record<string, number>> => {
  const runs: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      const ops = await rate(fn);
      runs[name] = [...(runs[name] ?? []), ops];
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, median(values)]));
};

/**
 * The SDK against a bare `crypto.verify` of the same files, in paired rounds of CPU time (not wall
 * time, which a busy machine skews): each round verifies the same BATCH files both ways, in
 * alternating order, and yields one ratio; the median of PAIRED_ROUNDS rounds is reported.
 */
const PAIRED_ROUNDS = 41;
const BATCH = 100;
const cpuMicros = (run: () => void): number => {
  const start = process.cpuUsage();
  run();
  const spent = process.cpuUsage(start);
  return spent.user + spent.system;
};
export const pairedRatio = (
  count: number,
  sdk: (i: number) => unknown,
  bare: (i: number) => unknown,
): { ratio: number; sdkMicros: number; bareMicros: number } => {
  const ratios: number[] = [];
  const sdkTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let round = 0; round < PAIRED_ROUNDS; round++) {
    const from = (round * BATCH) % count;
    const batch = (fn: (i: number) => unknown) => () => {
      for (let i = 0; i < BATCH; i++) fn((from + i) % count);
    };
    const [first, second] = round % 2 === 0 ? [sdk, bare] : [bare, sdk];
    const a = cpuMicros(batch(first));
    const b = cpuMicros(batch(second));
    const [sdkTime, bareTime] = round % 2 === 0 ? [a, b] : [b, a];
    sdkTimes.push(sdkTime / BATCH);
    bareTimes.push(bareTime / BATCH);
    ratios.push(bareTime / sdkTime);
  }
  return { ratio: median(ratios), sdkMicros: median(sdkTimes), bareMicros: median(bareTimes) };
};

const fmt = (value: number) => Math.round(value).toLocaleString('en-US').padStart(9);

export const licenseFiles = async (): Promise<{
  verifyRatio: number;
  floorRatio: number;
  memoSpeedup: number;
}> => {
  const privateKeyPem = generateSigningKeyPem();
  const signer = localSigner({ privateKeyPem });
  const issuedAt = new Date();
  const claims = buildClaims({
    license: {
      id: 'lic_01jabcdefghjkmnpqrstvwxyz0',
      serial: 'TSR-000123',
      product: 'CALL_CENTER',
      modules: ['ivr', 'recording', 'wallboard', 'crm'],
      seatModel: 'concurrent',
      seatLimit: 50,
      maxActivations: 3,
      validFrom: new Date(issuedAt.getTime() - 86_400_000),
      validTill: new Date(issuedAt.getTime() + 365 * 86_400_000),
      trial: false,
      customerName: 'Acme Telecom',
      registeredEmail: 'it@acme.example',
    },
    activation: { id: 'act_01jabcdefghjkmnpqrstvwxyz0', fingerprint: 'fp:9f86d081884c7d65' },
    issuedAt,
    fileId: 'lf_01jabcdefghjkmnpqrstvwxyz0',
  });
  const file = await signer.sign(claims);
  const jwks = await buildJwks([signer]);
  const [h, p, s] = file.split('.');
  const input = Buffer.from(`${h}.${p}`, 'ascii');
  const signature = Buffer.from(s ?? '', 'base64url');
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const options = { fingerprint: 'fp:9f86d081884c7d65' };
  if (!verifyLicenseFile(file, jwks, options).valid) throw new Error('bench file does not verify');

  // Distinct files, more than the SDK remembers, so its memo never answers for these rows.
  const distinct = await Promise.all(
    Array.from({ length: 2000 }, (_, i) => signer.sign({ ...claims, jti: `lf_bench_${i}` })),
  );
  const inputs = distinct.map((f) => {
    const [dh, dp, ds] = f.split('.');
    return {
      file: f,
      input: Buffer.from(`${dh}.${dp}`, 'ascii'),
      sig: Buffer.from(ds ?? '', 'base64url'),
    };
  });
  let n = 0;
  const nextOne = () => inputs[n++ % inputs.length] as (typeof inputs)[number];
  const joseSet = createLocalJWKSet(jwks);
  const ops = await medians({
    sdkDistinct: () => verifyLicenseFile(nextOne().file, jwks, options),
    rawDistinct: () => {
      const one = nextOne();
      return verify('sha256', one.input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, one.sig);
    },
    sign: () => signer.sign(claims),
    rawSign: () => sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    sdk: () => verifyLicenseFile(file, jwks, options),
    raw: () => verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    jose: () => jwtVerify(file, joseSet, { algorithms: ['ES256'] }),
  });
  const at = (name: string) => ops[name] ?? 0;

  console.log(`license file: ${file.length} characters, ES256 (P-256), node ${process.version}`);
  console.log('                                          ops/s     µs/op');
  const row = (name: string, ops: number) =>
    console.log(`${name.padEnd(40)} ${fmt(ops)} ${(1e6 / ops).toFixed(1).padStart(9)}`);
  row('sign: localSigner.sign (claims → JWS)', at('sign'));
  row('sign: bare crypto.sign, same input', at('rawSign'));
  row('verify: SDK, distinct files', at('sdkDistinct'));
  row('verify: bare crypto.verify, distinct', at('rawDistinct'));
  row('verify: SDK, the same file again (memo)', at('sdk'));
  row('verify: bare crypto.verify, same key', at('raw'));
  row('verify: jose jwtVerify (reference)', at('jose'));
  const bareOf = (i: number) => {
    const one = inputs[i] as (typeof inputs)[number];
    return verify('sha256', one.input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, one.sig);
  };
  const paired = pairedRatio(
    inputs.length,
    (i) => verifyLicenseFile((inputs[i] as (typeof inputs)[number]).file, jwks, options),
    bareOf,
  );
  // What no verifier that hands back the claims can go below: the signature plus one JSON.parse
  // of the payload, with none of the header, key, claim and time checks.
  const floor = pairedRatio(
    inputs.length,
    (i) => {
      const payload = (inputs[i] as (typeof inputs)[number]).file.split('.')[1] ?? '';
      return bareOf(i) && JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    },
    bareOf,
  );
  console.log(
    `SDK ÷ bare crypto.verify, distinct files, paired CPU-time rounds = ${paired.ratio.toFixed(2)} (${paired.sdkMicros.toFixed(1)} vs ${paired.bareMicros.toFixed(1)} µs CPU, median of ${PAIRED_ROUNDS}); the same file again = ${(at('sdk') / at('raw')).toFixed(1)}× bare (wall, median of ${ROUNDS} interleaved rounds)`,
  );
  console.log(
    `floor: crypto.verify + JSON.parse of the claims alone ÷ bare = ${floor.ratio.toFixed(2)} (${floor.sdkMicros.toFixed(1)} µs CPU); the SDK's own checks cost the rest`,
  );
  return { verifyRatio: paired.ratio, floorRatio: floor.ratio, memoSpeedup: at('sdk') / at('raw') };
};
