import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenSecrets } from '../domain/tokens.ts';
import { sha256Hex as sha256 } from './hash.ts';
import { randomBase32 } from './ids.ts';

export const tokenSecrets: TokenSecrets = {
  mint: () => {
    const idPart = randomBase32(16);
    // 32 random bytes: 256 bits of secret, base64url without padding = 43 characters.
    const token = `tsr_${idPart}_${randomBytes(32).toString('base64url')}`;
    return { idPart, token, hash: sha256(token) };
  },
  hash: sha256,
  equal: (a, b) => {
    const left = Buffer.from(a, 'hex');
    const right = Buffer.from(b, 'hex');
    return left.length === right.length && timingSafeEqual(left, right);
  },
};
