import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { CODE_DIGITS } from '../domain/activation-rules.ts';
import type { ActivationSecrets } from '../domain/activations.ts';

import { sha256Hex as sha256 } from './hash.ts';

export const activationSecrets: ActivationSecrets = {
  newCode: () => String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0'),
  hash: sha256,
  equal: (a, b) => {
    const left = Buffer.from(a, 'hex');
    const right = Buffer.from(b, 'hex');
    return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
  },
  newToken: (activationId) => {
    // The id part lets the token find its activation; 256 random bits make it unguessable.
    const token = `tsa_${activationId.slice(4)}_${randomBytes(32).toString('base64url')}`;
    return { token, hash: sha256(token) };
  },
};
