import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { applyPatch, IdOf, type Page, PageQuery, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import { generateLicenseKey, maskLicenseKey, parseLicenseKey } from './license-key.ts';
import {
  daysLeft,
  effectiveStatus,
  type LicenseStatus,
  type StoredStatus,
} from './license-status.ts';
import { type Notice, newNotice } from './notices.ts';
import {
  assertCan,
  assertCustomerVisible,
  assertLicenseVisible,
  assertProjectVisible,
  can,
  customerScope,
  projectScope,
} from './policy.ts';
import { licenseFigures, type SeatFigures, type SeatModel } from './pools.ts';
import { assertMatches } from './preconditions.ts';
import type { Principal } from './principal.ts';
import { ModuleCode, type Product, ProductCode } from './products.ts';
import * as z from './zod.ts';

export const LicenseId = /* @__PURE__ */ z.lazy(() => IdOf('lic'));
const CustomerRef = /* @__PURE__ */ z.lazy(() => IdOf('cus'));
const ProjectRef = /* @__PURE__ */ z.lazy(() => IdOf('prj'));
const Modules = /* @__PURE__ */ z.lazy(() =>
  z
    .array(ModuleCode)
    .max(200)
    .refine((m) => new Set(m).size === m.length, 'Modules must be unique'),
);

export const IssueLicenseInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      productCode: ProductCode,
      customerId: CustomerRef.optional().describe(
        'Omit to issue an unassigned key, imported later',
      ),
      projectId: ProjectRef.optional().describe("Defaults to the customer's default project"),
      registeredEmail: z.email().max(254).describe('Activation codes are sent here'),
      companyName: z.string().trim().min(1).max(200),
      modules: Modules.default([]),
      seatLimit: z.number().int().min(0).max(1_000_000),
      maxActivations: z.number().int().min(1).max(100_000).default(1),
      validFrom: Timestamp.optional().describe('Defaults to now'),
      validTill: Timestamp.optional().describe('Omit for a perpetual license'),
      maintenanceUntil: Timestamp.optional(),
      trial: z.boolean().default(false),
      notes: z.string().trim().max(2000).optional(),
      notify: z
        .boolean()
        .default(true)
        .describe('E-mail the registered address that the license was issued (with its key)'),
    })
    .refine((i) => i.projectId === undefined || i.customerId !== undefined, {
      message: 'A project needs its customer',
      path: ['projectId'],
    }),
);
export type IssueLicenseInput = z.infer<typeof IssueLicenseInput>;

export const UpdateLicenseInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      registeredEmail: z.email().max(254).optional(),
      companyName: z.string().trim().min(1).max(200).optional(),
      modules: Modules.optional(),
      seatLimit: z.number().int().min(0).max(1_000_000).optional(),
      maxActivations: z.number().int().min(1).max(100_000).optional(),
      validFrom: Timestamp.optional(),
      validTill: Timestamp.nullable().optional().describe('null makes the license perpetual'),
      maintenanceUntil: Timestamp.nullable().optional(),
      trial: z.boolean().optional(),
      notes: z.string().trim().max(2000).nullable().optional(),
    })
    .refine((input) => Object.keys(input).length > 0, 'Give at least one field to change'),
);
export type UpdateLicenseInput = z.infer<typeof UpdateLicenseInput>;

export const LicensePath = /* @__PURE__ */ z.lazy(() => z.strictObject({ licenseId: LicenseId }));
export const ImportPath = /* @__PURE__ */ z.lazy(() => z.strictObject({ customerId: CustomerRef }));
export const ImportLicenseInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    key: z.string().min(1).max(64).describe('As typed; dashes, spaces and case do not matter'),
    projectId: ProjectRef.optional(),
  }),
);

export const licenseStatuses = [
  'active',
  'suspended',
  'revoked',
  'expired',
  'not_yet_valid',
] as const;
export const LicenseListQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap()
    .extend({
      customerId: CustomerRef.optional(),
      projectId: ProjectRef.optional(),
      productCode: ProductCode.optional(),
      status: z.enum(licenseStatuses).optional(),
      expiresBefore: Timestamp.optional().describe(
        'Only licenses whose validity ends before this time (perpetual ones never do); sorted by end',
      ),
      sort: z
        .enum(['-createdAt', 'validTill'])
        .default('-createdAt')
        .describe('Newest first (default), or soonest end of validity first (perpetual last)'),
      q: z
        .string()
        .trim()
        .min(1)
        .max(256)
        .optional()
        .describe(
          'Exact lookup: a license key, a serial (TS00000042), a registered e-mail, or an instance fingerprint or hostname',
        ),
    })
    .refine((q) => q.projectId === undefined || q.customerId !== undefined, {
      message: 'projectId needs customerId',
      path: ['projectId'],
    }),
);
export type LicenseListQuery = z.infer<typeof LicenseListQuery>;

