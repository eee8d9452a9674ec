import { createPublicKey, verify } from 'node:crypto';

/**
 * Checks the allotment document the cloud signed (docs/relay.md): ES256 under a key of the
 * vendor's JWKS, `typ: tessera-allotment+jwt`, for this relay, this product and these seats. A
 * relay applies only a grant that passes, so a proxy or a mistyped URL cannot hand it seats.
 */
export const allotmentHolds = (
  document: string,
  jwks: { keys?: { kid?: string; kty?: string; crv?: string; x?: string; y?: string }[] },
  expected: { relayId: string; productCode: string; seats: number },
): boolean => {
  const [header, payload, signature] = document.split('.');
  if (!header || !payload || !signature) return false;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
    if (head.alg !== 'ES256' || head.typ !== 'tessera-allotment+jwt') return false;
    const jwk = jwks.keys?.find((k) => k.kid === head.kid);
    if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256') return false;
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
      format: 'jwk',
    });
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    return (
      signed &&
      claims.sub === expected.relayId &&
      claims.product === expected.productCode &&
      claims.seats === expected.seats
    );
  } catch {
    return false;
  }
};

/** When a grant was signed and when it ends (seconds), from a document `allotmentHolds` passed. */
export const signedTimes = (document: string): { iat: number; exp: number } => {
  const claims = JSON.parse(Buffer.from(document.split('.')[1] ?? '', 'base64url').toString());
  return { iat: Number(claims.iat), exp: Number(claims.exp) };
};

/** The relay's id, from its credential (`tsy_<id>_<secret>`). */
export const relayIdOf = (credential: string) => `rly_${credential.split('_')[1] ?? ''}`;
