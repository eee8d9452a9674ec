import {
  ACTIVATION_TOKEN_PATTERN,
  CODE_TTL_SECONDS,
  Fingerprint,
  formatCode,
  licenseBlock,
  MAX_CODE_ATTEMPTS,
  MAX_CODE_RESENDS,
  normalizeCode,
  type ValidationCode,
  type ValidationResult,
  validateLicense,
} from './activation-rules.ts';
import { type AuditEvent, auditEvent } from './audit.ts';
import { type IdGenerator, IdOf, type Page, PageQuery, Timestamp } from './common.ts';
import { DeviceJwk, type DeviceSignatures } from './device-documents.ts';
import type { EmailMessage } from './emails.ts';
import { activationCodeMessage, maskEmail } from './emails.ts';
import { DomainError, type ErrorCode } from './errors.ts';
import type { Language } from './language.ts';
import { buildClaims, type LicenseClaims } from './license-file.ts';
import { parseLicenseKey } from './license-key.ts';
import { refusalOf } from './license-status.ts';
import type { License } from './licenses.ts';
import { assertCan, assertLicenseVisible } from './policy.ts';
import type { Principal } from './principal.ts';
import type { Product } from './products.ts';
import * as z from './zod.ts';

export const StartActivationInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    key: z.string().min(1).max(64),
    fingerprint: Fingerprint,
    hostname: z.string().trim().min(1).max(253).optional(),
    platform: z.string().trim().min(1).max(100).optional(),
    metadata: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/), z.string().max(200))
      .refine((m) => Object.keys(m).length <= 20, 'At most 20 metadata entries')
      .optional(),
    devicePublicKey: DeviceJwk.optional().describe(
      "The device's own P-256 public key (JWK); its license files are then bound to it",
    ),
  }),
);
export const FinishActivationInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    code: z.string().regex(/^\s*\d{4}[\s-]?\d{4}\s*$/, 'Eight digits, e.g. 4821-0937'),
  }),
);
export const ActivationPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    activationId: IdOf('act'),
  }),
);
export const LicenseActivationPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    licenseId: IdOf('lic'),
    activationId: IdOf('act'),
  }),
);
export const ActivationListPath = /* @__PURE__ */ z.lazy(() =>
  LicenseActivationPath.unwrap().pick({ licenseId: true }),
);
export const LicensePathOnly = ActivationListPath;
export const ActivationListQuery = PageQuery;

export const ValidateInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    key: z.string().min(1).max(64),
    fingerprint: Fingerprint.optional(),
    module: z.string().min(1).max(40).optional(),
  }),
);

export type ActivationStatus =
  | 'pending'
  | 'active'
  | 'returned'
  | 'revoked'
  | 'superseded'
  | 'failed';

export interface Activation {
  id: string;
  licenseId: string;
  fingerprint: string;
  hostname?: string;
  platform?: string;
  metadata?: Record<string, string>;
  status: ActivationStatus;
  codeHash?: string;
  codeExpiresAt?: string;
  attempts: number;
  resends: number;
  tokenHash?: string;
  /** The license's pending place this activation holds while it waits for its code. */
  pendingSlot?: number;
  /**
   * The license's pool, copied when the activation starts (a license never changes project or
   * product): seat calls find their pool without reading the license. Absent on older items.
   */
  projectId?: string;
  productCode?: string;
  /** The device's own public key, when it sent one: its files and return proofs are bound to it. */
  deviceKey?: DeviceJwk;
  /** RFC 7638 thumbprint of `deviceKey` (the `dvk` claim of its license files). */
  deviceKeyId?: string;
  /** Activated from a request file a person uploaded, not over the network. */
  offline?: boolean;
  /**
   * Offline only: the refresh-by of the newest file issued for the device. A person must carry it
   * a new one before this plus the offline grace, or its file stops verifying.
   */
  offlineRefreshBy?: string;
  /** RMA: the activation this one replaced, and the one that replaced this one. */
  replaces?: string;
  replacedBy?: string;
  /** Why a person moved this activation to another device. */
  rehostReason?: string;
  createdAt: string;
  activatedAt?: string;
  lastSeenAt?: string;
  endedAt?: string;
}

