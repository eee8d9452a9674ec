import { randomBytes } from 'node:crypto';
import { activationSecrets } from './activation-secrets.ts';
import { sha256Hex as sha256 } from './hash.ts';

/**
 * Relay credentials: `tsy_<relay id>_<256 random bits>`. The id part finds the relay; only the
 * hash is stored, compared in constant time as activation tokens are.
 */
export const relaySecrets = {
  newToken: (relayId: string) => {
    const token = `tsy_${relayId.slice(4)}_${randomBytes(32).toString('base64url')}`;
    return { token, hash: sha256(token) };
  },
  hash: sha256,
  equal: activationSecrets.equal,
};
