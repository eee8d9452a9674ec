import { createHash, createPublicKey, verify } from 'node:crypto';
import type { DeviceJwk, DeviceSignatures } from '../domain/device-documents.ts';

/**
 * ES256 compact JWS made by a device's own P-256 key (docs/offline.md): activation requests carry
 * the public key in their header, return proofs are checked against the key the activation was
 * bound to. node:crypto verifies; `ieee-p1363` is JOSE's r‖s signature form.
 */
const decode = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString());

const publicKeyOf = (jwk: DeviceJwk) =>
  createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });

export const deviceSignatures: DeviceSignatures = {
  parts: (jws) => {
    const parts = jws.trim().split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    try {
      return {
        header: decode(header),
        payload: decode(payload),
        signed: `${header}.${payload}`,
        signature,
      };
    } catch {
      return undefined;
    }
  },
  verifies: (signed, signature, jwk) => {
    try {
      return verify(
        'sha256',
        Buffer.from(signed),
        { key: publicKeyOf(jwk), dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      );
    } catch {
      // A point off the curve or a signature of the wrong length: not a valid signature.
      return false;
    }
  },
  // RFC 7638: the required members in lexicographic order, no spaces, SHA-256, base64url.
  thumbprint: (jwk) =>
    createHash('sha256')
      .update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`)
      .digest('base64url'),
  digest: (text) => createHash('sha256').update(text).digest('base64url'),
};
