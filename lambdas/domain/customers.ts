import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { applyPatch, IdOf, type Page, SearchQuery, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import { type Language, LanguageCode, languages } from './language.ts';
import { assertCan, assertCustomerVisible, customerScope } from './policy.ts';
import { assertMatches } from './preconditions.ts';
import type { Principal } from './principal.ts';
import { DEFAULT_PROJECT_NAME, newProject, type Project } from './projects.ts';
import * as z from './zod.ts';

const SupportServices = /* @__PURE__ */ z.lazy(() =>
  z
    .array(z.string().trim().min(1).max(80))
    .min(1)
    .max(20)
    .refine((s) => new Set(s).size === s.length, 'Services must be unique'),
);

export const CustomerId = /* @__PURE__ */ z.lazy(() => IdOf('cus'));

export const CreateCustomerInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    name: z.string().trim().min(1).max(200),
    contactEmail: z.email().max(254).optional(),
    supportServices: SupportServices.optional().describe(
      "The support contract: the services this customer's tickets may be about",
    ),
    externalRef: z.string().trim().min(1).max(100).optional().describe('Your CRM/ERP reference'),
    notes: z.string().trim().max(2000).optional(),
    language: LanguageCode.optional(),
  }),
);
export type CreateCustomerInput = z.infer<typeof CreateCustomerInput>;

export const UpdateCustomerInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      name: z.string().trim().min(1).max(200).optional(),
      contactEmail: z.email().max(254).nullable().optional(),
      supportServices: SupportServices.nullable()
        .optional()
        .describe('null: no support contract (no new tickets)'),
      externalRef: z.string().trim().min(1).max(100).nullable().optional(),
      notes: z.string().trim().max(2000).nullable().optional(),
      language: LanguageCode.nullable().optional().describe('null: the stage’s default'),
    })
    .refine((input) => Object.keys(input).length > 0, 'Give at least one field to change'),
);
export type UpdateCustomerInput = z.infer<typeof UpdateCustomerInput>;

export const CustomerPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ customerId: CustomerId }),
);
export const CustomerListQuery = SearchQuery;

export interface Customer {
  id: string;
  name: string;
  contactEmail?: string;
  /** The support contract: the services its tickets may be about (none: no new tickets). */
  supportServices?: string[];
  externalRef?: string;
  notes?: string;
  /** The language of its e-mails and pages, unless a person has their own. */
  language?: Language;
  defaultProjectId: string;
  /** Projects including the default one; a customer with more than its default cannot be deleted. */
  projectCount: number;
  /** Active API tokens bound to this customer; they must be revoked before it can be deleted. */
  tokenCount: number;
  /** Trial requests waiting for a decision; they must be decided before it can be deleted. */
  pendingTrialCount?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const CustomerView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: CustomerId,
    name: z.string(),
    contactEmail: z.string().optional(),
    supportServices: z.array(z.string()).optional(),
    externalRef: z.string().optional(),
    notes: z.string().optional(),
    language: z.enum(languages).optional(),
    defaultProjectId: z.string(),
    projectCount: z.number().int(),
    tokenCount: z.number().int(),
    pendingTrialCount: z
      .number()
      .int()
      .optional()
      .describe('Trial requests waiting for a decision (absent: none ever waited)'),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);

export interface CustomerStore {
  /** Writes the customer, its default project and both audit events in one transaction. */
  create(customer: Customer, defaultProject: Project, events: AuditEvent[]): Promise<void>;
  get(customerId: string): Promise<Customer | undefined>;
  /** The customers whose contact e-mail this is. */
  byContact(email: string): Promise<string[]>;
  list(query: { limit: number; cursor?: string; q?: string }): Promise<Page<Customer>>;
  replace(before: Customer, after: Customer, event: AuditEvent): Promise<void>;
  /** Deletes customer and default project together, only while nothing else depends on them. */
  remove(customer: Customer, defaultProject: Project, events: AuditEvent[]): Promise<void>;
}

