import { ActorView, type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { IdOf, type Page, PageQuery, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import { issuedEvent, type License, type LicenseDeps, newLicense } from './licenses.ts';
import { type Notice, newNotice, type TrialRef, trialDeclinedNotice } from './notices.ts';
import { assertCan, assertCustomerVisible, assertProjectVisible, projectScope } from './policy.ts';
import { type Actor, actorOf } from './principal.ts';
import { type Product, ProductCode, type TrialPolicy } from './products.ts';
import * as z from './zod.ts';

/**
 * Trial licenses. A product may carry a trial policy (domain/products.ts); a customer's company
 * user (or a vendor admin for them) asks for it once per product. It is issued into the chosen
 * project at once, or, when the policy says so, after a vendor admin approves it. The license is
 * an ordinary one flagged `trial`: reminded, expired and refused like any other. The trial item
 * is keyed by customer and product, so a second request is refused by the database itself.
 */
export const trialStatuses = ['pending', 'issued', 'declined'] as const;
export type TrialStatus = (typeof trialStatuses)[number];

export interface Trial {
  customerId: string;
  productCode: string;
  projectId: string;
  status: TrialStatus;
  /** Where the license (and its "issued" e-mail with the key) goes. */
  registeredEmail: string;
  /** The policy as it was when asked for: a later change of the product does not alter it. */
  policy: TrialPolicy;
  requestedBy: Actor;
  requestedAt: string;
  decidedBy?: Actor;
  decidedAt?: string;
  reason?: string;
  licenseId?: string;
  validTill?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const CustomerRef = /* @__PURE__ */ z.lazy(() => IdOf('cus'));

export const TrialsPath = /* @__PURE__ */ z.lazy(() => z.strictObject({ customerId: CustomerRef }));
export const TrialPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ customerId: CustomerRef, productCode: ProductCode }),
);
export const RequestTrialInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    productCode: ProductCode,
    projectId: IdOf('prj').optional().describe("Defaults to the customer's default project"),
    registeredEmail: z
      .email()
      .max(254)
      .optional()
      .describe("Defaults to the requester's own e-mail, else the customer's contact e-mail"),
  }),
);
export type RequestTrialInput = z.infer<typeof RequestTrialInput>;
export const DeclineTrialInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    reason: z.string().trim().min(1).max(500).optional().describe('Shown to the customer'),
  }),
);
export const TrialQueueQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap().extend({
    status: z.enum(trialStatuses).default('pending').describe('Which trials, oldest request first'),
  }),
);
export const CustomerTrialsQuery = PageQuery;

export const TrialView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    customerId: z.string(),
    productCode: z.string(),
    projectId: z.string(),
    status: z.enum(trialStatuses),
    registeredEmail: z.string(),
    policy: z.object({
      days: z.number().int(),
      seatLimit: z.number().int(),
      maxActivations: z.number().int(),
      modules: z.array(z.string()),
      approval: z.enum(['automatic', 'vendor']),
    }),
    requestedBy: ActorView,
    requestedAt: Timestamp,
    decidedBy: ActorView.optional(),
    decidedAt: Timestamp.optional(),
    reason: z.string().optional(),
    licenseId: z.string().optional().describe('The trial license, once issued'),
    validTill: Timestamp.optional().describe('When the trial license ends'),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);

/** What issuing a trial writes besides the trial itself (store/licenses.ts `issueWrites`). */
export interface IssuedTrialLicense {
  license: License;
  event: AuditEvent;
  notice: Notice;
}

export interface TrialStore {
  get(customerId: string, productCode: string): Promise<Trial | undefined>;
  /** Creates the trial (refused if the customer has one for the product) with its license, if issued. */
  create(trial: Trial, event: AuditEvent, issued?: IssuedTrialLicense): Promise<void>;
  /**
   * Moves a pending trial on, only while it is still pending at that version, with what the
   * decision brings in the same transaction: the license issued, or the requester's notice.
   */
  decide(
    before: Trial,
    after: Trial,
    event: AuditEvent,
    brings: { issued?: IssuedTrialLicense; notice?: Notice },
  ): Promise<void>;
  listForCustomer(
    customerId: string,
    page: { limit: number; cursor?: string; projectIn?: readonly string[] },
  ): Promise<Page<Trial>>;
  listByStatus(status: TrialStatus, page: { limit: number; cursor?: string }): Promise<Page<Trial>>;
}

export interface TrialDeps {
  trials: TrialStore;
  licenses: LicenseDeps['licenses'];
  products: { get(code: string): Promise<Product | undefined> };
  customers: {
    get(
      id: string,
    ): Promise<{ name: string; defaultProjectId: string; contactEmail?: string } | undefined>;
  };
  projects: { get(customerId: string, projectId: string): Promise<unknown> };
  people: { get(personId: string): Promise<{ email: string } | undefined> };
  randomBytes: (size: number) => Uint8Array;
}

