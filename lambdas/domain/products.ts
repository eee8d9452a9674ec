import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { applyPatch, type Page, SearchQuery, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import { assertCan } from './policy.ts';
import { assertMatches } from './preconditions.ts';
import type { Principal } from './principal.ts';
import * as z from './zod.ts';

export const ProductCode = /* @__PURE__ */ z.lazy(() =>
  z
    .string()
    .regex(
      /^[A-Z][A-Z0-9_]{1,31}$/,
      'Use 2–32 upper-case letters, digits or _, starting with a letter',
    ),
);
export const ModuleCode = /* @__PURE__ */ z.lazy(() =>
  z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]{0,39}$/,
      'Use 1–40 lower-case letters, digits, - or _, starting with a letter',
    ),
);

export const ProductModule = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    code: ModuleCode,
    name: z.string().trim().min(1).max(120),
  }),
);
export type ProductModule = z.infer<typeof ProductModule>;

export const SeatModel = /* @__PURE__ */ z.lazy(() =>
  z
    .enum(['concurrent', 'named', 'instance'])
    .describe(
      'concurrent = users signed in now; named = assigned users; instance = activated instances',
    ),
);
export const Aggregation = /* @__PURE__ */ z.lazy(() =>
  z
    .enum(['sum', 'max'])
    .describe('How licenses of this product combine in a pool: summed, or the largest one counts'),
);

export const LeaseSeconds = /* @__PURE__ */ z.lazy(() =>
  z
    .number()
    .int()
    .min(60)
    .max(86_400)
    .describe('Concurrent seats: how long a lease lasts without a heartbeat (default 600 s)'),
);

/**
 * What a customer's company user may request once per product: a time-limited license flagged
 * `trial`, issued at once or after a vendor admin approves it (domain/trials.ts).
 */
export const TrialPolicy = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    days: z.number().int().min(1).max(365).describe('How long a trial license lasts'),
    seatLimit: z.number().int().min(0).max(100_000).default(1),
    maxActivations: z.number().int().min(1).max(1_000).default(1),
    modules: z
      .array(ModuleCode)
      .max(200)
      .refine((m) => new Set(m).size === m.length, 'Modules must be unique')
      .default([])
      .describe('Modules of this product the trial includes'),
    approval: z
      .enum(['automatic', 'vendor'])
      .default('automatic')
      .describe('automatic: issued on request; vendor: waits for a vendor admin to approve'),
  }),
);
export type TrialPolicy = z.output<typeof TrialPolicy>;

const Modules = /* @__PURE__ */ z.lazy(() =>
  z
    .array(ProductModule)
    .max(200)
    .refine(
      (mods) => new Set(mods.map((m) => m.code)).size === mods.length,
      'Module codes must be unique',
    ),
);

export const CreateProductInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    code: ProductCode,
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).optional(),
    modules: Modules.default([]),
    seatModel: SeatModel,
    aggregation: Aggregation.default('sum'),
    returnable: z
      .boolean()
      .default(true)
      .describe('Whether activations/seats may go back to the balance'),
    leaseSeconds: LeaseSeconds.optional(),
    trial: TrialPolicy.optional().describe('Omit when the product offers no trial'),
  }),
);
export type CreateProductInput = z.infer<typeof CreateProductInput>;

export const UpdateProductInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      name: z.string().trim().min(1).max(120).optional(),
      description: z.string().trim().max(2000).nullable().optional(),
      modules: Modules.optional(),
      seatModel: SeatModel.optional(),
      aggregation: Aggregation.optional(),
      returnable: z.boolean().optional(),
      leaseSeconds: LeaseSeconds.nullable().optional(),
      trial: TrialPolicy.nullable().optional().describe('null: the product offers no trial'),
    })
    .refine((input) => Object.keys(input).length > 0, 'Give at least one field to change'),
);
export type UpdateProductInput = z.infer<typeof UpdateProductInput>;

export const ProductPath = /* @__PURE__ */ z.lazy(() => z.strictObject({ code: ProductCode }));
export const ProductListQuery = SearchQuery;