export const ActivationView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: z.string(),
    licenseId: z.string(),
    fingerprint: z.string(),
    hostname: z.string().optional(),
    platform: z.string().optional(),
    status: z.enum(['pending', 'active', 'returned', 'revoked', 'superseded', 'failed']),
    createdAt: Timestamp,
    activatedAt: Timestamp.optional(),
    lastSeenAt: Timestamp.optional(),
    endedAt: Timestamp.optional(),
    offline: z.boolean().optional().describe('Activated from a request file (docs/offline.md)'),
    offlineRefreshBy: Timestamp.optional().describe(
      'Offline only: when the newest file issued for the device is due for renewal (it stops verifying a grace period later)',
    ),
    deviceKeyId: z
      .string()
      .optional()
      .describe("Thumbprint (RFC 7638) of the device's own key, when it has one"),
    replaces: z.string().optional().describe('RMA: the activation this one replaced'),
    replacedBy: z.string().optional().describe('RMA: the activation that replaced this one'),
    rehostReason: z.string().optional(),
  }),
);

export const StartedView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    activationId: z.string(),
    emailHint: z.string().describe('Where the code went, masked'),
    codeExpiresAt: Timestamp,
    attemptsLeft: z.number().int(),
  }),
);
const refreshedShape = () => ({
  activationId: z.string(),
  licenseFile: z.string().describe('Compact JWS (ES256); verify offline with the JWKS'),
  refreshBy: Timestamp,
});
export const ActivatedView = /* @__PURE__ */ z.lazy(() => {
  const { activationId, ...rest } = refreshedShape();
  return z.object({
    activationId,
    activationToken: z.string().describe('Shown once; send it as Bearer to refresh and return'),
    ...rest,
  });
});
export const RefreshedView = /* @__PURE__ */ z.lazy(() => z.object(refreshedShape()));

export interface ActivationSecrets {
  newCode(): string;
  hash(value: string): string;
  equal(hashA: string, hashB: string): boolean;
  newToken(activationId: string): { token: string; hash: string };
}

