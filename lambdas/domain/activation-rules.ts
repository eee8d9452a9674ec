import { parseLicenseKey } from './license-key.ts';
import { effectiveStatus } from './license-status.ts';
import type { License } from './licenses.ts';
import * as z from './zod.ts';

/** One-time activation codes: 8 digits, 15 minutes, 5 attempts in all, 3 resends. */
export const CODE_DIGITS = 8;
export const CODE_TTL_SECONDS = 15 * 60;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_CODE_RESENDS = 3;

export const ACTIVATION_TOKEN_PATTERN = /^tsa_([0-9a-z]{26})_([A-Za-z0-9_-]{43})$/;

/** Codes are shown grouped (`4821-0937`) and accepted with or without the dash or spaces. */
export const formatCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;
export const normalizeCode = (typed: string): string => typed.replace(/[\s-]/g, '');

export const Fingerprint = /* @__PURE__ */ z.lazy(() =>
  z
    .string()
    .min(8)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces')
    .describe('A stable identifier of the instance (machine id, hardware hash)'),
);

/**
 * Validate answers in this precedence, first match wins. The same order decides which error
 * an activation request gets.
 */
export const validationCodes = [
  'KEY_INVALID', // not a well-formed key, or its check character is wrong
  'NOT_FOUND', // no license has this key
  'REVOKED',
  'SUSPENDED',
  'NOT_YET_VALID',
  'EXPIRED',
  'FINGERPRINT_MISMATCH', // a fingerprint was given and no active activation of this license has it
  'MODULE_NOT_LICENSED', // a module was asked for and the license does not include it
  'VALID',
] as const;
export type ValidationCode = (typeof validationCodes)[number];

/** Why a license cannot be activated or refreshed right now, or undefined when it can. */
export type LicenseBlock = 'REVOKED' | 'SUSPENDED' | 'NOT_YET_VALID' | 'EXPIRED';

export const licenseBlock = (license: License, now: Date): LicenseBlock | undefined => {
  switch (effectiveStatus(license, now)) {
    case 'revoked':
      return 'REVOKED';
    case 'suspended':
      return 'SUSPENDED';
    case 'not_yet_valid':
      return 'NOT_YET_VALID';
    case 'expired':
      return 'EXPIRED';
    default:
      return undefined;
  }
};

export interface ValidationResult {
  valid: boolean;
  code: ValidationCode;
  licenseId?: string;
  product?: string;
  modules?: string[];
  validTill?: string | null;
}

/** The whole validate decision as a value, never an exception. */
export const validateLicense = (input: {
  typedKey: string;
  license: License | undefined;
  fingerprintBound: boolean | undefined;
  module?: string;
  now: Date;
}): ValidationResult => {
  if (!parseLicenseKey(input.typedKey).ok) return { valid: false, code: 'KEY_INVALID' };
  const { license } = input;
  if (!license) return { valid: false, code: 'NOT_FOUND' };
  const about = {
    licenseId: license.id,
    product: license.productCode,
    modules: license.modules,
    validTill: license.validTill ?? null,
  };
  const block = licenseBlock(license, input.now);
  if (block) return { valid: false, code: block, ...about };
  if (input.fingerprintBound === false)
    return { valid: false, code: 'FINGERPRINT_MISMATCH', ...about };
  if (input.module !== undefined && !license.modules.includes(input.module)) {
    return { valid: false, code: 'MODULE_NOT_LICENSED', ...about };
  }
  return { valid: true, code: 'VALID', ...about };
};