export interface Product {
  code: string;
  name: string;
  description?: string;
  modules: ProductModule[];
  seatModel: z.infer<typeof SeatModel>;
  aggregation: z.infer<typeof Aggregation>;
  returnable: boolean;
  /** Concurrent seats: lease length in seconds; absent means the default. */
  leaseSeconds?: number;
  trial?: TrialPolicy;
  /** Licenses issued for this product; a product with licenses cannot be deleted. */
  licenseCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const ProductView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    code: ProductCode,
    name: z.string(),
    description: z.string().optional(),
    modules: z.array(ProductModule),
    seatModel: SeatModel,
    aggregation: Aggregation,
    returnable: z.boolean(),
    leaseSeconds: z.number().int().optional(),
    trial: z
      .object({
        days: z.number().int(),
        seatLimit: z.number().int(),
        maxActivations: z.number().int(),
        modules: z.array(z.string()),
        approval: z.enum(['automatic', 'vendor']),
      })
      .optional()
      .describe('The trial a company user may request, once per customer'),
    licenseCount: z.number().int(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);

export interface ProductStore {
  create(product: Product, event: AuditEvent): Promise<void>;
  get(code: string): Promise<Product | undefined>;
  list(query: { limit: number; cursor?: string; q?: string }): Promise<Page<Product>>;
  replace(before: Product, after: Product, event: AuditEvent): Promise<void>;
  remove(product: Product, event: AuditEvent): Promise<void>;
}

const ref = (code: string) => ({ type: 'product' as const, id: code });

/** A trial may include only modules the product has. */
const checkTrialModules = (product: Pick<Product, 'modules' | 'trial'>) => {
  const known = new Set(product.modules.map((m) => m.code));
  const unknown = (product.trial?.modules ?? []).filter((m) => !known.has(m));
  if (unknown.length > 0) {
    const message = `Not modules of this product: ${unknown.join(', ')}`;
    throw new DomainError('VALIDATION_FAILED', message, {
      errors: [{ path: 'body.trial.modules', message }],
    });
  }
};

export const createProduct = async (
  store: ProductStore,
  ctx: ChangeContext,
  input: CreateProductInput,
): Promise<Product> => {
  assertCan(ctx.principal, 'product:write');
  const at = ctx.now.toISOString();
  const product: Product = {
    code: input.code,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    modules: input.modules,
    seatModel: input.seatModel,
    aggregation: input.aggregation,
    returnable: input.returnable,
    ...(input.leaseSeconds ? { leaseSeconds: input.leaseSeconds } : {}),
    ...(input.trial ? { trial: input.trial } : {}),
    licenseCount: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  checkTrialModules(product);
  await store.create(product, auditEvent(ctx, 'product.created', ref(product.code), null, product));
  return product;
};

export const getProduct = async (store: ProductStore, principal: Principal, code: string) => {
  assertCan(principal, 'product:read');
  const product = await store.get(code);
  if (!product) throw notFound(`Product ${code}`);
  return product;
};

export const listProducts = async (
  store: ProductStore,
  principal: Principal,
  query: z.infer<typeof ProductListQuery>,
) => {
  assertCan(principal, 'product:read');
  return store.list(query);
};

export const updateProduct = async (
  store: ProductStore,
  ctx: ChangeContext,
  code: string,
  input: UpdateProductInput,
): Promise<Product> => {
  assertCan(ctx.principal, 'product:write');
  const before = await getProduct(store, ctx.principal, code);
  assertMatches(ctx, before.version);
  const changesCounting =
    (input.seatModel !== undefined && input.seatModel !== before.seatModel) ||
    (input.aggregation !== undefined && input.aggregation !== before.aggregation);
  if (changesCounting && before.licenseCount > 0) {
    throw new DomainError(
      'HAS_DEPENDENTS',
      'The seat model and aggregation rule cannot change while licenses of this product exist.',
      { licenseCount: before.licenseCount },
    );
  }
  const after = applyPatch(
    { ...before, version: before.version + 1, updatedAt: ctx.now.toISOString() },
    input,
  );
  checkTrialModules(after);
  await store.replace(before, after, auditEvent(ctx, 'product.updated', ref(code), before, after));
  return after;
};

export const deleteProduct = async (
  store: ProductStore,
  ctx: ChangeContext,
  code: string,
): Promise<void> => {
  assertCan(ctx.principal, 'product:write');
  const before = await getProduct(store, ctx.principal, code);
  assertMatches(ctx, before.version);
  if (before.licenseCount > 0) {
    throw new DomainError('HAS_DEPENDENTS', `Product ${code} still has licenses.`, {
      licenseCount: before.licenseCount,
    });
  }
  await store.remove(before, auditEvent(ctx, 'product.deleted', ref(code), before, null));
};