const ref = (id: string) => ({ type: 'customer' as const, id, customerId: id });

export const createCustomer = async (
  store: CustomerStore,
  ctx: ChangeContext,
  input: CreateCustomerInput,
): Promise<Customer> => {
  assertCan(ctx.principal, 'customer:create');
  const at = ctx.now.toISOString();
  const id = ctx.ids.next('cus');
  const project = newProject(ctx, id, { name: DEFAULT_PROJECT_NAME }, true);
  const customer: Customer = {
    id,
    name: input.name,
    ...(input.contactEmail ? { contactEmail: input.contactEmail } : {}),
    ...(input.supportServices ? { supportServices: input.supportServices } : {}),
    ...(input.externalRef ? { externalRef: input.externalRef } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
    ...(input.language ? { language: input.language } : {}),
    defaultProjectId: project.id,
    projectCount: 1,
    tokenCount: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await store.create(customer, project, [
    auditEvent(ctx, 'customer.created', ref(id), null, customer),
    auditEvent(
      ctx,
      'project.created',
      { type: 'project', id: project.id, customerId: id },
      null,
      project,
    ),
  ]);
  return customer;
};

export const getCustomer = async (store: CustomerStore, principal: Principal, id: string) => {
  assertCustomerVisible(principal, id);
  assertCan(principal, 'customer:read');
  const customer = await store.get(id);
  if (!customer) throw notFound('Customer');
  return customer;
};

export const listCustomers = async (
  store: CustomerStore,
  principal: Principal,
  query: z.infer<typeof CustomerListQuery>,
): Promise<Page<Customer>> => {
  assertCan(principal, 'customer:read');
  const own = customerScope(principal);
  if (own === undefined) return store.list(query);
  // A customer-bound caller's listing holds exactly its own customer, whatever it searched for.
  const customer = await store.get(own);
  const matches =
    customer !== undefined &&
    query.cursor === undefined &&
    (query.q === undefined || customer.name.toLowerCase().includes(query.q.toLowerCase()));
  return { items: matches ? [customer] : [], nextCursor: null };
};

export const updateCustomer = async (
  store: CustomerStore,
  ctx: ChangeContext,
  id: string,
  input: UpdateCustomerInput,
): Promise<Customer> => {
  const before = await getCustomer(store, ctx.principal, id);
  assertCan(ctx.principal, 'customer:update');
  assertMatches(ctx, before.version);
  const after = applyPatch(
    { ...before, version: before.version + 1, updatedAt: ctx.now.toISOString() },
    input,
  );
  await store.replace(before, after, auditEvent(ctx, 'customer.updated', ref(id), before, after));
  return after;
};

export const deleteCustomer = async (
  store: CustomerStore,
  loadProject: (customerId: string, projectId: string) => Promise<Project | undefined>,
  ctx: ChangeContext,
  id: string,
): Promise<void> => {
  const before = await getCustomer(store, ctx.principal, id);
  assertCan(ctx.principal, 'customer:delete');
  assertMatches(ctx, before.version);
  const project = await loadProject(id, before.defaultProjectId);
  const pendingTrialCount = Math.max(0, before.pendingTrialCount ?? 0);
  if (
    before.projectCount > 1 ||
    before.tokenCount > 0 ||
    pendingTrialCount > 0 ||
    !project ||
    project.licenseCount > 0
  ) {
    throw new DomainError(
      'HAS_DEPENDENTS',
      'Delete the customer’s other projects and licenses, revoke its tokens and decide its trial requests first.',
      {
        projectCount: before.projectCount,
        tokenCount: before.tokenCount,
        licenseCount: project?.licenseCount ?? 0,
        pendingTrialCount,
      },
    );
  }
  await store.remove(before, project, [
    auditEvent(
      ctx,
      'project.deleted',
      { type: 'project', id: project.id, customerId: id },
      project,
      null,
    ),
    auditEvent(ctx, 'customer.deleted', ref(id), before, null),
  ]);
};
