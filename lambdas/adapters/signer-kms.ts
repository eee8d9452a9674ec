import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { LicenseClaims } from '../domain/license-file.ts';
import type { KmsApi } from './aws/services.ts';
import {
  compactJws,
  derToJose,
  documentSigningInput,
  jwsSigningInput,
  type LicenseSigner,
  type PublicJwk,
  publicJwkOf,
  sha256,
} from './signer.ts';

export interface KmsSignerOptions {
  client: KmsApi;
  /** Key id, key ARN, alias name or alias ARN of an `ECC_NIST_P256` / `SIGN_VERIFY` KMS key. */
  keyId: string;
  /**
   * The `kid` in headers and the JWKS. Default: the KMS key id itself (the UUID or `mrk-…` part
   * of `keyId`), so a new key is a new kid with no configuration and a kid in a file names the
   * key in CloudTrail. An alias can point at another key tomorrow, so with an alias as `keyId`
   * the kid must be given.
   */
  kid?: string;
  /**
   * Verify each new signature against the key's public key before handing the file out (one
   * local ECDSA verify, ~0.1 ms; the public key is fetched once). Catches a kid/key mix-up in
   * configuration before any instance stores an unverifiable file. Default true.
   */
  selfCheck?: boolean;
}

const KEY_ID =
  /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/)?((?:mrk-[0-9a-f]{32})|[0-9a-f-]{36})$/;

export const kidForKmsKey = (keyId: string): string => {
  const match = KEY_ID.exec(keyId);
  if (!match?.[1]) {
    throw new Error(`Give a kid for KMS key "${keyId}": an alias is not a stable key name`);
  }
  return match[1];
};

/**
 * Signs license files with a KMS asymmetric key (`ECC_NIST_P256`, `ECDSA_SHA_256`).
 *
 * The signer hashes the JWS signing input itself and sends KMS the 32-byte SHA-256 digest with
 * `MessageType: 'DIGEST'`: a `RAW` message is limited to 4,096 bytes and a license file with many
 * modules could outgrow that, and a digest keeps the request the same size for every file. (The
 * signature is identical either way: with RAW, KMS computes the same SHA-256 itself.)
 *
 * KMS returns an ASN.1 DER `ECDSA-Sig-Value`; JWS needs the fixed 64-byte `r‖s` (see derToJose).
 * Needs `kms:Sign` (and `kms:GetPublicKey` for the JWKS and the self-check).
 */
export const kmsSigner = (options: KmsSignerOptions): LicenseSigner => {
  const { client, keyId } = options;
  const kid = options.kid ?? kidForKmsKey(keyId);
  const selfCheck = options.selfCheck ?? true;
  let publicKey: Promise<{ key: KeyObject; jwk: PublicJwk }> | undefined;

  const fetchPublicKey = async () => {
    const out = (await client.call('GetPublicKey', { KeyId: keyId })) as {
      KeySpec?: string;
      KeyUsage?: string;
      PublicKey?: string;
    };
    if (out.KeySpec !== 'ECC_NIST_P256' || out.KeyUsage !== 'SIGN_VERIFY') {
      throw new Error(
        `KMS key ${keyId} is ${out.KeySpec ?? '?'}/${out.KeyUsage ?? '?'}; license files need ECC_NIST_P256/SIGN_VERIFY`,
      );
    }
    if (!out.PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
    const der = Buffer.from(out.PublicKey, 'base64');
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    return { key, jwk: publicJwkOf(key, kid) };
  };

  /** Fetched once per container; a failed fetch is not cached, so the next call tries again. */
  const loadPublicKey = () => {
    if (!publicKey) {
      publicKey = fetchPublicKey();
      publicKey.catch(() => {
        publicKey = undefined;
      });
    }
    return publicKey;
  };

  const signInput = async (input: string) => {
    const out = (await client.call('Sign', {
      KeyId: keyId,
      Message: Buffer.from(sha256(input)).toString('base64'),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    })) as { Signature?: string };
    if (!out.Signature) throw new Error('KMS returned no signature');
    const signature = derToJose(Buffer.from(out.Signature, 'base64'));
    if (selfCheck) {
      const { key } = await loadPublicKey();
      const ok = verify(
        'sha256',
        Buffer.from(input, 'ascii'),
        { key, dsaEncoding: 'ieee-p1363' },
        signature,
      );
      if (!ok) throw new Error(`The signature of KMS key ${keyId} does not verify as kid ${kid}`);
    }
    return compactJws(input, signature);
  };

  return {
    kid,
    sign: async (claims: LicenseClaims) => signInput(jwsSigningInput(kid, claims)),
    signDocument: async (typ, payload) => signInput(documentSigningInput(kid, typ, payload)),
    publicJwk: async () => ({ ...(await loadPublicKey()).jwk }),
  };
};
