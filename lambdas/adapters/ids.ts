import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../domain/common.ts';

// Crockford base32, lower-case: sortable by time, unambiguous to read aloud, URL-safe.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

const encodeTime = (ms: number): string => {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET.charAt(value % 32) + out;
    value = Math.floor(value / 32);
  }
  return out;
};

export const randomBase32 = (length: number): string => {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET.charAt(byte % 32);
  return out;
};

export type { IdGenerator, IdPrefix } from '../domain/common.ts';

/** ULID-shaped ids (10 time chars + 16 random chars) with a type prefix: `cus_01k…`. */
export const idGenerator = (now: () => number = Date.now): IdGenerator => ({
  next: (prefix) => `${prefix}_${encodeTime(now())}${randomBase32(16)}`,
});