export interface ActivationStore {
  /**
   * Takes one of the license's `maxPending` places for a pending activation, counts its code
   * e-mail in the license's hourly budget and writes it: one transaction.
   */
  createPending(activation: Activation, limits: ActivationDeps['limits'], now: Date): Promise<void>;
  get(activationId: string): Promise<Activation | undefined>;
  /** The active activation of this license bound to this fingerprint, if any. */
  boundTo(licenseId: string, fingerprint: string): Promise<string | undefined>;
  /** Counts one code attempt, only while pending and under the limit; returns the new count. */
  countAttempt(activation: Activation, max: number): Promise<number>;
  /** A new code: counts the resend and the e-mail, keeps the pending place; one transaction. */
  replaceCode(
    activation: Activation,
    codeHash: string,
    expiresAt: string,
    limits: ActivationDeps['limits'] & { maxResends: number },
    now: Date,
  ): Promise<void>;
  /** pending → failed (codes exhausted), with its audit event; one transaction. */
  fail(activation: Activation, now: string, event: AuditEvent): Promise<void>;
  /** New slot: license counter below max, fingerprint binding, pending → active, audit; one transaction. */
  activateNew(
    activation: Activation,
    tokenHash: string,
    now: string,
    event: AuditEvent,
  ): Promise<void>;
  /** Same fingerprint again: takes over the previous activation's slot without counting. */
  activateAgain(
    activation: Activation,
    previousId: string,
    tokenHash: string,
    now: string,
    event: AuditEvent,
  ): Promise<void>;
  /**
   * An active activation from a request file, in one transaction with the file's once-only
   * marker: a new slot (counter below max, fingerprint binding), or, for a fingerprint already
   * active, the previous activation's slot (it is superseded).
   */
  activateOffline(
    activation: Activation,
    previousId: string | undefined,
    request: { digest: string; keepUntil: number },
    event: AuditEvent,
  ): Promise<void>;
  /**
   * RMA: the old activation is revoked and its slot handed to the replacement (a new active
   * activation on another fingerprint) without counting; one transaction.
   */
  rehost(
    old: Activation,
    replacement: Activation,
    event: AuditEvent,
    request?: { digest: string; keepUntil: number },
  ): Promise<void>;
  touch(activation: Activation, now: string): Promise<void>;
  /** Records the refresh-by of a file issued for an offline device, while it is active. */
  recordOfflineFile(activation: Activation, refreshBy: string): Promise<void>;
  /** Ends an active activation and gives its slot back: status, counter, binding, audit; one transaction. */
  release(
    activation: Activation,
    status: 'returned' | 'revoked',
    now: string,
    event: AuditEvent,
  ): Promise<void>;
  listByLicense(
    licenseId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<Activation>>;
}

export interface ActivationDeps {
  activations: ActivationStore;
  licenses: {
    findByKey(key: string): Promise<License | undefined>;
    get(id: string): Promise<License | undefined>;
  };
  products: { get(code: string): Promise<Product | undefined> };
  customers: { get(id: string): Promise<{ name: string } | undefined> };
  mailer: { send(message: EmailMessage): Promise<unknown> };
  /** The reader's language (English when absent). */
  language?: (to: string, customerId?: string) => Promise<Language>;
  signer: { sign(claims: LicenseClaims): Promise<string> };
  secrets: ActivationSecrets;
  /** Checks what devices sign with their own keys (offline files, device-bound activations). */
  devices: DeviceSignatures;
  ids: IdGenerator;
  fileId: () => string;
  now: () => Date;
  /** Bounds on what a leaked key can do: pending activations and code e-mails per license. */
  limits: { maxPending: number; codeEmailsPerHour: number };
}

const errorFor: Record<Exclude<ValidationCode, 'VALID'>, { code: ErrorCode; message: string }> = {
  KEY_INVALID: {
    code: 'LICENSE_KEY_INVALID',
    message: 'That is not a valid license key; check it for typos.',
  },
  NOT_FOUND: { code: 'LICENSE_NOT_FOUND', message: 'No license has this key.' },
  REVOKED: refusalOf.revoked,
  SUSPENDED: refusalOf.suspended,
  NOT_YET_VALID: refusalOf.not_yet_valid,
  EXPIRED: refusalOf.expired,
  FINGERPRINT_MISMATCH: { code: 'UNAUTHENTICATED', message: 'This instance is not activated.' },
  MODULE_NOT_LICENSED: { code: 'FORBIDDEN', message: 'The module is not licensed.' },
};
const refuse = (code: Exclude<ValidationCode, 'VALID'>) =>
  new DomainError(errorFor[code].code, errorFor[code].message);

export const activeLicense = (license: License | undefined, now: Date): License => {
  if (!license) throw refuse('NOT_FOUND');
  const block = licenseBlock(license, now);
  if (block) throw refuse(block);
  return license;
};

/** What an activation event records of the instance: never a code or token (hashes included). */
export const instanceSnapshot = (a: Activation, status: ActivationStatus) => ({
  activationId: a.id,
  fingerprint: a.fingerprint,
  ...(a.hostname ? { hostname: a.hostname } : {}),
  status,
});

/**
 * An audit event on the activation's license. `by` is the person who acted; without one, the
 * instance itself acted (completing, returning) or the code limit did (locking).
 */
export const activationEvent = (
  deps: Pick<ActivationDeps, 'ids'>,
  now: Date,
  action: string,
  license: Pick<License, 'id' | 'customerId'> | undefined,
  activation: Activation,
  before: ActivationStatus,
  after: ActivationStatus,
  by?: Principal,
) =>
  auditEvent(
    {
      principal: by ?? { kind: 'instance', activationId: activation.id },
      now,
      ids: deps.ids,
    },
    action,
    {
      type: 'license',
      id: activation.licenseId,
      ...(license?.customerId ? { customerId: license.customerId } : {}),
    },
    instanceSnapshot(activation, before),
    instanceSnapshot(activation, after),
  );

/** A failed send is the instance's 503, never a 500; whether to retry comes from the mailer. */
const send = async (deps: ActivationDeps, message: EmailMessage) => {
  try {
    await deps.mailer.send(message);
  } catch (error) {
    const retryable = (error as { retryable?: unknown }).retryable === true;
    throw new DomainError(
      'EMAIL_NOT_SENT',
      'The activation code could not be e-mailed; try again shortly.',
      {
        retryable,
      },
    );
  }
};

const sendCode = async (
  deps: ActivationDeps,
  license: License,
  activation: Activation,
  code: string,
  expiresAt: string,
) => {
  const product = await deps.products.get(license.productCode);
  const language = await deps.language?.(license.registeredEmail, license.customerId);
  await send(
    deps,
    activationCodeMessage({
      ...(language ? { language } : {}),
      to: license.registeredEmail,
      code: formatCode(code),
      productName: product?.name ?? license.productCode,
      companyName: license.companyName,
      serial: license.serial,
      ...(activation.hostname ? { hostname: activation.hostname } : {}),
      expiresAt,
    }),
  );
};

/** Step 1: key + fingerprint → a pending activation and a code e-mailed to the registered address. */
export const startActivation = async (
  deps: ActivationDeps,
  input: z.infer<typeof StartActivationInput>,
) => {
  const now = deps.now();
  const parsed = parseLicenseKey(input.key);
  if (!parsed.ok) throw refuse('KEY_INVALID');
  const license = activeLicense(await deps.licenses.findByKey(parsed.key), now);
  const again = await deps.activations.boundTo(license.id, input.fingerprint);
  if (!again && license.activationCount >= license.maxActivations) {
    throw new DomainError(
      'ACTIVATION_LIMIT_REACHED',
      'Every activation of this license is in use; return one first.',
      {
        maxActivations: license.maxActivations,
      },
    );
  }
  const code = deps.secrets.newCode();
  const id = deps.ids.next('act');
  const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000).toISOString();
  const activation: Activation = {
    id,
    licenseId: license.id,
    ...(license.projectId ? { projectId: license.projectId } : {}),
    productCode: license.productCode,
    fingerprint: input.fingerprint,
    ...(input.hostname ? { hostname: input.hostname } : {}),
    ...(input.platform ? { platform: input.platform } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
    ...(input.devicePublicKey
      ? {
          deviceKey: input.devicePublicKey,
          deviceKeyId: deps.devices.thumbprint(input.devicePublicKey),
        }
      : {}),
    status: 'pending',
    codeHash: deps.secrets.hash(`${id}:${code}`),
    codeExpiresAt: expiresAt,
    attempts: 0,
    resends: 0,
    createdAt: now.toISOString(),
  };
  await deps.activations.createPending(activation, deps.limits, now);
  await sendCode(deps, license, activation, code, expiresAt);
  return {
    activationId: id,
    emailHint: maskEmail(license.registeredEmail),
    codeExpiresAt: expiresAt,
    attemptsLeft: MAX_CODE_ATTEMPTS,
  };
};

const pending = async (deps: ActivationDeps, activationId: string): Promise<Activation> => {
  const activation = await deps.activations.get(activationId);
  if (!activation) throw new DomainError('NOT_FOUND', 'No such activation.');
  if (activation.status === 'failed')
    throw new DomainError('ACTIVATION_LOCKED', 'Too many wrong codes; start again.');
  if (activation.status !== 'pending')
    throw new DomainError('ACTIVATION_NOT_PENDING', 'This activation is already finished.');
  return activation;
};

/** Resend: a new code replaces the old one; the attempt count carries over. */
export const resendCode = async (deps: ActivationDeps, activationId: string) => {
  const now = deps.now();
  const activation = await pending(deps, activationId);
  if (activation.resends >= MAX_CODE_RESENDS) {
    throw new DomainError(
      'RESEND_LIMIT_REACHED',
      'No more codes for this activation; start again later.',
    );
  }
  const license = activeLicense(await deps.licenses.get(activation.licenseId), now);
  const code = deps.secrets.newCode();
  const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000).toISOString();
  await deps.activations.replaceCode(
    activation,
    deps.secrets.hash(`${activation.id}:${code}`),
    expiresAt,
    { ...deps.limits, maxResends: MAX_CODE_RESENDS },
    now,
  );
  await sendCode(deps, license, activation, code, expiresAt);
  return {
    activationId,
    emailHint: maskEmail(license.registeredEmail),
    codeExpiresAt: expiresAt,
    attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - activation.attempts),
  };
};

