import { Fingerprint } from './activation-rules.ts';
import { DomainError } from './errors.ts';
import * as z from './zod.ts';

/**
 * The documents a device signs with its own P-256 key, for sites without internet
 * (docs/offline.md): an activation request, which carries the device's public key, and a return
 * proof, checked against the key its activation was bound to. Both are compact JWS (ES256) so a
 * firmware team can make them with any JOSE library or with openssl.
 */
export const ACTIVATION_REQUEST_TYP = 'tessera-activation-request+jwt';
export const RETURN_PROOF_TYP = 'tessera-return-proof+jwt';

/** A request is carried by hand: it may take days to arrive, but not months. */
export const REQUEST_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** Device clocks drift; a document dated a little ahead is still taken. */
export const CLOCK_SKEW_SECONDS = 10 * 60;

const Coordinate = /* @__PURE__ */ z.lazy(() => z.string().regex(/^[A-Za-z0-9_-]{43}$/));

/** A device's public key as a JWK (P-256); private members are refused, never stored. */
export const DeviceJwk = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: Coordinate, y: Coordinate }),
);
export type DeviceJwk = z.infer<typeof DeviceJwk>;

const NumericDate = /* @__PURE__ */ z.lazy(() => z.number().int().nonnegative());

const RequestHeader = /* @__PURE__ */ z.lazy(() =>
  z.object({ alg: z.literal('ES256'), typ: z.literal(ACTIVATION_REQUEST_TYP), jwk: DeviceJwk }),
);
export const RequestPayload = /* @__PURE__ */ z.lazy(() =>
  z.object({
    key: z.string().min(1).max(64),
    fpr: Fingerprint,
    hostname: z.string().trim().min(1).max(253).optional(),
    platform: z.string().trim().min(1).max(100).optional(),
    nonce: z.string().min(16).max(128),
    iat: NumericDate,
  }),
);
export type ActivationRequest = z.infer<typeof RequestPayload> & {
  deviceKey: DeviceJwk;
  /** RFC 7638 thumbprint of the device key. */
  deviceKeyId: string;
  /** Digest of the whole request, so one request is taken in once. */
  digest: string;
};

const ProofHeader = /* @__PURE__ */ z.lazy(() =>
  z.object({ alg: z.literal('ES256'), typ: z.literal(RETURN_PROOF_TYP), kid: z.string().min(1) }),
);
export const ProofPayload = /* @__PURE__ */ z.lazy(() =>
  z.object({
    act: z.string().min(1).max(64),
    sub: z.string().min(1).max(64),
    fpr: Fingerprint,
    nonce: z.string().min(16).max(128),
    iat: NumericDate,
  }),
);
export type ReturnProof = z.infer<typeof ProofPayload>;

export interface DeviceSignatures {
  /** The decoded header and payload of a compact JWS, or undefined when it is not one. */
  parts(
    jws: string,
  ): { header: unknown; payload: unknown; signed: string; signature: string } | undefined;
  /** Whether `signature` (base64url r‖s) signs `signed` under the device key. */
  verifies(signed: string, signature: string, jwk: DeviceJwk): boolean;
  thumbprint(jwk: DeviceJwk): string;
  digest(text: string): string;
}

export type DocumentFault = 'FORMAT' | 'SIGNATURE' | 'TOO_OLD' | 'OTHER_LICENSE' | 'OTHER_DEVICE';

export const requestRefused = (reason: DocumentFault, message: string) =>
  new DomainError('OFFLINE_REQUEST_INVALID', message, { reason });
export const proofRefused = (reason: DocumentFault, message: string) =>
  new DomainError('RETURN_PROOF_INVALID', message, { reason });

const dated = (iat: number, now: Date, refuse: (r: DocumentFault, m: string) => DomainError) => {
  const seconds = Math.floor(now.getTime() / 1000);
  if (iat > seconds + CLOCK_SKEW_SECONDS) {
    throw refuse('TOO_OLD', "The file is dated in the future; check the device's clock.");
  }
  if (iat < seconds - REQUEST_MAX_AGE_SECONDS) {
    throw refuse('TOO_OLD', 'The file is older than 30 days; make a new one on the device.');
  }
};

/** An activation request, checked: well formed, signed by the key it carries, recent. */
export const openActivationRequest = (
  signatures: DeviceSignatures,
  jws: string,
  now: Date,
): ActivationRequest => {
  const parts = signatures.parts(jws);
  const header = RequestHeader.safeParse(parts?.header);
  const payload = RequestPayload.safeParse(parts?.payload);
  if (!parts || !header.success || !payload.success) {
    throw requestRefused('FORMAT', 'This is not a Tessera activation request file.');
  }
  if (!signatures.verifies(parts.signed, parts.signature, header.data.jwk)) {
    throw requestRefused('SIGNATURE', 'The request file was altered or not signed by its device.');
  }
  dated(payload.data.iat, now, requestRefused);
  return {
    ...payload.data,
    deviceKey: header.data.jwk,
    deviceKeyId: signatures.thumbprint(header.data.jwk),
    digest: signatures.digest(jws.trim()),
  };
};

/** A return proof's claims, unverified: the activation it names holds the key to check it with. */
export const readReturnProof = (signatures: DeviceSignatures, jws: string) => {
  const parts = signatures.parts(jws);
  const header = ProofHeader.safeParse(parts?.header);
  const payload = ProofPayload.safeParse(parts?.payload);
  if (!parts || !header.success || !payload.success) {
    throw proofRefused('FORMAT', 'This is not a Tessera return proof file.');
  }
  return {
    ...payload.data,
    kid: header.data.kid,
    signed: parts.signed,
    signature: parts.signature,
  };
};

/** The proof is signed by the device the activation was bound to, and recent. */
export const checkReturnProof = (
  signatures: DeviceSignatures,
  proof: ReturnType<typeof readReturnProof>,
  deviceKey: DeviceJwk,
  now: Date,
) => {
  if (proof.kid !== signatures.thumbprint(deviceKey)) {
    throw proofRefused('OTHER_DEVICE', 'The proof was signed by another device.');
  }
  if (!signatures.verifies(proof.signed, proof.signature, deviceKey)) {
    throw proofRefused('SIGNATURE', 'The proof file was altered or not signed by its device.');
  }
  dated(proof.iat, now, proofRefused);
};
