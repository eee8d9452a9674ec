import { toItem } from './items.ts';
import { type LookupKind, lookupKeys } from './keys.ts';
import type { Write } from './transact.ts';

/** An exact-lookup item: what support staff type, pointing at the license. */
export const lookupItem = (kind: LookupKind, value: string, licenseId: string) =>
  toItem('lookup', lookupKeys.lookup(kind, value, licenseId), { licenseId });

/** The lookups an activated instance adds to its license: its fingerprint and its hostname. */
export const instanceLookups = (a: {
  licenseId: string;
  fingerprint: string;
  hostname?: string;
}): Write[] => [
  { put: lookupItem('instance', a.fingerprint, a.licenseId) },
  ...(a.hostname && a.hostname.toLowerCase() !== a.fingerprint.toLowerCase()
    ? [{ put: lookupItem('instance', a.hostname, a.licenseId) }]
    : []),
];
