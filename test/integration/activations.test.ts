import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationSecrets } from '../../lambdas/adapters/activation-secrets.ts';
import { fixedClock } from '../../lambdas/adapters/clock.ts';
import { deviceSignatures } from '../../lambdas/adapters/device-signatures.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { generateSigningKeyPem, localSigner } from '../../lambdas/adapters/signer-local.ts';
import {
  type ActivationDeps,
  authenticateInstance,
  deactivate,
  finishActivation,
  listActivations,
  refreshActivation,
  resendCode,
  returnActivation,
  startActivation,
  validate,
} from '../../lambdas/domain/activations.ts';
import { createCustomer } from '../../lambdas/domain/customers.ts';
import type { EmailMessage } from '../../lambdas/domain/emails.ts';
import { generateLicenseKey } from '../../lambdas/domain/license-key.ts';
import {
  IssueLicenseInput,
  issueLicense,
  suspendLicense,
  updateLicense,
  visibleLicense,
} from '../../lambdas/domain/licenses.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct } from '../../lambdas/domain/products.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';

const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const clock = fixedClock(new Date());
const ids = idGenerator();
const ctx = () => ({ principal: admin, now: clock.now(), ids });

const sent: EmailMessage[] = [];
let stores: Stores;
let deps: ActivationDeps;

/** The code in the last e-mail sent to the license's address. */
const lastCode = (): string => {
  const match = /(\d{4}-\d{4})/.exec(sent.at(-1)?.data.code ?? '');
  if (!match?.[1]) throw new Error('no code sent');
  return match[1];
};

const newLicense = async (extra: Record<string, unknown> = {}) => {
  const license = await issueLicense(
    {
      licenses: stores.licenses,
      products: stores.products,
      customers: stores.customers,
      randomBytes,
    },
    ctx(),
    IssueLicenseInput.parse({
      productCode: 'PBX',
      registeredEmail: 'admin@acme.example',
      companyName: 'Acme',
      seatLimit: 10,
      maxActivations: 1,
      modules: ['ivr'],
      ...extra,
    }),
  );
  return license;
};

const activate = async (key: string, fingerprint: string) => {
  const started = await startActivation(deps, { key, fingerprint, hostname: 'pbx-1' });
  return finishActivation(deps, started.activationId, lastCode());
};

beforeAll(async () => {
  const table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  deps = {
    activations: stores.activations,
    licenses: stores.licenses,
    products: stores.products,
    customers: stores.customers,
    mailer: { send: async (m: EmailMessage) => void sent.push(m) },
    signer: localSigner({ privateKeyPem: generateSigningKeyPem() }),
    secrets: activationSecrets,
    devices: deviceSignatures,
    ids,
    fileId: () => ids.next('evt'),
    now: () => clock.now(),
    limits: { maxPending: 100, codeEmailsPerHour: 1000 },
  };
  await createProduct(
    stores.products,
    ctx(),
    CreateProductInput.parse({
      code: 'PBX',
      name: 'PBX',
      seatModel: 'instance',
      modules: [{ code: 'ivr', name: 'IVR' }],
    }),
  );
  await createProduct(
    stores.products,
    ctx(),
    CreateProductInput.parse({
      code: 'KEEP',
      name: 'Keeper',
      seatModel: 'instance',
      returnable: false,
    }),
  );
});

