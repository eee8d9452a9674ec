import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { IdOf, type Page, PageQuery, ProjectIds, queryFlag, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import {
  assertCan,
  assertCustomerVisible,
  assertNotSelfEscalation,
  customerScope,
} from './policy.ts';
import { actorOf, isCustomerRole, type Principal, Role } from './principal.ts';
import * as z from './zod.ts';

/**
 * API tokens: `tsr_<16 id chars>_<43 secret chars>`. The prefix makes a leaked token easy to spot
 * (and to register with secret scanners); the id part finds the record without a scan; only the
 * SHA-256 of the whole token is stored, so the database never holds a usable credential.
 */
export const TOKEN_PATTERN = /^tsr_([0-9a-z]{16})_([A-Za-z0-9_-]{43})$/;

export const TokenId = /* @__PURE__ */ z.lazy(() =>
  z.string().regex(/^tok_[0-9a-z]{16}$/, 'Not a token id'),
);

export const CreateTokenInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    name: z.string().trim().min(1).max(100).describe('What the token is for, e.g. "CRM sync"'),
    role: Role,
    customerId: IdOf('cus')
      .optional()
      .describe('Required for customer roles; a customer admin may omit it (its own customer)'),
    expiresAt: Timestamp.optional(),
    projectIds: ProjectIds.optional().describe(
      'Customer roles: only these projects of the customer (omit for all of them)',
    ),
  }),
);
export type CreateTokenInput = z.infer<typeof CreateTokenInput>;

export const TokenPath = /* @__PURE__ */ z.lazy(() => z.strictObject({ tokenId: TokenId }));
export const TokenListQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap().extend({
    includeRevoked: queryFlag().default(false),
  }),
);

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  customerId?: string;
  /** Set when the token may see only these projects of its customer. */
  projectIds?: string[];
  /** SHA-256 (hex) of the full token string. Never leaves the store layer's callers. */
  hash: string;
  /** First characters of the token, so a person can match a token in hand to its record. */
  preview: string;
  createdAt: string;
  createdBy: string;
  expiresAt?: string;
  revokedAt?: string;
}

export type TokenView = Omit<ApiToken, 'hash'>;

const tokenViewShape = () => ({
  id: TokenId,
  name: z.string(),
  role: Role,
  customerId: z.string().optional(),
  projectIds: z.array(z.string()).optional(),
  preview: z.string(),
  createdAt: Timestamp,
  createdBy: z.string(),
  expiresAt: Timestamp.optional(),
  revokedAt: Timestamp.optional(),
});

export const TokenViewSchema = /* @__PURE__ */ z.lazy(() => z.object(tokenViewShape()));
export const CreatedTokenSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    ...tokenViewShape(),
    token: z.string().describe('The secret. Shown once; Tessera keeps only its hash.'),
  }),
);

export interface TokenSecrets {
  /** A new random token for the given id part, and its hash. */
  mint(): { idPart: string; token: string; hash: string };
  hash(token: string): string;
  /** Constant-time comparison of two hex hashes. */
  equal(a: string, b: string): boolean;
}

export interface TokenStore {
  /** Writes the token; for customer-bound tokens only if the customer exists. */
  create(token: ApiToken, event: AuditEvent): Promise<void>;
  get(tokenId: string): Promise<ApiToken | undefined>;
  list(
    scope: { customerId?: string },
    query: { limit: number; cursor?: string },
  ): Promise<Page<ApiToken>>;
  revoke(before: ApiToken, after: ApiToken, event: AuditEvent): Promise<void>;
}

export const toView = ({ hash: _hash, ...view }: ApiToken): TokenView => view;

const ref = (t: ApiToken) => ({
  type: 'token' as const,
  id: t.id,
  ...(t.customerId ? { customerId: t.customerId } : {}),
});

