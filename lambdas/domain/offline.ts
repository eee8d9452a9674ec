import { Fingerprint } from './activation-rules.ts';
import {
  type Activation,
  type ActivationDeps,
  activationEvent,
  activeLicense,
  instanceSnapshot,
  OFFLINE_REFRESH_SECONDS,
  returnActivation,
  signLicenseFile,
} from './activations.ts';
import {
  type ActivationRequest,
  CLOCK_SKEW_SECONDS,
  checkReturnProof,
  openActivationRequest,
  proofRefused,
  REQUEST_MAX_AGE_SECONDS,
  readReturnProof,
  requestRefused,
} from './device-documents.ts';
import { DomainError, forbidden, notFound } from './errors.ts';
import { DEFAULT_REFRESH_SECONDS } from './license-file.ts';
import { parseLicenseKey } from './license-key.ts';
import type { License } from './licenses.ts';
import { assertCan, assertLicenseVisible, customerScope } from './policy.ts';
import type { Principal } from './principal.ts';
import * as z from './zod.ts';

/**
 * Devices off the internet (docs/offline.md): activation from a request file a person uploads,
 * return by a proof the device signed, RMA to a replacement device, and the plain GET by which a
 * device that can reach Tessera fetches its current file.
 */
const DocumentText = /* @__PURE__ */ z.lazy(() => z.string().trim().min(1).max(16_384));

export const OfflineActivationInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ request: DocumentText.describe('The activation request file (compact JWS)') }),
);
export const ReturnProofInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ proof: DocumentText.describe('The return proof file (compact JWS)') }),
);
export const RehostInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      reason: z.string().trim().min(3).max(500).describe('Why: kept with the RMA in the audit'),
      fingerprint: Fingerprint.optional().describe(
        'The replacement, which then activates online (key and e-mailed code) on this slot',
      ),
      hostname: z.string().trim().min(1).max(253).optional(),
      request: DocumentText.optional().describe(
        "The replacement's activation request file: answered with its license file at once",
      ),
    })
    .refine((r) => (r.fingerprint === undefined) !== (r.request === undefined), {
      message: 'Give the replacement either as a fingerprint or as a request file',
      path: ['fingerprint'],
    }),
);
export const RehostedView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    activationId: z.string().describe("The replacement's activation"),
    replaces: z.string(),
    status: z.literal('active'),
    licenseFile: z.string().optional().describe('With a request file: the file to carry back'),
    refreshBy: z.string().optional(),
  }),
);

const requestKeptUntil = (request: ActivationRequest) =>
  request.iat + REQUEST_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS;

/** The license a person acts on for a device: one they see, and may manage instances of. */
const managedLicense = async (deps: ActivationDeps, principal: Principal, licenseId: string) => {
  const license = assertLicenseVisible(principal, await deps.licenses.get(licenseId));
  assertCan(principal, 'activation:manage');
  return license;
};

const requestFor = (deps: ActivationDeps, license: License, jws: string, now: Date) => {
  const request = openActivationRequest(deps.devices, jws, now);
  const parsed = parseLicenseKey(request.key);
  if (!parsed.ok || parsed.key !== license.key) {
    throw requestRefused('OTHER_LICENSE', 'This request file is for another license.');
  }
  return request;
};

/** A new activation, active at once (offline or RMA): no code, no token, on the license's pool. */
const activeOn = (
  deps: ActivationDeps,
  license: License,
  at: string,
  device: Pick<
    Activation,
    'fingerprint' | 'hostname' | 'platform' | 'deviceKey' | 'deviceKeyId' | 'offline'
  >,
): Activation => ({
  id: deps.ids.next('act'),
  licenseId: license.id,
  ...(license.projectId ? { projectId: license.projectId } : {}),
  productCode: license.productCode,
  ...device,
  status: 'active',
  attempts: 0,
  resends: 0,
  createdAt: at,
  activatedAt: at,
});

const fromRequest = (
  deps: ActivationDeps,
  license: License,
  request: ActivationRequest,
  at: string,
): Activation =>
  activeOn(deps, license, at, {
    fingerprint: request.fpr,
    ...(request.hostname ? { hostname: request.hostname } : {}),
    ...(request.platform ? { platform: request.platform } : {}),
    deviceKey: request.deviceKey,
    deviceKeyId: request.deviceKeyId,
    offline: true,
  });

/**
 * A request file → an active activation and the license file to carry back. The person who may
 * manage the license's instances is the second factor in place of the e-mailed code.
 */
export const activateOffline = async (
  deps: ActivationDeps,
  principal: Principal,
  licenseId: string,
  jws: string,
) => {
  const now = deps.now();
  const license = activeLicense(await managedLicense(deps, principal, licenseId), now);
  const request = requestFor(deps, license, jws, now);
  const previous = await deps.activations.boundTo(license.id, request.fpr);
  const activation = fromRequest(deps, license, request, now.toISOString());
  const event = activationEvent(
    deps,
    now,
    'license.instance-activated-offline',
    license,
    activation,
    'pending',
    'active',
    principal,
  );
  await deps.activations.activateOffline(
    activation,
    previous,
    { digest: request.digest, keepUntil: requestKeptUntil(request) },
    previous ? { ...event, before: { ...event.before, replacesActivationId: previous } } : event,
  );
  return {
    activationId: activation.id,
    ...(await signLicenseFile(deps, license, activation, now)),
  };
};

