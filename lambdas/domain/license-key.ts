/**
 * License keys as people type them: 25 Crockford base32 characters in five groups
 * (`7KQ2M-XW4PD-0RHT9-CJ5NB-VA3Y8`). 24 random characters carry 120 bits; the last is a
 * Luhn mod 32 check character, so a single mistyped character and most swapped neighbours are
 * caught before any lookup. Crockford's alphabet has no I, L, O or U; typed I/L/O are read as
 * 1/1/0, lower case and missing or extra dashes and spaces are accepted.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;
const RANDOM_CHARS = 24;
const GROUP = 5;

const codeOf = (char: string): number => ALPHABET.indexOf(char);

const checkCharacter = (payload: string): string => {
  let factor = 2;
  let sum = 0;
  for (let i = payload.length - 1; i >= 0; i--) {
    let addend = factor * codeOf(payload.charAt(i));
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return ALPHABET.charAt((N - (sum % N)) % N);
};

const group = (compact: string): string =>
  compact.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? compact;

/** A new key from `randomBytes` (inject `node:crypto`'s): 256 % 32 === 0, so no modulo bias. */
export const generateLicenseKey = (randomBytes: (size: number) => Uint8Array): string => {
  let payload = '';
  for (const byte of randomBytes(RANDOM_CHARS)) payload += ALPHABET.charAt(byte % N);
  return group(payload + checkCharacter(payload));
};

export type ParsedKey = { ok: true; key: string } | { ok: false; reason: 'FORMAT' | 'CHECKSUM' };

/** Normalises what a person typed and checks it, without touching the database. */
export const parseLicenseKey = (input: string): ParsedKey => {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== RANDOM_CHARS + 1 || [...compact].some((c) => codeOf(c) < 0)) {
    return { ok: false, reason: 'FORMAT' };
  }
  const payload = compact.slice(0, RANDOM_CHARS);
  if (checkCharacter(payload) !== compact.charAt(RANDOM_CHARS))
    return { ok: false, reason: 'CHECKSUM' };
  return { ok: true, key: group(compact) };
};

/** What a caller who may not copy the key sees: the first group only. */
export const maskLicenseKey = (key: string): string =>
  `${key.slice(0, GROUP)}-•••••-•••••-•••••-•••••`;
