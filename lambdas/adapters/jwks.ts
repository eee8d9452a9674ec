import { createPublicKey } from 'node:crypto';
import { LICENSE_FILE_ALG } from '../domain/license-file.ts';
import * as z from '../domain/zod.ts';
import type { LicenseSigner, PublicJwk } from './signer.ts';

/**
 * The JSON Web Key Set served at `GET /.well-known/jwks.json`: every key a license file still in
 * the field may be signed with. Key rotation (docs/license-files.md): the new key is listed first
 * and signs; retired keys stay listed until every file they signed has expired or been refreshed.
 */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * Instances and proxies may cache the set for five minutes. A new key is published before it
 * signs anything (see the rotation procedure), so no cache ever lacks a key it needs for long.
 */
export const JWKS_CACHE_CONTROL = 'public, max-age=300';

export interface Jwks {
  keys: PublicJwk[];
}

const Base64urlCoordinate = /* @__PURE__ */ z.lazy(() =>
  z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Not a P-256 coordinate'),
);

/** A published key. Parsing keeps the public members only: a `d` given by mistake is dropped. */
export const PublicJwkSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: Base64urlCoordinate,
    y: Base64urlCoordinate,
    kid: z.string().min(1).max(200),
    alg: z.literal(LICENSE_FILE_ALG).default(LICENSE_FILE_ALG),
    use: z.literal('sig').default('sig'),
  }),
);

/** Retired keys from configuration: a JSON JWKS (`{"keys":[…]}`) or an array of JWKs. */
export const parsePublicJwks = (json: string): PublicJwk[] => {
  const value: unknown = JSON.parse(json);
  const list = Array.isArray(value)
    ? value
    : z.object({ keys: z.array(z.unknown()) }).parse(value).keys;
  return list.map(toPublicJwk);
};

const toPublicJwk = (value: unknown): PublicJwk => {
  const jwk = PublicJwkSchema.parse(value);
  // The point must be on the curve: node refuses to import one that is not.
  createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  return {
    kty: jwk.kty,
    crv: jwk.crv,
    x: jwk.x,
    y: jwk.y,
    kid: jwk.kid,
    alg: jwk.alg,
    use: jwk.use,
  };
};

const isSigner = (source: LicenseSigner | PublicJwk): source is LicenseSigner =>
  typeof (source as LicenseSigner).sign === 'function';

/**
 * Builds the set from the current signer first, then retired signers or keys. The same key given
 * twice appears once; two different keys under one kid are a configuration error (a verifier
 * could pick either), so that throws.
 */
export const buildJwks = async (sources: readonly (LicenseSigner | PublicJwk)[]): Promise<Jwks> => {
  const jwks = await Promise.all(
    sources.map(async (source) =>
      toPublicJwk(isSigner(source) ? await source.publicJwk() : source),
    ),
  );
  const keys: PublicJwk[] = [];
  for (const jwk of jwks) {
    const same = keys.find((k) => k.kid === jwk.kid);
    if (!same) keys.push(jwk);
    else if (same.x !== jwk.x || same.y !== jwk.y) {
      throw new Error(`Two different keys share the kid "${jwk.kid}"`);
    }
  }
  return { keys };
};
