import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateLicenseKey, parseLicenseKey } from '../../lambdas/domain/license-key.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('license keys', () => {
  it('are five groups of five Crockford characters that pass their own check', () => {
    for (let i = 0; i < 1_000; i++) {
      const key = generateLicenseKey(randomBytes);
      expect(key).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
      expect(parseLicenseKey(key)).toEqual({ ok: true, key });
    }
  });

  it('catch every single mistyped character before any lookup', () => {
    const key = generateLicenseKey(randomBytes).replaceAll('-', '');
    for (let position = 0; position < key.length; position++) {
      for (const replacement of ALPHABET) {
        if (replacement === key[position]) continue;
        const typo = key.slice(0, position) + replacement + key.slice(position + 1);
        expect(parseLicenseKey(typo)).toEqual({ ok: false, reason: 'CHECKSUM' });
      }
    }
  });

  it('catch almost every swap of neighbouring characters', () => {
    let swaps = 0;
    let caught = 0;
    for (let i = 0; i < 200; i++) {
      const key = generateLicenseKey(randomBytes).replaceAll('-', '');
      for (let p = 0; p < key.length - 1; p++) {
        if (key[p] === key[p + 1]) continue;
        swaps++;
        const swapped = key.slice(0, p) + key[p + 1] + key[p] + key.slice(p + 2);
        if (!parseLicenseKey(swapped).ok) caught++;
      }
    }
    expect(caught / swaps).toBeGreaterThan(0.95);
  });

  it('forgive case, dashes, spaces and the look-alikes I, L and O', () => {
    const key = generateLicenseKey(randomBytes);
    const sloppy = ` ${key.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l')} `;
    expect(parseLicenseKey(sloppy)).toEqual({ ok: true, key });
  });

  it('refuse wrong lengths and foreign characters as FORMAT', () => {
    expect(parseLicenseKey('ABCDE-FGHJK')).toEqual({ ok: false, reason: 'FORMAT' });
    expect(parseLicenseKey('UUUUU-UUUUU-UUUUU-UUUUU-UUUUU')).toEqual({
      ok: false,
      reason: 'FORMAT',
    });
    expect(parseLicenseKey('')).toEqual({ ok: false, reason: 'FORMAT' });
  });
});
