import { type IdGenerator, PageQuery, Timestamp } from './common.ts';
import { type Actor, actorOf, type Principal } from './principal.ts';
import * as z from './zod.ts';

export const entityTypes = [
  'product',
  'customer',
  'project',
  'token',
  'license',
  'pool',
  'person',
  'trial',
  'ticket',
  /** An e-mail to the support address that was refused (spam, virus): `id` is its hash. */
  'mail',
] as const;
export const EntityType = /* @__PURE__ */ z.lazy(() => z.enum(entityTypes));
export type EntityType = z.infer<typeof EntityType>;

export interface AuditEvent {
  id: string;
  at: string;
  action: string;
  entityType: EntityType;
  entityId: string;
  /** Set when the entity belongs to a customer, so that customer's admins can read the event. */
  customerId?: string;
  actor: Actor;
  requestId?: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Who did something, as answers show it (audit events, trials, tickets). */
export const ActorView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    type: z.enum(['token', 'person', 'system', 'instance', 'email']),
    id: z.string(),
    role: z.string().optional(),
    customerId: z.string().optional(),
  }),
);

export const AuditEventView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: z.string(),
    at: Timestamp,
    action: z.string().describe('`<entity>.<verb>`, e.g. `product.created`'),
    entityType: EntityType,
    entityId: z.string(),
    customerId: z.string().optional(),
    actor: ActorView,
    requestId: z.string().optional(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  }),
);

export const AuditQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap()
    .extend({
      entityType: EntityType.optional(),
      entityId: z.string().min(1).max(100).optional(),
      customerId: z.string().min(1).max(100).optional(),
    })
    .refine((q) => (q.entityType === undefined) === (q.entityId === undefined), {
      message: 'entityType and entityId go together',
      path: ['entityId'],
    }),
);
export type AuditQuery = z.infer<typeof AuditQuery>;

/** Who made a change and under which request: the part of an audit event the caller supplies. */
export interface ChangeContext {
  principal: Principal;
  requestId?: string;
  now: Date;
  ids: IdGenerator;
  /** The caller's `If-Match`: the change goes ahead only on one of these versions. */
  ifMatch?: '*' | readonly string[];
}

/** Fields that never go into an audit record: key material and store bookkeeping. */
const hidden = new Set([
  'hash',
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'search',
]);

const snapshot = (value: object | null): Record<string, unknown> | null =>
  value === null
    ? null
    : Object.fromEntries(Object.entries(value).filter(([key]) => !hidden.has(key)));

export const auditEvent = (
  ctx: ChangeContext,
  action: string,
  entity: { type: EntityType; id: string; customerId?: string },
  before: object | null,
  after: object | null,
): AuditEvent => ({
  id: ctx.ids.next('evt'),
  at: ctx.now.toISOString(),
  action,
  entityType: entity.type,
  entityId: entity.id,
  ...(entity.customerId ? { customerId: entity.customerId } : {}),
  actor: actorOf(ctx.principal),
  ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  before: snapshot(before),
  after: snapshot(after),
});