/**
 * A device without internet is renewed by a person carrying a file, so its files run longer than
 * an online instance's daily refresh (docs/offline.md): a renewal every half year, a month's grace.
 * It learns of a suspension or revocation only with the next file it is given.
 */
export const OFFLINE_REFRESH_SECONDS = 182 * 24 * 60 * 60;
export const OFFLINE_GRACE_SECONDS = 30 * 24 * 60 * 60;

/** A license file for the activation, signed now with the license's current terms. */
export const signLicenseFile = async (
  deps: ActivationDeps,
  license: License,
  activation: Activation,
  now: Date,
) => {
  const product = await deps.products.get(license.productCode);
  const customer = license.customerId ? await deps.customers.get(license.customerId) : undefined;
  const claims = buildClaims({
    license: {
      id: license.id,
      serial: license.serial,
      product: license.productCode,
      modules: license.modules,
      seatModel: product?.seatModel ?? 'instance',
      seatLimit: license.seatLimit,
      maxActivations: license.maxActivations,
      validFrom: license.validFrom,
      ...(license.validTill ? { validTill: license.validTill } : {}),
      ...(license.maintenanceUntil ? { maintenanceUntil: license.maintenanceUntil } : {}),
      trial: license.trial,
      customerName: customer?.name ?? license.companyName,
      registeredEmail: license.registeredEmail,
    },
    activation: {
      id: activation.id,
      fingerprint: activation.fingerprint,
      ...(activation.deviceKeyId ? { deviceKeyId: activation.deviceKeyId } : {}),
    },
    issuedAt: now,
    fileId: deps.fileId(),
    ...(activation.offline
      ? { refreshAfterSeconds: OFFLINE_REFRESH_SECONDS, graceSeconds: OFFLINE_GRACE_SECONDS }
      : {}),
  });
  const file = {
    licenseFile: await deps.signer.sign(claims),
    refreshBy: new Date(claims.rfb * 1000).toISOString(),
  };
  // An offline device is renewed by a person carrying it a file: the license page says by when.
  if (activation.offline) await deps.activations.recordOfflineFile(activation, file.refreshBy);
  return file;
};

