import * as z from './zod.ts';

/**
 * License files: what an activated instance keeps and verifies offline. A compact JWS (RFC 7515)
 * whose payload is a JWT claim set (RFC 7519), signed ES256 by KMS in AWS or by the local P-256
 * key on the local runtime. Any JOSE library verifies it with the JWKS alone
 * (`GET /.well-known/jwks.json`); docs/license-files.md shows how, including with openssl only.
 *
 * JOSE header: `{ "alg": "ES256", "typ": "tessera-license+jwt", "kid": "<key id>" }`. The explicit
 * `typ` (RFC 8725 §3.11) stops any other token signed under the same key from passing as a license
 * file.
 *
 * Every time is a JWT NumericDate: integer seconds since the epoch, UTC. Claim names never change
 * meaning; new claims may be added and verifiers ignore claims they do not know.
 *
 * | claim                  | type        | meaning                                                         |
 * | ---------------------- | ----------- | --------------------------------------------------------------- |
 * | `iss`                  | string      | always `tessera`                                                |
 * | `sub`                  | string      | license id                                                      |
 * | `jti`                  | string      | unique id of this file (every issue and refresh gets a new one) |
 * | `iat`                  | NumericDate | when this file was signed                                       |
 * | `nbf`                  | NumericDate | license valid-from; absent = valid from issue                   |
 * | `exp`                  | NumericDate | license valid-till; absent = perpetual                          |
 * | `rfb`                  | NumericDate | refresh-by: the instance should fetch a fresh file from then on |
 * | `grc`                  | seconds     | offline grace: the file is still honoured until `rfb + grc`     |
 * | `act`                  | string      | activation id this file was issued to                           |
 * | `fpr`                  | string      | fingerprint of the instance the activation is bound to          |
 * | `dvk`                  | string      | RFC 7638 thumbprint of the device's own key; absent = none      |
 * | `lic.serial`           | string      | license serial number                                           |
 * | `lic.product`          | string      | product code, e.g. `CALL_CENTER`                                |
 * | `lic.modules`          | string[]    | licensed module codes                                           |
 * | `lic.seatModel`        | string      | `concurrent` \| `named` \| `instance`                           |
 * | `lic.seats`            | integer     | seat limit of this license                                      |
 * | `lic.maxActivations`   | integer     | how many instances may be activated on this license             |
 * | `lic.maintenanceUntil` | NumericDate | right to updates ends; absent = none recorded                   |
 * | `lic.trial`            | boolean     | trial license                                                   |
 * | `lic.customer`         | string      | the customer's (company) name                                   |
 * | `lic.email`            | string      | the license's registered e-mail address                         |
 *
 * Why the window is `nbf`/`exp` and refresh is separate: `nbf`/`exp` are the license's own terms,
 * so every JOSE library enforces them with no Tessera code. `rfb`/`grc` are about the instance
 * staying in touch (revocations, suspensions and module changes reach it only by refreshing): a
 * perpetual license still has an `rfb`. A file is honoured while `nbf <= now < exp` and
 * `now < rfb + grc`; between `rfb` and `rfb + grc` it is valid but the instance should refresh.
 */

export const LICENSE_FILE_TYP = 'tessera-license+jwt';
export const LICENSE_FILE_ALG = 'ES256';
export const LICENSE_ISSUER = 'tessera';

/** Online instances refresh daily, so revocation reaches them within a day. */
export const DEFAULT_REFRESH_SECONDS = 24 * 60 * 60;
/** An instance may then stay offline for two more weeks (holidays, a broken uplink). */
export const DEFAULT_GRACE_SECONDS = 14 * 24 * 60 * 60;

const NumericDate = /* @__PURE__ */ z.lazy(() => z.number().int().nonnegative());
const Text = /* @__PURE__ */ z.lazy(() => z.string().min(1).max(256));

export const LicenseTermsClaim = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    serial: Text,
    product: Text,
    modules: z.array(z.string().min(1).max(64)).max(200),
    seatModel: z.enum(['concurrent', 'named', 'instance']),
    seats: z.number().int().nonnegative(),
    maxActivations: z.number().int().nonnegative(),
    maintenanceUntil: NumericDate.optional(),
    trial: z.boolean(),
    customer: Text,
    email: z.string().min(3).max(320),
  }),
);
export type LicenseTermsClaim = z.infer<typeof LicenseTermsClaim>;