const ref = (t: Pick<Trial, 'customerId' | 'productCode'>) => ({
  type: 'trial' as const,
  id: `${t.customerId}/${t.productCode}`,
  customerId: t.customerId,
});

const invalid = (path: string, message: string) =>
  new DomainError('VALIDATION_FAILED', message, { errors: [{ path, message }] });

const visibleCustomer = async (
  deps: Pick<TrialDeps, 'customers'>,
  ctx: ChangeContext,
  id: string,
) => {
  assertCustomerVisible(ctx.principal, id);
  const customer = await deps.customers.get(id);
  if (!customer) throw notFound('Customer');
  return customer;
};

/** The license a trial gets: its policy's terms, from now for the policy's days. */
const trialLicense = async (
  deps: TrialDeps,
  ctx: ChangeContext,
  trial: Trial,
  companyName: string,
): Promise<IssuedTrialLicense> => {
  const validTill = new Date(ctx.now.getTime() + trial.policy.days * 86_400_000).toISOString();
  const license = await newLicense(deps, ctx, {
    productCode: trial.productCode,
    customerId: trial.customerId,
    projectId: trial.projectId,
    registeredEmail: trial.registeredEmail,
    companyName,
    modules: trial.policy.modules,
    seatLimit: trial.policy.seatLimit,
    maxActivations: trial.policy.maxActivations,
    validFrom: ctx.now.toISOString(),
    validTill,
    trial: true,
  });
  return {
    license,
    event: issuedEvent(ctx, license),
    notice: newNotice('license-issued', license.id, ctx.now),
  };
};

const issuedState = (trial: Trial, issued: IssuedTrialLicense): Trial => ({
  ...trial,
  status: 'issued',
  licenseId: issued.license.id,
  ...(issued.license.validTill ? { validTill: issued.license.validTill } : {}),
});

/** Where the license goes: as asked, else the requester's own address, else the customer's. */
const recipientOf = async (
  deps: Pick<TrialDeps, 'people'>,
  ctx: ChangeContext,
  asked: string | undefined,
  contactEmail: string | undefined,
): Promise<string> => {
  if (asked) return asked;
  if (ctx.principal.kind === 'person') {
    const person = await deps.people.get(ctx.principal.personId);
    if (person) return person.email;
  }
  if (contactEmail) return contactEmail;
  throw invalid('body.registeredEmail', 'Say where the trial license should be sent');
};

