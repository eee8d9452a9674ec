/**
 * @tessera/sdk: what an instance needs to work with Tessera license files, on node:crypto alone.
 */

// Everything that also runs in browsers (the client, seats, the refresh loop)…
export * from './browser.ts';
// …and what needs Node: the JWKS file cache and offline verification.
export {
  createJwksCache,
  JWKS_PATH,
  type JwksCache,
  type JwksCacheOptions,
  JwksUnavailableError,
} from './jwks-cache.ts';
export {
  ACTIVATION_REQUEST_TYP,
  type DevicePublicKey,
  deviceKeyThumbprint,
  type InstalledLicense,
  OfflineDevice,
  RETURN_PROOF_TYP,
} from './offline.ts';
export {
  type FailureCode,
  type Jwk,
  type Jwks,
  LICENSE_FILE_TYP,
  type LicenseClaims,
  type LicenseInvalid,
  type LicenseTerms,
  type LicenseValid,
  MAX_FILE_LENGTH,
  type SeatModel,
  type VerifyOptions,
  type VerifyResult,
  verifyLicenseFile,
} from './verify.ts';
