import { createHash } from 'node:crypto';

/** SHA-256 of a UTF-8 string, hex: how tokens, codes, keys and fingerprints are stored and found. */
export const sha256Hex = (value: string): string =>
  createHash('sha256').update(value, 'utf8').digest('hex');