export const requestTrial = async (
  deps: TrialDeps,
  ctx: ChangeContext,
  customerId: string,
  input: RequestTrialInput,
): Promise<Trial> => {
  const customer = await visibleCustomer(deps, ctx, customerId);
  assertCan(ctx.principal, 'trial:request');
  const product = await deps.products.get(input.productCode);
  if (!product) throw invalid('body.productCode', `No product ${input.productCode}`);
  if (!product.trial) {
    throw new DomainError('TRIAL_NOT_OFFERED', `${product.name} offers no trial.`);
  }
  const earlier = await deps.trials.get(customerId, product.code);
  if (earlier) throw alreadyUsed(earlier);
  const projectId = input.projectId ?? customer.defaultProjectId;
  assertProjectVisible(ctx.principal, projectId, 'Project');
  if (input.projectId && !(await deps.projects.get(customerId, input.projectId))) {
    throw invalid('body.projectId', 'No such project of this customer');
  }
  const at = ctx.now.toISOString();
  const requested: Trial = {
    customerId,
    productCode: product.code,
    projectId,
    status: 'pending',
    registeredEmail: await recipientOf(deps, ctx, input.registeredEmail, customer.contactEmail),
    policy: product.trial,
    requestedBy: actorOf(ctx.principal),
    requestedAt: at,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  if (product.trial.approval === 'vendor') {
    await deps.trials.create(
      requested,
      auditEvent(ctx, 'trial.requested', ref(requested), null, requested),
    );
    return requested;
  }
  const issued = await trialLicense(deps, ctx, requested, customer.name);
  const trial: Trial = {
    ...issuedState(requested, issued),
    decidedBy: { type: 'system', id: 'trial-policy' },
    decidedAt: at,
  };
  await deps.trials.create(
    trial,
    auditEvent(ctx, 'trial.requested', ref(trial), null, trial),
    issued,
  );
  return trial;
};

/** Approving or declining a trial someone already decided. */
export const notPending = (status: TrialStatus) =>
  new DomainError('TRIAL_NOT_PENDING', `This trial is already ${status}.`, { trialStatus: status });

/** The clear refusal of a second request: the earlier trial's state says why. */
export const alreadyUsed = (earlier: Pick<Trial, 'status' | 'productCode'>) =>
  new DomainError(
    'TRIAL_ALREADY_USED',
    {
      pending: `A trial of ${earlier.productCode} was already requested and waits for approval.`,
      issued: `A trial of ${earlier.productCode} was already issued to this customer.`,
      declined: `A trial of ${earlier.productCode} was already requested and declined.`,
    }[earlier.status],
    { trialStatus: earlier.status },
  );

const visibleTrial = async (
  deps: Pick<TrialDeps, 'trials' | 'customers'>,
  ctx: ChangeContext,
  customerId: string,
  productCode: string,
) => {
  const customer = await visibleCustomer(deps, ctx, customerId);
  assertCan(ctx.principal, 'trial:read');
  const trial = await deps.trials.get(customerId, productCode);
  if (!trial) throw notFound('Trial');
  assertProjectVisible(ctx.principal, trial.projectId, 'Trial');
  return { customer, trial };
};

export const getTrial = async (
  deps: Pick<TrialDeps, 'trials' | 'customers'>,
  ctx: ChangeContext,
  customerId: string,
  productCode: string,
): Promise<Trial> => (await visibleTrial(deps, ctx, customerId, productCode)).trial;

export const listCustomerTrials = async (
  deps: Pick<TrialDeps, 'trials' | 'customers'>,
  ctx: ChangeContext,
  customerId: string,
  page: { limit: number; cursor?: string },
) => {
  await visibleCustomer(deps, ctx, customerId);
  assertCan(ctx.principal, 'trial:read');
  const projects = projectScope(ctx.principal);
  return deps.trials.listForCustomer(customerId, {
    ...page,
    ...(projects ? { projectIn: projects } : {}),
  });
};

export const listTrialQueue = async (
  deps: Pick<TrialDeps, 'trials'>,
  ctx: ChangeContext,
  query: z.infer<typeof TrialQueueQuery>,
) => {
  assertCan(ctx.principal, 'trial:decide');
  const { status, ...page } = query;
  return deps.trials.listByStatus(status, page);
};

const pendingTrial = async (
  deps: TrialDeps,
  ctx: ChangeContext,
  customerId: string,
  productCode: string,
) => {
  const { customer, trial: before } = await visibleTrial(deps, ctx, customerId, productCode);
  assertCan(ctx.principal, 'trial:decide');
  if (before.status !== 'pending') throw notPending(before.status);
  const decided = {
    ...before,
    decidedBy: actorOf(ctx.principal),
    decidedAt: ctx.now.toISOString(),
    version: before.version + 1,
    updatedAt: ctx.now.toISOString(),
  };
  return { customer, before, decided };
};

export const approveTrial = async (
  deps: TrialDeps,
  ctx: ChangeContext,
  customerId: string,
  productCode: string,
): Promise<Trial> => {
  const { customer, before, decided } = await pendingTrial(deps, ctx, customerId, productCode);
  const issued = await trialLicense(deps, ctx, decided, customer.name);
  const after = issuedState(decided, issued);
  await deps.trials.decide(
    before,
    after,
    auditEvent(ctx, 'trial.approved', ref(after), before, after),
    { issued },
  );
  return after;
};

export const declineTrial = async (
  deps: TrialDeps,
  ctx: ChangeContext,
  customerId: string,
  productCode: string,
  input: z.infer<typeof DeclineTrialInput>,
): Promise<Trial> => {
  const { before, decided } = await pendingTrial(deps, ctx, customerId, productCode);
  const after: Trial = {
    ...decided,
    status: 'declined',
    ...(input.reason ? { reason: input.reason } : {}),
  };
  // The requester hears it by e-mail (the notifications job sends it): otherwise a declined
  // request just stays quiet until someone looks at the portal.
  await deps.trials.decide(
    before,
    after,
    auditEvent(ctx, 'trial.declined', ref(after), before, after),
    { notice: trialDeclinedNotice(after, ctx.now) },
  );
  return after;
};

/**
 * What the e-mail of a declined trial says, read when it is sent: nothing when the trial is gone
 * or no longer declined (then there is nothing to tell).
 */
export const trialDeclinedFacts = async (
  deps: {
    trials: Pick<TrialStore, 'get'>;
    products: TrialDeps['products'];
    customers: TrialDeps['customers'];
  },
  trial: TrialRef,
) => {
  const declined = await deps.trials.get(trial.customerId, trial.productCode);
  if (declined?.status !== 'declined') return undefined;
  const [product, customer] = await Promise.all([
    deps.products.get(declined.productCode),
    deps.customers.get(declined.customerId),
  ]);
  return {
    to: declined.registeredEmail,
    productName: product?.name ?? declined.productCode,
    companyName: customer?.name ?? declined.customerId,
    customerId: declined.customerId,
    ...(declined.reason ? { reason: declined.reason } : {}),
  };
};