export const createToken = async (
  store: TokenStore,
  secrets: TokenSecrets,
  ctx: ChangeContext,
  input: CreateTokenInput,
): Promise<TokenView & { token: string }> => {
  assertCan(ctx.principal, 'token:write');
  assertNotSelfEscalation(ctx.principal, input.role);
  const own = customerScope(ctx.principal);
  const customerId = input.customerId ?? own;
  if (own !== undefined && customerId !== undefined)
    assertCustomerVisible(ctx.principal, customerId);
  if (isCustomerRole(input.role) && customerId === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Customer roles need a customerId.', {
      errors: [{ path: 'body.customerId', message: 'Required for customer roles' }],
    });
  }
  if (!isCustomerRole(input.role) && input.projectIds !== undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Vendor roles are not limited to projects.', {
      errors: [{ path: 'body.projectIds', message: 'Not allowed for vendor roles' }],
    });
  }
  if (!isCustomerRole(input.role) && input.customerId !== undefined) {
    throw new DomainError('VALIDATION_FAILED', 'Vendor roles are not bound to a customer.', {
      errors: [{ path: 'body.customerId', message: 'Not allowed for vendor roles' }],
    });
  }
  if (input.expiresAt !== undefined && new Date(input.expiresAt) <= ctx.now) {
    throw new DomainError('VALIDATION_FAILED', 'expiresAt must lie in the future.', {
      errors: [{ path: 'body.expiresAt', message: 'Must lie in the future' }],
    });
  }
  const minted = secrets.mint();
  const token: ApiToken = {
    id: `tok_${minted.idPart}`,
    name: input.name,
    role: input.role,
    ...(isCustomerRole(input.role) && customerId ? { customerId } : {}),
    ...(input.projectIds ? { projectIds: input.projectIds } : {}),
    hash: minted.hash,
    preview: minted.token.slice(0, 24),
    createdAt: ctx.now.toISOString(),
    createdBy: actorOf(ctx.principal).id,
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
  };
  await store.create(token, auditEvent(ctx, 'token.created', ref(token), null, token));
  return { ...toView(token), token: minted.token };
};

const visibleToken = async (store: TokenStore, principal: Principal, tokenId: string) => {
  assertCan(principal, 'token:read');
  const token = await store.get(tokenId);
  const own = customerScope(principal);
  if (!token || (own !== undefined && token.customerId !== own)) throw notFound('Token');
  return token;
};

export const getToken = async (store: TokenStore, principal: Principal, tokenId: string) =>
  toView(await visibleToken(store, principal, tokenId));

export const listTokens = async (
  store: TokenStore,
  principal: Principal,
  query: z.infer<typeof TokenListQuery>,
): Promise<Page<TokenView>> => {
  assertCan(principal, 'token:read');
  const own = customerScope(principal);
  const page = await store.list(own ? { customerId: own } : {}, query);
  const items = query.includeRevoked ? page.items : page.items.filter((t) => !t.revokedAt);
  return { items: items.map(toView), nextCursor: page.nextCursor };
};

export const revokeToken = async (
  store: TokenStore,
  ctx: ChangeContext,
  tokenId: string,
): Promise<TokenView> => {
  const before = await visibleToken(store, ctx.principal, tokenId);
  assertCan(ctx.principal, 'token:write');
  if (before.revokedAt) return toView(before);
  const after: ApiToken = { ...before, revokedAt: ctx.now.toISOString() };
  await store.revoke(before, after, auditEvent(ctx, 'token.revoked', ref(after), before, after));
  return toView(after);
};

/** Resolves a presented bearer token to a principal; every failure is the same 401. */
export const authenticate = async (
  store: TokenStore,
  secrets: TokenSecrets,
  presented: string | undefined,
  now: Date,
): Promise<Principal> => {
  const unauthenticated = new DomainError('UNAUTHENTICATED', 'A valid API token is required.');
  const match = presented === undefined ? null : TOKEN_PATTERN.exec(presented);
  if (!match?.[1] || presented === undefined) throw unauthenticated;
  const token = await store.get(`tok_${match[1]}`);
  if (!token || !secrets.equal(token.hash, secrets.hash(presented))) throw unauthenticated;
  if (token.revokedAt || (token.expiresAt && new Date(token.expiresAt) <= now))
    throw unauthenticated;
  if (token.role === 'customer-admin' || token.role === 'customer-user') {
    if (!token.customerId) throw unauthenticated;
    return {
      kind: 'token',
      tokenId: token.id,
      role: token.role,
      customerId: token.customerId,
      ...(token.projectIds ? { projects: token.projectIds } : {}),
    };
  }
  return { kind: 'token', tokenId: token.id, role: token.role };
};
