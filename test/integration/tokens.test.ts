import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import type { ChangeContext } from '../../lambdas/domain/audit.ts';
import { createCustomer } from '../../lambdas/domain/customers.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import {
  authenticate,
  createToken,
  getToken,
  listTokens,
  revokeToken,
} from '../../lambdas/domain/tokens.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { keys } from '../../lambdas/store/keys.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ctx = (principal: Principal = admin, now = new Date()): ChangeContext => ({
  principal,
  now,
  ids: idGenerator(),
});

let stores: Stores;
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
  stores = createStores(table.db, table.tableName);
});

const login = (token: string | undefined, now = new Date()) =>
  authenticate(stores.tokens, tokenSecrets, token, now);

describe('API tokens on DynamoDB Local', () => {
  it('shows the secret once and stores only its hash', async () => {
    const created = await createToken(stores.tokens, tokenSecrets, ctx(), {
      name: 'ops',
      role: 'vendor-support',
    });
    expect(created.token).toMatch(/^tsr_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    const raw = await table.sdk.send(
      new GetCommand({ TableName: table.tableName, Key: keys.token(created.id) }),
    );
    expect(JSON.stringify(raw.Item)).not.toContain(created.token);
    expect(raw.Item?.hash).toBe(tokenSecrets.hash(created.token));
    const shown = await getToken(stores.tokens, admin, created.id);
    expect(shown).not.toHaveProperty('hash');
    expect(shown).not.toHaveProperty('token');
  });

  it('authenticates a live token as its role, and refuses unknown, altered and malformed ones', async () => {
    const created = await createToken(stores.tokens, tokenSecrets, ctx(), {
      name: 'a',
      role: 'vendor-admin',
    });
    expect(await login(created.token)).toEqual({
      kind: 'token',
      tokenId: created.id,
      role: 'vendor-admin',
    });
    const altered = `${created.token.slice(0, -1)}${created.token.endsWith('A') ? 'B' : 'A'}`;
    expect(await codeOf(login(altered))).toBe('UNAUTHENTICATED');
    expect(await codeOf(login(tokenSecrets.mint().token))).toBe('UNAUTHENTICATED');
    expect(await codeOf(login('Bearer nonsense'))).toBe('UNAUTHENTICATED');
    expect(await codeOf(login(undefined))).toBe('UNAUTHENTICATED');
  });

  it('stops authenticating a token the moment it is revoked, and audits the revocation', async () => {
    const created = await createToken(stores.tokens, tokenSecrets, ctx(), {
      name: 'b',
      role: 'vendor-admin',
    });
    await revokeToken(stores.tokens, ctx(), created.id);
    expect(await codeOf(login(created.token))).toBe('UNAUTHENTICATED');
    const trail = await stores.audit.list({ limit: 5, entityType: 'token', entityId: created.id });
    expect(trail.items.map((e) => e.action)).toEqual(['token.revoked', 'token.created']);
    expect(JSON.stringify(trail.items)).not.toContain(created.token);
    expect(JSON.stringify(trail.items)).not.toContain(tokenSecrets.hash(created.token));
  });

  it('stops authenticating a token after its expiry', async () => {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 60_000).toISOString();
    const created = await createToken(stores.tokens, tokenSecrets, ctx(admin, now), {
      name: 'c',
      role: 'vendor-admin',
      expiresAt,
    });
    expect(await codeOf(login(created.token, now))).toBe('resolved');
    expect(await codeOf(login(created.token, new Date(now.getTime() + 61_000)))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('binds customer tokens to an existing customer and refuses unknown customers', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Bound Co' });
    const created = await createToken(stores.tokens, tokenSecrets, ctx(), {
      name: 'portal',
      role: 'customer-admin',
      customerId: customer.id,
    });
    expect(await login(created.token)).toMatchObject({
      role: 'customer-admin',
      customerId: customer.id,
    });
    expect(
      await codeOf(
        createToken(stores.tokens, tokenSecrets, ctx(), {
          name: 'x',
          role: 'customer-user',
          customerId: 'cus_00000000000000000000000000',
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(
        createToken(stores.tokens, tokenSecrets, ctx(), { name: 'x', role: 'customer-user' }),
      ),
    ).toBe('VALIDATION_FAILED');
  });

  it('lets a customer admin mint customer tokens for its own customer only, never vendor tokens', async () => {
    const mine = await createCustomer(stores.customers, ctx(), { name: 'Self Service' });
    const other = await createCustomer(stores.customers, ctx(), { name: 'Other Co' });
    const me: Principal = {
      kind: 'token',
      tokenId: 'tok_me',
      role: 'customer-admin',
      customerId: mine.id,
    };
    const created = await createToken(stores.tokens, tokenSecrets, ctx(me), {
      name: 'user',
      role: 'customer-user',
    });
    expect(created.customerId).toBe(mine.id);
    expect(
      await codeOf(
        createToken(stores.tokens, tokenSecrets, ctx(me), { name: 'x', role: 'vendor-admin' }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        createToken(stores.tokens, tokenSecrets, ctx(me), {
          name: 'x',
          role: 'customer-user',
          customerId: other.id,
        }),
      ),
    ).toBe('NOT_FOUND');
    const listed = await listTokens(stores.tokens, me, { limit: 100, includeRevoked: true });
    expect(listed.items.map((t) => t.customerId)).toEqual([mine.id]);
    expect(await codeOf(getToken(stores.tokens, me, 'tok_admin'))).toBe('NOT_FOUND');
  });

  it('hides revoked tokens from listings unless asked', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Listing Co' });
    const me: Principal = {
      kind: 'token',
      tokenId: 'tok_l',
      role: 'customer-admin',
      customerId: customer.id,
    };
    const a = await createToken(stores.tokens, tokenSecrets, ctx(me), {
      name: 'a',
      role: 'customer-user',
    });
    await createToken(stores.tokens, tokenSecrets, ctx(me), { name: 'b', role: 'customer-user' });
    await revokeToken(stores.tokens, ctx(me), a.id);
    expect(
      (await listTokens(stores.tokens, me, { limit: 10, includeRevoked: false })).items.map(
        (t) => t.name,
      ),
    ).toEqual(['b']);
    expect(
      (await listTokens(stores.tokens, me, { limit: 10, includeRevoked: true })).items,
    ).toHaveLength(2);
  });
});
