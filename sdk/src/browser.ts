/**
 * @tessera/sdk/seats: the part of the SDK that runs in browsers and other non-Node runtimes
 * (only `fetch`, `setTimeout` and `crypto.getRandomValues`): the API client, concurrent seats and
 * the license-file refresh loop. Verifying license files and caching the JWKS on disk need
 * `node:crypto` and `node:fs`: import `@tessera/sdk` for those.
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