describe('activation on DynamoDB Local', () => {
  it('mails a code to the registered address, then trades it for a token and a signed file', async () => {
    const license = await newLicense();
    const started = await startActivation(deps, {
      key: license.key,
      fingerprint: 'machine-0001',
      hostname: 'pbx-1',
    });
    expect(started.emailHint).not.toContain('admin@acme.example');
    expect(sent.at(-1)?.to).toBe('admin@acme.example');
    const done = await finishActivation(deps, started.activationId, lastCode());
    expect(done.activationToken).toMatch(/^tsa_/);
    expect(done.licenseFile.split('.')).toHaveLength(3);
    const stored = await stores.activations.get(started.activationId);
    expect(stored?.status).toBe('active');
    expect(JSON.stringify(stored)).not.toContain(done.activationToken);
    expect((await stores.licenses.get(license.id))?.activationCount).toBe(1);
  });

  it('says why a license cannot be activated, with a distinct code each', async () => {
    const license = await newLicense();
    expect(
      await codeOf(startActivation(deps, { key: 'nonsense', fingerprint: 'machine-0002' })),
    ).toBe('LICENSE_KEY_INVALID');
    await suspendLicense({ licenses: stores.licenses }, ctx(), license.id);
    expect(
      await codeOf(startActivation(deps, { key: license.key, fingerprint: 'machine-0002' })),
    ).toBe('LICENSE_SUSPENDED');
    const expired = await newLicense({
      validFrom: '2020-01-01T00:00:00Z',
      validTill: '2021-01-01T00:00:00Z',
    });
    expect(
      await codeOf(startActivation(deps, { key: expired.key, fingerprint: 'machine-0002' })),
    ).toBe('LICENSE_EXPIRED');
    const neverIssued = generateLicenseKey(randomBytes);
    expect(
      await codeOf(startActivation(deps, { key: neverIssued, fingerprint: 'machine-0002' })),
    ).toBe('LICENSE_NOT_FOUND');
  });

  it('allows five wrong codes in all, then the pending activation is dead even for the right code', async () => {
    const license = await newLicense();
    const started = await startActivation(deps, { key: license.key, fingerprint: 'machine-0003' });
    const right = lastCode();
    const wrong = right === '0000-0000' ? '1111-1111' : '0000-0000';
    const results = [];
    for (let i = 0; i < 5; i++)
      results.push(await codeOf(finishActivation(deps, started.activationId, wrong)));
    expect(results).toEqual([
      'CODE_INVALID',
      'CODE_INVALID',
      'CODE_INVALID',
      'CODE_INVALID',
      'ACTIVATION_LOCKED',
    ]);
    expect(await codeOf(finishActivation(deps, started.activationId, right))).toBe(
      'ACTIVATION_LOCKED',
    );
  });

  it('never compares more than five codes even when 30 guesses arrive at once', async () => {
    const license = await newLicense();
    const started = await startActivation(deps, { key: license.key, fingerprint: 'machine-0004' });
    const guesses = Array.from({ length: 30 }, (_, i) => `9${String(i).padStart(7, '0')}`);
    const results = await Promise.all(
      guesses.map((g) => codeOf(finishActivation(deps, started.activationId, g))),
    );
    expect(
      results.filter((r) => r === 'CODE_INVALID' || r === 'resolved').length,
    ).toBeLessThanOrEqual(5);
    expect((await stores.activations.get(started.activationId))?.attempts).toBe(5);
  });

  it('refuses an expired code and limits resends', async () => {
    const license = await newLicense();
    const started = await startActivation(deps, { key: license.key, fingerprint: 'machine-0005' });
    const code = lastCode();
    clock.advance(16 * 60 * 1000);
    expect(await codeOf(finishActivation(deps, started.activationId, code))).toBe('CODE_EXPIRED');
    for (let i = 0; i < 3; i++) await resendCode(deps, started.activationId);
    expect(await codeOf(resendCode(deps, started.activationId))).toBe('RESEND_LIMIT_REACHED');
    expect(await codeOf(finishActivation(deps, started.activationId, lastCode()))).toBe('resolved');
  });

  it('lets exactly 3 of 50 instances racing for the last 3 slots activate', async () => {
    const license = await newLicense({ maxActivations: 5 });
    await activate(license.key, 'racer-occupant-1');
    await activate(license.key, 'racer-occupant-2');
    const pending = [];
    for (let i = 0; i < 50; i++) {
      const started = await startActivation(deps, { key: license.key, fingerprint: `racer-${i}` });
      pending.push({ id: started.activationId, code: lastCode() });
    }
    const results = await Promise.all(
      pending.map((p) => codeOf(finishActivation(deps, p.id, p.code))),
    );
    expect(results.filter((r) => r === 'resolved')).toHaveLength(3);
    expect(results.filter((r) => r === 'ACTIVATION_LIMIT_REACHED')).toHaveLength(47);
    expect((await stores.licenses.get(license.id))?.activationCount).toBe(5);
  });

  it('recognises the same fingerprint activating again and does not count it twice', async () => {
    const license = await newLicense({ maxActivations: 1 });
    const first = await activate(license.key, 'machine-again');
    const second = await activate(license.key, 'machine-again');
    expect((await stores.licenses.get(license.id))?.activationCount).toBe(1);
    expect(await codeOf(authenticateInstance(deps, first.activationToken))).toBe('UNAUTHENTICATED');
    expect((await authenticateInstance(deps, second.activationToken)).id).toBe(second.activationId);
  });

  it('refreshes with the current terms and refuses once the license is suspended', async () => {
    const license = await newLicense();
    const done = await activate(license.key, 'machine-refresh');
    await updateLicense(
      { licenses: stores.licenses, products: stores.products },
      ctx(),
      license.id,
      { seatLimit: 42 },
    );
    const activation = await authenticateInstance(deps, done.activationToken);
    const refreshed = await refreshActivation(deps, activation);
    const claims = JSON.parse(
      Buffer.from(refreshed.licenseFile.split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(claims.lic.seats).toBe(42);
    await suspendLicense({ licenses: stores.licenses }, ctx(), license.id);
    expect(await codeOf(refreshActivation(deps, activation))).toBe('LICENSE_SUSPENDED');
  });

  it('returns a slot to the balance once, and refuses returns for non-returnable products', async () => {
    const license = await newLicense();
    const done = await activate(license.key, 'machine-return');
    await returnActivation(deps, await authenticateInstance(deps, done.activationToken));
    expect((await stores.licenses.get(license.id))?.activationCount).toBe(0);
    expect(await codeOf(authenticateInstance(deps, done.activationToken))).toBe('UNAUTHENTICATED');
    await activate(license.key, 'machine-next');
    const keeper = await newLicense({ productCode: 'KEEP', modules: [] });
    const kept = await activate(keeper.key, 'machine-keep');
    expect(
      await codeOf(returnActivation(deps, await authenticateInstance(deps, kept.activationToken))),
    ).toBe('NOT_RETURNABLE');
  });

  it('validates in the documented precedence and never throws for a bad license', async () => {
    const license = await newLicense();
    await activate(license.key, 'machine-validate');
    const v = (input: { key: string; fingerprint?: string; module?: string }) =>
      validate(deps, input);
    expect((await v({ key: 'garbage' })).code).toBe('KEY_INVALID');
    expect(
      (await v({ key: license.key, fingerprint: 'machine-validate', module: 'ivr' })).code,
    ).toBe('VALID');
    expect((await v({ key: license.key, fingerprint: 'someone-else' })).code).toBe(
      'FINGERPRINT_MISMATCH',
    );
    expect((await v({ key: license.key, module: 'fax' })).code).toBe('MODULE_NOT_LICENSED');
    await suspendLicense({ licenses: stores.licenses }, ctx(), license.id);
    expect(await v({ key: license.key, fingerprint: 'someone-else', module: 'fax' })).toMatchObject(
      { valid: false, code: 'SUSPENDED' },
    );
  });

  it('lets an admin list a license’s instances and deactivate one, hiding them from other customers', async () => {
    const customer = await createCustomer(stores.customers, ctx(), { name: 'Instances Ltd' });
    const other = await createCustomer(stores.customers, ctx(), { name: 'Nosy Ltd' });
    const license = await newLicense({ customerId: customer.id, maxActivations: 2 });
    const done = await activate(license.key, 'machine-listed');
    const adminDeps = (principal: Principal) => ({
      ...deps,
      visibleLicense: (id: string) => visibleLicense(stores.licenses, principal, id),
    });
    const listed = await listActivations(adminDeps(admin), license.id, { limit: 10 });
    expect(listed.items.map((a) => [a.id, a.status])).toEqual([[done.activationId, 'active']]);
    expect(JSON.stringify(listed.items)).not.toMatch(/tokenHash|codeHash/);
    const nosy: Principal = {
      kind: 'token',
      tokenId: 'tok_n',
      role: 'customer-admin',
      customerId: other.id,
    };
    expect(await codeOf(listActivations(adminDeps(nosy), license.id, { limit: 10 }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(deactivate(adminDeps(nosy), nosy, license.id, done.activationId))).toBe(
      'NOT_FOUND',
    );
    const user: Principal = {
      kind: 'token',
      tokenId: 'tok_u',
      role: 'customer-user',
      customerId: customer.id,
    };
    expect(await codeOf(deactivate(adminDeps(user), user, license.id, done.activationId))).toBe(
      'FORBIDDEN',
    );
    const owner: Principal = {
      kind: 'token',
      tokenId: 'tok_o',
      role: 'customer-admin',
      customerId: customer.id,
    };
    await deactivate(adminDeps(owner), owner, license.id, done.activationId);
    expect((await stores.licenses.get(license.id))?.activationCount).toBe(0);
    const trail = await stores.audit.list({
      limit: 5,
      entityType: 'license',
      entityId: license.id,
    });
    expect(trail.items[0]).toMatchObject({
      action: 'license.instance-deactivated',
      actor: { id: 'tok_o', role: 'customer-admin' },
      after: { activationId: done.activationId, status: 'returned' },
    });
    expect(await codeOf(deactivate(adminDeps(owner), owner, license.id, done.activationId))).toBe(
      'ACTIVATION_NOT_PENDING',
    );
    expect(await codeOf(authenticateInstance(deps, done.activationToken))).toBe('UNAUTHENTICATED');
  });

  it('answers EMAIL_NOT_SENT, never a 500, when the code cannot be mailed', async () => {
    const license = await newLicense();
    const failing = {
      ...deps,
      mailer: {
        send: () => Promise.reject(Object.assign(new Error('throttled'), { retryable: true })),
      },
    };
    const error = await startActivation(failing, {
      key: license.key,
      fingerprint: 'machine-mailfail',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EMAIL_NOT_SENT', details: { retryable: true } });
  });

  it('audits every activation change in its own transaction: completed, reactivated, returned, locked', async () => {
    const license = await newLicense({ maxActivations: 2 });
    const first = await activate(license.key, 'machine-audit-1');
    const again = await activate(license.key, 'machine-audit-1');
    await returnActivation(deps, (await stores.activations.get(again.activationId)) as never);
    const locked = await startActivation(deps, {
      key: license.key,
      fingerprint: 'machine-audit-2',
    });
    for (let i = 0; i < 5; i++) {
      await finishActivation(deps, locked.activationId, '0000-0000').catch(() => undefined);
    }

    const trail = await stores.audit.list({
      limit: 10,
      entityType: 'license',
      entityId: license.id,
    });

    const actions = trail.items.map((e) => e.action);
    expect(actions.slice(0, 4)).toEqual([
      'license.activation-locked',
      'license.instance-returned',
      'license.instance-reactivated',
      'license.instance-activated',
    ]);
    expect(trail.items[0]).toMatchObject({
      actor: { type: 'instance', id: locked.activationId },
      before: { status: 'pending' },
      after: { status: 'failed', fingerprint: 'machine-audit-2' },
    });
    expect(trail.items[2]).toMatchObject({
      before: { replacesActivationId: first.activationId },
      after: { activationId: again.activationId, status: 'active' },
    });
    const text = JSON.stringify(trail.items);
    expect(text).not.toContain(again.activationToken);
    expect(text).not.toMatch(/codeHash|tokenHash/);
  });
});