export interface License {
  id: string;
  key: string;
  serial: string;
  productCode: string;
  customerId?: string;
  projectId?: string;
  registeredEmail: string;
  companyName: string;
  modules: string[];
  seatLimit: number;
  maxActivations: number;
  /** Live activations; raised and lowered only by the activation transactions. */
  activationCount: number;
  validFrom: string;
  validTill?: string;
  maintenanceUntil?: string;
  trial: boolean;
  notes?: string;
  status: StoredStatus;
  /** The `validTill` whose passing the expiry sweep recorded (event, notice); set by the sweep. */
  expiryRecordedFor?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const LicenseView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: LicenseId,
    key: z.string().describe('Full key for those allowed to copy it, else only its first group'),
    serial: z.string(),
    productCode: z.string(),
    customerId: z.string().optional(),
    projectId: z.string().optional(),
    registeredEmail: z.string(),
    companyName: z.string(),
    modules: z.array(z.string()),
    seatLimit: z.number().int(),
    maxActivations: z.number().int(),
    activationCount: z.number().int(),
    validFrom: Timestamp,
    validTill: Timestamp.optional(),
    maintenanceUntil: Timestamp.optional(),
    trial: z.boolean(),
    notes: z.string().optional(),
    status: z.enum(licenseStatuses),
    storedStatus: z.enum(['active', 'suspended', 'revoked']),
    daysLeft: z.number().int().nullable().describe('null for perpetual licenses'),
    used: z
      .number()
      .int()
      .describe(
        'Users signed in now in its pool (concurrent), users assigned in its pool (named), or its own activated instances (instance)',
      ),
    limit: z
      .number()
      .int()
      .describe('Its seat limit (concurrent, named) or its maximum activations (instance)'),
    competitive: z.boolean().describe('True when its product counts concurrent seats'),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);
export type LicenseView = Omit<License, 'status'> &
  SeatFigures & {
    status: LicenseStatus;
    storedStatus: StoredStatus;
    daysLeft: number | null;
  };

/** What a registry row needs besides the license: its product's seat model, its pool's counters. */
export interface LicenseSeats {
  seatModel: SeatModel;
  pool?: { used: number; assigned: number };
}

export interface LicenseListFilter {
  customerId?: string;
  projectId?: string;
  /** Only licenses in one of these projects (someone limited to them). */
  projectIn?: readonly string[];
  productCode?: string;
  status?: LicenseStatus;
  expiresBefore?: string;
  sort?: '-createdAt' | 'validTill';
  now: Date;
}

/** What an exact lookup searches, from what was typed. */
export type LookupKind = 'serial' | 'email' | 'instance';