export const LicenseClaims = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      iss: z.literal(LICENSE_ISSUER),
      sub: Text,
      jti: z.string().min(8).max(128),
      iat: NumericDate,
      nbf: NumericDate.optional(),
      exp: NumericDate.optional(),
      rfb: NumericDate,
      grc: NumericDate,
      act: Text,
      fpr: Text,
      dvk: z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/)
        .optional(),
      lic: LicenseTermsClaim,
    })
    .refine((c) => c.exp === undefined || c.nbf === undefined || c.nbf < c.exp, {
      message: 'nbf must be before exp',
      path: ['nbf'],
    }),
);
export type LicenseClaims = z.infer<typeof LicenseClaims>;

export interface LicenseFileHeader {
  alg: typeof LICENSE_FILE_ALG;
  typ: typeof LICENSE_FILE_TYP;
  kid: string;
}

/** A moment given the way the domain holds it: an RFC 3339 string or a Date. */
export type Instant = string | Date;

export interface BuildClaimsInput {
  license: {
    id: string;
    serial: string;
    product: string;
    modules: readonly string[];
    seatModel: LicenseTermsClaim['seatModel'];
    seatLimit: number;
    maxActivations: number;
    /** Absent = valid from the moment of issue. */
    validFrom?: Instant;
    /** Absent = perpetual. */
    validTill?: Instant;
    maintenanceUntil?: Instant;
    trial: boolean;
    customerName: string;
    registeredEmail: string;
  };
  activation: { id: string; fingerprint: string; deviceKeyId?: string };
  /** When the file is signed (the clock's now). */
  issuedAt: Date;
  /** Unique id of this file, from a cryptographic random source (the ids adapter). */
  fileId: string;
  /** Seconds from `issuedAt` to `rfb`. Default {@link DEFAULT_REFRESH_SECONDS}. */
  refreshAfterSeconds?: number;
  /** Seconds past `rfb` the file is still honoured offline. Default {@link DEFAULT_GRACE_SECONDS}. */
  graceSeconds?: number;
}

const toSeconds = (instant: Instant): number => {
  const ms = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new TypeError(`Not a valid instant: ${String(instant)}`);
  return Math.floor(ms / 1000);
};

/**
 * The claim set for one license file. Pure: the caller supplies the time and the file id.
 *
 * `rfb` is `issuedAt + refreshAfterSeconds`, but never later than `exp` while the license is
 * still running: an instance then asks for a fresh file when its license ends, which is how it
 * picks up a renewal without waiting for its next regular refresh.
 *
 * The result is checked against {@link LicenseClaims}, so a bad input fails here, loudly, instead
 * of producing a file every instance would reject.
 */
export const buildClaims = (input: BuildClaimsInput): LicenseClaims => {
  const { license, activation } = input;
  const iat = toSeconds(input.issuedAt);
  const refreshAfter = input.refreshAfterSeconds ?? DEFAULT_REFRESH_SECONDS;
  const grace = input.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  if (!Number.isInteger(refreshAfter) || refreshAfter <= 0) {
    throw new TypeError('refreshAfterSeconds must be a positive integer');
  }
  if (!Number.isInteger(grace) || grace < 0) {
    throw new TypeError('graceSeconds must be a non-negative integer');
  }
  const nbf = license.validFrom === undefined ? undefined : toSeconds(license.validFrom);
  const exp = license.validTill === undefined ? undefined : toSeconds(license.validTill);
  let rfb = iat + refreshAfter;
  if (exp !== undefined && exp > iat && exp < rfb) rfb = exp;

  return LicenseClaims.parse({
    iss: LICENSE_ISSUER,
    sub: license.id,
    jti: input.fileId,
    iat,
    ...(nbf === undefined ? {} : { nbf }),
    ...(exp === undefined ? {} : { exp }),
    rfb,
    grc: grace,
    act: activation.id,
    fpr: activation.fingerprint,
    ...(activation.deviceKeyId ? { dvk: activation.deviceKeyId } : {}),
    lic: {
      serial: license.serial,
      product: license.product,
      modules: [...license.modules],
      seatModel: license.seatModel,
      seats: license.seatLimit,
      maxActivations: license.maxActivations,
      ...(license.maintenanceUntil === undefined
        ? {}
        : { maintenanceUntil: toSeconds(license.maintenanceUntil) }),
      trial: license.trial,
      customer: license.customerName,
      email: license.registeredEmail,
    },
  });
};
