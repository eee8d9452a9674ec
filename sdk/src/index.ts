/**
 * @tessera/sdk: what an instance needs to work with Tessera license files, on node:crypto alone.
 */

export {
  type ClientOptions,
  type CompletedActivation,
  type Problem,
  type StartedActivation,
  TesseraApiError,
  TesseraClient,
  type ValidationAnswer,
} from './client.ts';
export {
  createJwksCache,
  JWKS_PATH,
  type JwksCache,
  type JwksCacheOptions,
  JwksUnavailableError,
} from './jwks-cache.ts';
export {
  type FreshnessLoop,
  type KeepFreshOptions,
  keepLicenseFresh,
  type RefreshAnswer,
} from './refresh.ts';
export {
  type HoldSeatOptions,
  holdSeat,
  isTransient,
  newSessionId,
  type Seat,
  type SeatApi,
  type SeatLease,
  type SeatLostReason,
  type SeatState,
} from './seats.ts';
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