/** Step 2: the code → an active activation, its token (shown once) and the signed license file. */
export const finishActivation = async (
  deps: ActivationDeps,
  activationId: string,
  typedCode: string,
) => {
  const now = deps.now();
  const activation = await pending(deps, activationId);
  // Count the attempt before comparing, so parallel guesses cannot exceed the limit.
  const attempts = await deps.activations.countAttempt(activation, MAX_CODE_ATTEMPTS);
  if (!activation.codeExpiresAt || new Date(activation.codeExpiresAt) <= now) {
    throw new DomainError('CODE_EXPIRED', 'The code has expired; ask for a new one.');
  }
  const matches = deps.secrets.equal(
    activation.codeHash ?? '',
    deps.secrets.hash(`${activation.id}:${normalizeCode(typedCode)}`),
  );
  if (!matches) {
    if (attempts >= MAX_CODE_ATTEMPTS) {
      const license = await deps.licenses.get(activation.licenseId);
      const event = activationEvent(
        deps,
        now,
        'license.activation-locked',
        license,
        activation,
        'pending',
        'failed',
      );
      await deps.activations.fail(activation, now.toISOString(), event);
      throw new DomainError('ACTIVATION_LOCKED', 'Too many wrong codes; start again.');
    }
    throw new DomainError('CODE_INVALID', 'That code is not right.', {
      attemptsLeft: MAX_CODE_ATTEMPTS - attempts,
    });
  }
  const license = activeLicense(await deps.licenses.get(activation.licenseId), now);
  const token = deps.secrets.newToken(activation.id);
  const previous = await deps.activations.boundTo(license.id, activation.fingerprint);
  const at = now.toISOString();
  const event = (action: string) =>
    activationEvent(deps, now, action, license, activation, 'pending', 'active');
  if (previous) {
    await deps.activations.activateAgain(activation, previous, token.hash, at, {
      ...event('license.instance-reactivated'),
      before: { ...instanceSnapshot(activation, 'pending'), replacesActivationId: previous },
    });
  } else
    await deps.activations.activateNew(
      activation,
      token.hash,
      at,
      event('license.instance-activated'),
    );
  const file = await signLicenseFile(deps, license, activation, now);
  return { activationId: activation.id, activationToken: token.token, ...file };
};

/** The instance behind an activation token; every failure is the same 401. */
export const authenticateInstance = async (
  deps: Pick<ActivationDeps, 'activations' | 'secrets'>,
  presented: string | undefined,
) => {
  const unauthenticated = new DomainError(
    'UNAUTHENTICATED',
    'A valid activation token is required.',
  );
  const match = presented ? ACTIVATION_TOKEN_PATTERN.exec(presented) : null;
  if (!match?.[1] || !presented) throw unauthenticated;
  const activation = await deps.activations.get(`act_${match[1]}`);
  if (
    !activation?.tokenHash ||
    !deps.secrets.equal(activation.tokenHash, deps.secrets.hash(presented))
  ) {
    throw unauthenticated;
  }
  if (activation.replacedBy) {
    throw new DomainError(
      'ACTIVATION_REHOSTED',
      'This activation was moved to a replacement device; this device is no longer licensed.',
    );
  }
  if (activation.status !== 'active') {
    throw new DomainError('UNAUTHENTICATED', `This activation is ${activation.status}.`, {
      activationStatus: activation.status,
    });
  }
  return activation;
};