/** A return proof the device signed: its activation ends and the slot goes back, once. */
export const returnOffline = async (
  deps: ActivationDeps,
  principal: Principal,
  licenseId: string,
  jws: string,
) => {
  const license = await managedLicense(deps, principal, licenseId);
  const proof = readReturnProof(deps.devices, jws);
  if (proof.sub !== license.id) {
    throw proofRefused('OTHER_LICENSE', 'This proof returns an instance of another license.');
  }
  const activation = await deps.activations.get(proof.act);
  if (!activation || activation.licenseId !== license.id) throw notFound('Activation');
  if (!activation.deviceKey || proof.fpr !== activation.fingerprint) {
    throw proofRefused('OTHER_DEVICE', 'The proof was not made by the device of this activation.');
  }
  checkReturnProof(deps.devices, proof, activation.deviceKey, deps.now());
  if (activation.status !== 'active') {
    throw new DomainError('ACTIVATION_ENDED', `This activation is already ${activation.status}.`, {
      activationStatus: activation.status,
    });
  }
  return returnActivation(deps, activation, principal, 'license.instance-returned-offline');
};

/**
 * RMA: the activation moves from a broken device to a replacement on the same slot. Vendor staff
 * may move any; a customer's company users only those of products whose licenses are returnable.
 */
export const rehost = async (
  deps: ActivationDeps,
  principal: Principal,
  licenseId: string,
  activationId: string,
  input: z.infer<typeof RehostInput>,
) => {
  const now = deps.now();
  const license = await managedLicense(deps, principal, licenseId);
  const old = await deps.activations.get(activationId);
  if (!old || old.licenseId !== license.id) throw notFound('Activation');
  const product = await deps.products.get(license.productCode);
  if (customerScope(principal) !== undefined && !product?.returnable) {
    throw forbidden(
      `${license.productCode} licenses are moved to another device by the vendor only.`,
    );
  }
  if (old.status !== 'active') {
    throw new DomainError('ACTIVATION_ENDED', `This activation is already ${old.status}.`, {
      activationStatus: old.status,
    });
  }
  activeLicense(license, now);
  const at = now.toISOString();
  const request = input.request ? requestFor(deps, license, input.request, now) : undefined;
  const replacement: Activation = {
    ...(request
      ? fromRequest(deps, license, request, at)
      : activeOn(deps, license, at, {
          fingerprint: input.fingerprint as string,
          ...(input.hostname ? { hostname: input.hostname } : {}),
        })),
    replaces: old.id,
    rehostReason: input.reason,
  };
  if (replacement.fingerprint === old.fingerprint) {
    throw new DomainError('FINGERPRINT_IN_USE', 'The replacement must be another device.');
  }
  const event = activationEvent(
    deps,
    now,
    'license.instance-rehosted',
    license,
    old,
    'active',
    'revoked',
    principal,
  );
  await deps.activations.rehost(
    old,
    replacement,
    {
      ...event,
      after: {
        ...instanceSnapshot(old, 'revoked'),
        reason: input.reason,
        replacedBy: replacement.id,
        replacementFingerprint: replacement.fingerprint,
      },
    },
    request ? { digest: request.digest, keepUntil: requestKeptUntil(request) } : undefined,
  );
  return {
    activationId: replacement.id,
    replaces: old.id,
    status: 'active' as const,
    ...(request ? await signLicenseFile(deps, license, replacement, now) : {}),
  };
};

/** The validator of a device's file: what its terms come from, and when it was signed. */
const ENTITY_TAG = /"lf\.([A-Za-z0-9_-]{16})\.(\d{1,12})"/g;

/**
 * A device's current license file by plain GET. `If-None-Match` with the file it holds answers
 * "not modified" (one read of the license beyond authentication, no signing, no write) while the
 * license is unchanged and that file is younger than half its refresh period; otherwise a new file
 * is signed. Changes of the product or customer name reach the device at the latest then.
 */
export const deviceLicenseFile = async (
  deps: ActivationDeps,
  activation: Activation,
  ifNoneMatch: string | undefined,
) => {
  const now = deps.now();
  const license = activeLicense(await deps.licenses.get(activation.licenseId), now);
  const terms = deps.devices
    .digest(
      [license.id, license.version, activation.id, activation.fingerprint, activation.deviceKeyId]
        .map(String)
        .join('\n'),
    )
    .slice(0, 16);
  const seconds = Math.floor(now.getTime() / 1000);
  const halfLife = (activation.offline ? OFFLINE_REFRESH_SECONDS : DEFAULT_REFRESH_SECONDS) / 2;
  for (const [tag, held, signedAt] of (ifNoneMatch ?? '').matchAll(ENTITY_TAG)) {
    if (held === terms && Number(signedAt) <= seconds && Number(signedAt) + halfLife > seconds) {
      return { etag: tag, notModified: true as const };
    }
  }
  const file = await signLicenseFile(deps, license, activation, now);
  await deps.activations.touch(activation, now.toISOString());
  return {
    etag: `"lf.${terms}.${seconds}"`,
    notModified: false as const,
    body: { activationId: activation.id, ...file },
  };
};