export interface LicenseStore {
  nextSerial(): Promise<number>;
  /** License, key index, product and project counters, audit: one transaction. */
  issue(license: License, event: AuditEvent, notice?: Notice): Promise<void>;
  get(licenseId: string): Promise<License | undefined>;
  findByKey(key: string): Promise<License | undefined>;
  list(filter: LicenseListFilter, page: { limit: number; cursor?: string }): Promise<Page<License>>;
  /** The licenses an exact lookup finds, through its lookup items. */
  lookup(
    kind: LookupKind,
    value: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<License>>;
  /** Writes changed fields under the version condition; never below live activations. */
  replace(before: License, after: License, event: AuditEvent): Promise<void>;
  /** Attaches an unassigned license to a project, only if still unassigned. */
  assign(before: License, after: License, event: AuditEvent): Promise<void>;
  /** Each license's seat model and pool counters, by license id, in batch reads. */
  seatsOf(licenses: readonly License[]): Promise<Map<string, LicenseSeats>>;
}

export interface LicenseDeps {
  licenses: LicenseStore;
  products: { get(code: string): Promise<Product | undefined> };
  customers: { get(id: string): Promise<{ defaultProjectId: string } | undefined> };
  randomBytes: (size: number) => Uint8Array;
}

/** One spelling per instant, so stored times compare correctly as strings in DynamoDB filters. */
const iso = (value: string): string => new Date(value).toISOString();

export const formatSerial = (n: number): string => `TS${String(n).padStart(8, '0')}`;

/** A license as audit events name it. */
export const licenseRef = (l: License) => ({
  type: 'license' as const,
  id: l.id,
  ...(l.customerId ? { customerId: l.customerId } : {}),
});

export const toLicenseView = (
  license: License,
  principal: Principal,
  now: Date,
  seats: LicenseSeats | undefined,
): LicenseView => ({
  ...license,
  key: can(principal, 'license:key') ? license.key : maskLicenseKey(license.key),
  status: effectiveStatus(license, now),
  storedStatus: license.status,
  daysLeft: daysLeft(license, now),
  ...licenseFigures(seats?.seatModel ?? 'instance', license, seats?.pool),
});

/** Registry rows for licenses: their seat figures come in one batch for the whole page. */
export const presentLicenses = async (
  store: Pick<LicenseStore, 'seatsOf'>,
  licenses: readonly License[],
  principal: Principal,
  now: Date,
): Promise<LicenseView[]> => {
  const seats = await store.seatsOf(licenses);
  return licenses.map((l) => toLicenseView(l, principal, now, seats.get(l.id)));
};

const present = async (
  store: Pick<LicenseStore, 'seatsOf'>,
  license: License,
  principal: Principal,
  now: Date,
): Promise<LicenseView> =>
  (await presentLicenses(store, [license], principal, now))[0] as LicenseView;

const invalid = (path: string, message: string) =>
  new DomainError('VALIDATION_FAILED', message, { errors: [{ path, message }] });

const checkModules = (product: Product, modules: string[]) => {
  const known = new Set(product.modules.map((m) => m.code));
  const unknown = modules.filter((m) => !known.has(m));
  if (unknown.length > 0) {
    throw invalid('body.modules', `Not modules of ${product.code}: ${unknown.join(', ')}`);
  }
};

const checkWindow = (validFrom: string, validTill: string | undefined) => {
  if (validTill !== undefined && new Date(validTill) <= new Date(validFrom)) {
    throw invalid('body.validTill', 'validTill must lie after validFrom');
  }
};

/** The terms of a license to issue; the rest is drawn (id, key, serial) or starts fresh. */
export type LicenseTerms = Omit<
  License,
  'id' | 'key' | 'serial' | 'activationCount' | 'status' | 'version' | 'createdAt' | 'updatedAt'
>;

/** A new license from checked terms: its id, key and serial are drawn here. */
export const newLicense = async (
  deps: Pick<LicenseDeps, 'licenses' | 'randomBytes'>,
  ctx: ChangeContext,
  terms: LicenseTerms,
): Promise<License> => {
  const at = ctx.now.toISOString();
  return {
    id: ctx.ids.next('lic'),
    key: generateLicenseKey(deps.randomBytes),
    serial: formatSerial(await deps.licenses.nextSerial()),
    ...terms,
    activationCount: 0,
    status: 'active',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
};

/** The audit event of an issued license: the key itself never goes into the trail. */
export const issuedEvent = (ctx: ChangeContext, license: License): AuditEvent => {
  const { key: _key, ...withoutKey } = license;
  return auditEvent(ctx, 'license.issued', licenseRef(license), null, withoutKey);
};

export const issueLicense = async (
  deps: LicenseDeps,
  ctx: ChangeContext,
  input: IssueLicenseInput,
): Promise<LicenseView> => {
  assertCan(ctx.principal, 'license:write');
  const product = await deps.products.get(input.productCode);
  if (!product) throw invalid('body.productCode', `No product ${input.productCode}`);
  checkModules(product, input.modules);
  let projectId = input.projectId;
  if (input.customerId && !projectId) {
    const customer = await deps.customers.get(input.customerId);
    if (!customer) throw invalid('body.customerId', 'No such customer');
    projectId = customer.defaultProjectId;
  }
  const validFrom = input.validFrom ? iso(input.validFrom) : ctx.now.toISOString();
  checkWindow(validFrom, input.validTill);
  const license = await newLicense(deps, ctx, {
    productCode: product.code,
    ...(input.customerId ? { customerId: input.customerId, projectId } : {}),
    registeredEmail: input.registeredEmail,
    companyName: input.companyName,
    modules: input.modules,
    seatLimit: input.seatLimit,
    maxActivations: input.maxActivations,
    validFrom,
    ...(input.validTill ? { validTill: iso(input.validTill) } : {}),
    ...(input.maintenanceUntil ? { maintenanceUntil: iso(input.maintenanceUntil) } : {}),
    trial: input.trial,
    ...(input.notes ? { notes: input.notes } : {}),
  });
  // The "license issued" e-mail is queued in the same transaction and sent by the
  // notifications job, so it is neither lost nor sent twice.
  const notice = input.notify ? newNotice('license-issued', license.id, ctx.now) : undefined;
  await deps.licenses.issue(license, issuedEvent(ctx, license), notice);
  return present(deps.licenses, license, ctx.principal, ctx.now);
};

/** A license as the principal may see it: 404 for other customers' licenses. */
export const visibleLicense = async (store: LicenseStore, principal: Principal, id: string) =>
  assertLicenseVisible(principal, await store.get(id));

export const getLicense = async (
  store: LicenseStore,
  principal: Principal,
  id: string,
  now: Date,
) => present(store, await visibleLicense(store, principal, id), principal, now);

/**
 * What a typed search is: a license key (any spelling the key parser takes), a serial, an e-mail
 * address, or else an instance's fingerprint or hostname.
 */
export const classifyQuery = (
  q: string,
): { kind: 'key'; key: string } | { kind: LookupKind; value: string } => {
  const key = parseLicenseKey(q);
  if (key.ok) return { kind: 'key', key: key.key };
  if (/^TS\d{8}$/i.test(q)) return { kind: 'serial', value: q.toUpperCase() };
  if (q.includes('@')) return { kind: 'email', value: q };
  return { kind: 'instance', value: q };
};

/** The other filters, applied to what an exact lookup found (a handful of licenses). */
const matches = (l: License, f: LicenseListFilter) =>
  (f.customerId === undefined || l.customerId === f.customerId) &&
  (f.projectId === undefined || l.projectId === f.projectId) &&
  (f.projectIn === undefined || (l.projectId !== undefined && f.projectIn.includes(l.projectId))) &&
  (f.productCode === undefined || l.productCode === f.productCode) &&
  (f.status === undefined || effectiveStatus(l, f.now) === f.status) &&
  (f.expiresBefore === undefined ||
    (l.validTill !== undefined && new Date(l.validTill) < new Date(f.expiresBefore)));

const lookUp = async (
  store: LicenseStore,
  q: string,
  filter: LicenseListFilter,
  page: { limit: number; cursor?: string },
): Promise<Page<License>> => {
  const what = classifyQuery(q);
  if (what.kind === 'key') {
    const found = await store.findByKey(what.key);
    return { items: found && matches(found, filter) ? [found] : [], nextCursor: null };
  }
  // Read on while the other filters leave a page empty, so no empty page comes with a cursor.
  let cursor = page.cursor;
  for (;;) {
    const found = await store.lookup(what.kind, what.value, {
      limit: page.limit,
      ...(cursor ? { cursor } : {}),
    });
    const items = found.items.filter((l) => matches(l, filter));
    if (items.length > 0 || !found.nextCursor) return { items, nextCursor: found.nextCursor };
    cursor = found.nextCursor;
  }
};

export const listLicenses = async (
  store: LicenseStore,
  principal: Principal,
  query: Omit<LicenseListQuery, 'sort'> & Partial<Pick<LicenseListQuery, 'sort'>>,
  now: Date,
): Promise<Page<LicenseView>> => {
  assertCan(principal, 'license:read');
  const own = customerScope(principal);
  if (own !== undefined && query.customerId !== undefined)
    assertCustomerVisible(principal, query.customerId);
  const customerId = own ?? query.customerId;
  if (query.projectId !== undefined) assertProjectVisible(principal, query.projectId, 'Project');
  const projects = projectScope(principal);
  const filter: LicenseListFilter = {
    now,
    ...(customerId ? { customerId } : {}),
    ...(query.projectId ? { projectId: query.projectId } : {}),
    ...(projects && !query.projectId ? { projectIn: projects } : {}),
    ...(query.productCode ? { productCode: query.productCode } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.expiresBefore ? { expiresBefore: iso(query.expiresBefore) } : {}),
    sort: query.sort ?? '-createdAt',
  };
  const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
  const result = query.q
    ? await lookUp(store, query.q, filter, page)
    : await store.list(filter, page);
  return {
    items: await presentLicenses(store, result.items, principal, now),
    nextCursor: result.nextCursor,
  };
};

const withoutKey = ({ key: _key, ...rest }: License) => rest;

const change = async (
  deps: Pick<LicenseDeps, 'licenses'>,
  ctx: ChangeContext,
  before: License,
  after: License,
  action: string,
) => {
  await deps.licenses.replace(
    before,
    after,
    auditEvent(ctx, action, licenseRef(after), withoutKey(before), withoutKey(after)),
  );
  return present(deps.licenses, after, ctx.principal, ctx.now);
};

export const updateLicense = async (
  deps: Pick<LicenseDeps, 'licenses' | 'products'>,
  ctx: ChangeContext,
  id: string,
  input: UpdateLicenseInput,
): Promise<LicenseView> => {
  const before = await visibleLicense(deps.licenses, ctx.principal, id);
  assertCan(ctx.principal, 'license:write');
  assertMatches(ctx, before.version);
  if (before.status === 'revoked')
    throw new DomainError('LICENSE_REVOKED', 'A revoked license cannot change.');
  if (input.modules) {
    const product = await deps.products.get(before.productCode);
    if (product) checkModules(product, input.modules);
  }
  if (input.maxActivations !== undefined && input.maxActivations < before.activationCount) {
    throw new DomainError(
      'LIMIT_BELOW_USAGE',
      'Return activations before lowering maxActivations below them.',
      {
        activationCount: before.activationCount,
      },
    );
  }
  const { validFrom, validTill, maintenanceUntil } = input;
  const after = applyPatch(
    { ...before, version: before.version + 1, updatedAt: ctx.now.toISOString() },
    {
      ...input,
      ...(validFrom ? { validFrom: iso(validFrom) } : {}),
      ...(validTill ? { validTill: iso(validTill) } : {}),
      ...(maintenanceUntil ? { maintenanceUntil: iso(maintenanceUntil) } : {}),
    },
  );
  checkWindow(after.validFrom, after.validTill);
  return change(deps, ctx, before, after, 'license.updated');
};

const transitions = {
  suspend: { target: 'suspended', action: 'license.suspended' },
  reinstate: { target: 'active', action: 'license.reinstated' },
  revoke: { target: 'revoked', action: 'license.revoked' },
} as const;

const transition =
  (verb: keyof typeof transitions) =>
  async (
    deps: Pick<LicenseDeps, 'licenses'>,
    ctx: ChangeContext,
    id: string,
  ): Promise<LicenseView> => {
    const before = await visibleLicense(deps.licenses, ctx.principal, id);
    assertCan(ctx.principal, 'license:write');
    assertMatches(ctx, before.version);
    if (before.status === 'revoked') {
      throw new DomainError('LICENSE_REVOKED', 'The license is revoked; revocation is final.');
    }
    const { target, action } = transitions[verb];
    if (before.status === target) return present(deps.licenses, before, ctx.principal, ctx.now);
    const after: License = {
      ...before,
      status: target,
      version: before.version + 1,
      updatedAt: ctx.now.toISOString(),
    };
    return change(deps, ctx, before, after, action);
  };

export const suspendLicense = transition('suspend');
export const reinstateLicense = transition('reinstate');
export const revokeLicense = transition('revoke');

/** The seeds' "Import license" dialog: a valid, unassigned key joins the customer's balance. */
export const importLicense = async (
  deps: Pick<LicenseDeps, 'licenses' | 'customers'>,
  ctx: ChangeContext,
  customerId: string,
  input: z.infer<typeof ImportLicenseInput>,
): Promise<LicenseView> => {
  assertCustomerVisible(ctx.principal, customerId);
  assertCan(ctx.principal, 'license:import');
  const parsed = parseLicenseKey(input.key);
  if (!parsed.ok) {
    throw new DomainError(
      'LICENSE_KEY_INVALID',
      parsed.reason === 'CHECKSUM'
        ? 'That key has a typo: its check character does not match.'
        : 'That is not a license key: 25 letters and digits in five groups.',
      { reason: parsed.reason },
    );
  }
  const customer = await deps.customers.get(customerId);
  if (!customer) throw notFound('Customer');
  const projectId = input.projectId ?? customer.defaultProjectId;
  assertProjectVisible(ctx.principal, projectId, 'Project');
  const before = await deps.licenses.findByKey(parsed.key);
  if (!before) throw notFound('License');
  if (before.status === 'revoked')
    throw new DomainError('LICENSE_REVOKED', 'That license is revoked.');
  if (before.customerId !== undefined) {
    throw new DomainError(
      'LICENSE_ALREADY_ASSIGNED',
      'That license already belongs to an account.',
    );
  }
  const after: License = {
    ...before,
    customerId,
    projectId,
    version: before.version + 1,
    updatedAt: ctx.now.toISOString(),
  };
  await deps.licenses.assign(
    before,
    after,
    auditEvent(ctx, 'license.imported', licenseRef(after), withoutKey(before), withoutKey(after)),
  );
  return present(deps.licenses, after, ctx.principal, ctx.now);
};