/** Refresh: a fresh file with the license's current terms; suspension or revocation answer instead. */
export const refreshActivation = async (deps: ActivationDeps, activation: Activation) => {
  const now = deps.now();
  const license = activeLicense(await deps.licenses.get(activation.licenseId), now);
  await deps.activations.touch(activation, now.toISOString());
  return {
    activationId: activation.id,
    ...(await signLicenseFile(deps, license, activation, now)),
  };
};

/** Return: the slot goes back to the balance, where the product allows it. */
export const returnActivation = async (
  deps: ActivationDeps,
  activation: Activation,
  /** Set when a person deactivates the instance: their change goes into the audit trail. */
  by?: Principal,
  action = by ? 'license.instance-deactivated' : 'license.instance-returned',
) => {
  const now = deps.now();
  const license = await deps.licenses.get(activation.licenseId);
  const product = license ? await deps.products.get(license.productCode) : undefined;
  if (product && !product.returnable) {
    throw new DomainError(
      'NOT_RETURNABLE',
      `${product.code} licenses cannot be returned to the balance.`,
    );
  }
  const event = activationEvent(
    deps,
    now,
    action,
    license,
    activation,
    activation.status,
    'returned',
    by,
  );
  await deps.activations.release(activation, 'returned', now.toISOString(), event);
  return { activationId: activation.id, status: 'returned' as const };
};

export const validate = async (
  deps: ActivationDeps,
  input: z.infer<typeof ValidateInput>,
): Promise<ValidationResult> => {
  const parsed = parseLicenseKey(input.key);
  const license = parsed.ok ? await deps.licenses.findByKey(parsed.key) : undefined;
  const bound =
    license && input.fingerprint !== undefined
      ? (await deps.activations.boundTo(license.id, input.fingerprint)) !== undefined
      : undefined;
  return validateLicense({
    typedKey: input.key,
    license,
    fingerprintBound: bound,
    ...(input.module ? { module: input.module } : {}),
    now: deps.now(),
  });
};

const toView = ({
  codeHash: _c,
  tokenHash: _t,
  codeExpiresAt: _e,
  attempts: _a,
  resends: _r,
  pendingSlot: _s,
  projectId: _p,
  productCode: _pc,
  deviceKey: _k,
  ...view
}: Activation) => view;

/** A license's activations, newest first, for those who may see the license. */
export const listActivations = async (
  deps: Pick<ActivationDeps, 'activations'> & { visibleLicense: (id: string) => Promise<License> },
  licenseId: string,
  page: { limit: number; cursor?: string },
) => {
  await deps.visibleLicense(licenseId);
  const result = await deps.activations.listByLicense(licenseId, page);
  return { items: result.items.map(toView), nextCursor: result.nextCursor };
};

/** An admin's deactivation: the same rules as the instance's own return. */
/**
 * A person's copy of an instance's current license file (the portal's download): the file the
 * instance would get by refreshing now, signed with the license's current terms, for whoever may
 * see the license. An instance that ended (returned, revoked) has no current file.
 */
export const currentLicenseFile = async (
  deps: ActivationDeps,
  principal: Principal,
  licenseId: string,
  activationId: string,
) => {
  const license = assertLicenseVisible(principal, await deps.licenses.get(licenseId));
  const activation = await deps.activations.get(activationId);
  if (!activation || activation.licenseId !== license.id || activation.status !== 'active') {
    throw new DomainError('NOT_FOUND', 'No active instance with this id on this license.');
  }
  const now = deps.now();
  return {
    activationId,
    ...(await signLicenseFile(deps, activeLicense(license, now), activation, now)),
  };
};

export const deactivate = async (
  deps: ActivationDeps & { visibleLicense: (id: string) => Promise<License> },
  principal: Principal,
  licenseId: string,
  activationId: string,
) => {
  await deps.visibleLicense(licenseId);
  assertCan(principal, 'activation:manage');
  const activation = await deps.activations.get(activationId);
  if (!activation || activation.licenseId !== licenseId)
    throw new DomainError('NOT_FOUND', 'No such activation.');
  if (activation.status !== 'active') {
    throw new DomainError(
      'ACTIVATION_NOT_PENDING',
      `This activation is ${activation.status}, not active.`,
    );
  }
  return returnActivation(deps, activation, principal);
};
