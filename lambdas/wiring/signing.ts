import { readFileSync } from 'node:fs';
import { kmsApi } from '../adapters/aws/services.ts';
import { parsePublicJwks } from '../adapters/jwks.ts';
import type { LicenseSigner, PublicJwk } from '../adapters/signer.ts';
import { kmsSigner } from '../adapters/signer-kms.ts';
import { localSigner } from '../adapters/signer-local.ts';
import { config } from '../config.ts';
import { countBusiness } from './business-metrics.ts';

/**
 * The license-file signer for this process: KMS in AWS, the local P-256 key on the local
 * runtime. Built once; only the signing functions (`instance`, and `relay` for allotments) import
 * this module, so only they can sign.
 */
let signer: LicenseSigner | undefined;

/** Counts every failed signature (SigningFailures, alarmed): KMS down, throttled, key disabled. */
const counting = async (sign: () => Promise<string>) => {
  try {
    return await sign();
  } catch (error) {
    countBusiness('SigningFailures');
    throw error;
  }
};
const counted = (inner: LicenseSigner): LicenseSigner => ({
  kid: inner.kid,
  publicJwk: () => inner.publicJwk(),
  sign: (claims) => counting(() => inner.sign(claims)),
  signDocument: (typ, payload) => counting(() => inner.signDocument(typ, payload)),
});

export const currentSigner = (): LicenseSigner => {
  if (signer) return signer;
  const cfg = config();
  if (cfg.SIGNING_KEY_ID) {
    signer = counted(
      kmsSigner({ client: kmsApi({ region: cfg.AWS_REGION }), keyId: cfg.SIGNING_KEY_ID }),
    );
  } else if (cfg.SIGNING_KEY_FILE) {
    signer = counted(localSigner({ privateKeyPem: readFileSync(cfg.SIGNING_KEY_FILE, 'utf8') }));
  } else {
    throw new Error(
      'No signing key configured: set SIGNING_KEY_ID (KMS) or SIGNING_KEY_FILE (local)',
    );
  }
  return signer;
};

export const retiredKeys = (): PublicJwk[] => {
  const raw = config().RETIRED_SIGNING_KEYS;
  return raw ? parsePublicJwks(raw) : [];
};
