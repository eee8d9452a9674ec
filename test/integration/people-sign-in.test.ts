import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoLocal, ensureLocalPool, startCognitoLocal } from '../../bin/local/cognito.ts';
import { cognitoApi } from '../../lambdas/adapters/aws/services.ts';
import {
  cognitoDirectory,
  cognitoMfa,
  cognitoSignIn,
  randomPasswords,
} from '../../lambdas/adapters/cognito.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { personTokenVerifier } from '../../lambdas/adapters/person-tokens.ts';
import type { ChangeContext } from '../../lambdas/domain/audit.ts';
import { beginMfaSetup, disableMfa, enableMfa, mfaStatus } from '../../lambdas/domain/mfa.ts';
import {
  changeOwnSettings,
  disablePerson,
  enablePerson,
  getPerson,
  invitePerson,
  listPeople,
  type PeopleDeps,
  removePerson,
} from '../../lambdas/domain/people.ts';
import { principalOfSubject } from '../../lambdas/domain/person-principal.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import {
  answerMfa,
  completeNewPassword,
  forgotPassword,
  refreshSession,
  resetPassword,
  signIn,
} from '../../lambdas/domain/sign-in.ts';
import { createStores, type Stores } from '../../lambdas/store/index.ts';
import { resetCodeIn } from '../support/cognito-state.ts';
import { codeOf } from '../support/outcome.ts';
import { createTestTable } from '../support/table.ts';
import { totp } from '../support/totp.ts';

/**
 * People end to end against the real engines: DynamoDB Local for Tessera's record and the
 * Cognito emulator for accounts, through the same adapters the functions use.
 */
const admin: Principal = { kind: 'token', tokenId: 'tok_admin', role: 'vendor-admin' };
const ctx = (principal: Principal = admin): ChangeContext => ({
  principal,
  now: new Date(),
  ids: idGenerator(),
});

let dir: string;
let cognito: CognitoLocal;
let stores: Stores;
let deps: PeopleDeps;
const invitations: { to: string; temporaryPassword: string }[] = [];
let provider: ReturnType<typeof cognitoSignIn>;
let verify: ReturnType<typeof personTokenVerifier>;
let api: ReturnType<typeof cognitoApi>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cognito-'));
  cognito = await startCognitoLocal(dir);
  const pool = await ensureLocalPool(cognito.endpoint, 'test');
  const table = await createTestTable();
  stores = createStores(table.db, table.tableName);
  api = cognitoApi({
    region: 'us-east-1',
    endpoint: cognito.endpoint,
    credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
  });
  provider = cognitoSignIn(api, pool.clientId);
  verify = personTokenVerifier({
    userPoolId: pool.userPoolId,
    clientId: pool.clientId,
    localIssuer: pool.issuer,
  });
  deps = {
    store: stores.people,
    directory: cognitoDirectory(api, pool.userPoolId),
    passwords: randomPasswords,
    inviter: { send: async (i) => void invitations.push(i) },
  };
}, 60_000);

afterAll(async () => {
  api?.destroy();
  await cognito?.stop();
  await rm(dir, { recursive: true, force: true });
});

const NEW_PASSWORD = 'Another-Secret-42';

const resetCodeOf = (email: string) => resetCodeIn(dir, email);

/** Invites someone and takes them through the first sign-in; answers their access token. */
const onboard = async (email: string) => {
  const person = await invitePerson(deps, ctx(), { email, role: 'vendor-support' });
  const invitation = invitations.find((i) => i.to === email.toLowerCase());
  if (!invitation) throw new Error('no invitation');
  const first = await signIn(
    { store: stores.people, provider },
    { email, password: invitation.temporaryPassword },
    new Date(),
  );
  if (first.status !== 'NEW_PASSWORD_REQUIRED') throw new Error(`got ${first.status}`);
  const done = await completeNewPassword(
    { store: stores.people, provider },
    { email, session: first.session, newPassword: NEW_PASSWORD },
    new Date(),
  );
  if (done.status !== 'SIGNED_IN') throw new Error('not signed in');
  return { person, done };
};

describe('people who sign in', () => {
  it('an invited person gets an e-mailed temporary password, must choose their own, signs in, and the session refreshes', async () => {
    const { person, done } = await onboard('Alice@Example.com');

    expect(person).toMatchObject({ email: 'alice@example.com', status: 'invited' });
    expect(invitations.at(-1)?.temporaryPassword).toMatch(/^.{16}$/);
    expect(done.refreshToken).toBeTruthy();
    const subject = await verify.subjectOf(done.accessToken);
    const principal = await principalOfSubject(stores.people, subject as string);
    expect(principal).toEqual({ kind: 'person', personId: person.id, role: 'vendor-support' });
    expect((await getPerson(stores.people, admin, person.id)).status).toBe('active');
    const refreshed = await refreshSession({ store: stores.people, provider }, done.refreshToken);
    expect(refreshed).toMatchObject({ status: 'SIGNED_IN', person: { id: person.id } });
    expect(JSON.stringify(await getPerson(stores.people, admin, person.id))).not.toContain(
      'subject',
    );
  });

  it('a wrong password and an unknown e-mail get the same refusal', async () => {
    await onboard('bob@example.com');
    const attempt = (email: string, password: string) =>
      signIn({ store: stores.people, provider }, { email, password }, new Date());

    expect(await codeOf(attempt('bob@example.com', 'Wrong-Password-1'))).toBe('UNAUTHENTICATED');
    expect(await codeOf(attempt('nobody@example.com', NEW_PASSWORD))).toBe('UNAUTHENTICATED');
  });

  it('disabling someone refuses their very next request and their refresh, though their token has not expired', async () => {
    const { person, done } = await onboard('carol@example.com');
    const subject = (await verify.subjectOf(done.accessToken)) as string;

    await disablePerson(deps, ctx(), person.id);

    expect(await codeOf(principalOfSubject(stores.people, subject))).toBe('UNAUTHENTICATED');
    expect(
      await codeOf(refreshSession({ store: stores.people, provider }, done.refreshToken)),
    ).toBe('UNAUTHENTICATED');
    expect(
      await codeOf(
        signIn(
          { store: stores.people, provider },
          { email: 'carol@example.com', password: NEW_PASSWORD },
          new Date(),
        ),
      ),
    ).toBe('UNAUTHENTICATED');

    await enablePerson(deps, ctx(), person.id);
    expect(await principalOfSubject(stores.people, subject)).toMatchObject({ kind: 'person' });
  });

  it('someone disabled while signing in is refused, and the session just begun is revoked', async () => {
    const person = await invitePerson(deps, ctx(), {
      email: 'dora@example.com',
      role: 'vendor-support',
    });
    const first = await signIn(
      { store: stores.people, provider },
      { email: 'dora@example.com', password: invitations.at(-1)?.temporaryPassword ?? '' },
      new Date(),
    );
    if (first.status !== 'NEW_PASSWORD_REQUIRED') throw new Error(first.status);
    const revoked: string[] = [];
    // The disable lands between Tessera reading the person and recording the sign-in.
    const racing = {
      ...stores.people,
      replace: async (...args: Parameters<Stores['people']['replace']>) => {
        await disablePerson(deps, ctx(), person.id);
        return stores.people.replace(...args);
      },
    };
    const watching = { ...provider, revoke: async (t: string) => void revoked.push(t) };

    const outcome = completeNewPassword(
      { store: racing, provider: watching },
      { email: 'dora@example.com', session: first.session, newPassword: NEW_PASSWORD },
      new Date(),
    );

    expect(await codeOf(outcome)).toBe('UNAUTHENTICATED');
    expect(revoked).toHaveLength(1);
    expect((await getPerson(stores.people, admin, person.id)).status).toBe('disabled');
  });

  it('a sign-in whose record cannot be written fails instead of leaving the person invited', async () => {
    await invitePerson(deps, ctx(), { email: 'evan@example.com', role: 'vendor-support' });
    const password = invitations.at(-1)?.temporaryPassword ?? '';
    const first = await signIn(
      { store: stores.people, provider },
      { email: 'evan@example.com', password },
      new Date(),
    );
    if (first.status !== 'NEW_PASSWORD_REQUIRED') throw new Error(first.status);
    const broken = {
      ...stores.people,
      replace: async () => {
        throw new Error('table unavailable');
      },
    };

    const outcome = completeNewPassword(
      { store: broken, provider },
      { email: 'evan@example.com', session: first.session, newPassword: NEW_PASSWORD },
      new Date(),
    );

    await expect(outcome).rejects.toThrow('table unavailable');
  });

  it('forgot-password sends a code only to someone who may sign in, and the code sets a new password, audited', async () => {
    const { person } = await onboard('fay@example.com');
    const session = { store: stores.people, provider };

    expect(await forgotPassword(session, { email: 'nobody@example.com' })).toEqual({
      requested: true,
    });
    expect(await forgotPassword(session, { email: 'FAY@example.com' })).toEqual({
      requested: true,
    });
    const code = await resetCodeOf('fay@example.com');
    expect(
      await codeOf(
        resetPassword(session, ctx(), {
          email: 'fay@example.com',
          code: code === '000000' ? '111111' : '000000',
          newPassword: 'Brand-New-Secret-7',
        }),
      ),
    ).toBe('RESET_CODE_INVALID');
    expect(
      await resetPassword(session, ctx(), {
        email: 'fay@example.com',
        code,
        newPassword: 'Brand-New-Secret-7',
      }),
    ).toEqual({ reset: true });

    const again = await signIn(
      session,
      { email: 'fay@example.com', password: 'Brand-New-Secret-7' },
      new Date(),
    );
    expect(again.status).toBe('SIGNED_IN');
    const trail = await stores.audit.list({ entityType: 'person', entityId: person.id, limit: 10 });
    expect(trail.items.map((e) => e.action)).toContain('person.password-reset');
    expect(JSON.stringify(trail.items)).not.toContain('Brand-New-Secret-7');
  });

  it('a disabled person’s reset is refused like a wrong code', async () => {
    const { person } = await onboard('gus@example.com');
    const session = { store: stores.people, provider };
    await forgotPassword(session, { email: 'gus@example.com' });
    const code = await resetCodeOf('gus@example.com');
    await disablePerson(deps, ctx(), person.id);

    expect(
      await codeOf(
        resetPassword(session, ctx(), {
          email: 'gus@example.com',
          code,
          newPassword: 'Brand-New-Secret-7',
        }),
      ),
    ).toBe('RESET_CODE_INVALID');
  });

  it('a removed person is gone from Tessera and from the pool, and their token no longer works', async () => {
    const { person, done } = await onboard('dave@example.com');
    const subject = (await verify.subjectOf(done.accessToken)) as string;

    await removePerson(deps, ctx(), person.id);

    expect(await codeOf(getPerson(stores.people, admin, person.id))).toBe('NOT_FOUND');
    expect(await codeOf(principalOfSubject(stores.people, subject))).toBe('UNAUTHENTICATED');
    expect(
      await codeOf(
        invitePerson(deps, ctx(), { email: 'dave@example.com', role: 'vendor-support' }),
      ),
    ).toBe('resolved'); // the e-mail is free again
  });

  it('the same e-mail cannot be invited twice', async () => {
    await invitePerson(deps, ctx(), { email: 'erin@example.com', role: 'vendor-support' });
    expect(
      await codeOf(invitePerson(deps, ctx(), { email: 'ERIN@example.com', role: 'vendor-admin' })),
    ).toBe('ALREADY_EXISTS');
  });

  it('a customer admin sees only its own customer’s people, and another customer’s person is 404', async () => {
    const other = await invitePerson(deps, ctx(), {
      email: 'frank@other.example',
      role: 'customer-user',
      customerId: 'cus_01jaaaaaaaaaaaaaaaaaaaaaaa',
    });
    const customerAdmin: Principal = {
      kind: 'token',
      tokenId: 'tok_cadmin',
      role: 'customer-admin',
      customerId: 'cus_01jbbbbbbbbbbbbbbbbbbbbbbb',
    };

    expect(await codeOf(getPerson(stores.people, customerAdmin, other.id))).toBe('NOT_FOUND');
    expect(await codeOf(disablePerson(deps, ctx(customerAdmin), other.id))).toBe('NOT_FOUND');
    const page = await listPeople(stores.people, customerAdmin, { limit: 50 });
    expect(page.items.map((p) => p.id)).not.toContain(other.id);
    expect(
      await codeOf(
        invitePerson(deps, ctx(customerAdmin), { email: 'x@y.example', role: 'vendor-admin' }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('tokens that are not this pool’s access tokens are refused', async () => {
    const { done } = await onboard('gina@example.com');
    const [h, p, s] = done.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${s}`;
    const pool = await ensureLocalPool(cognito.endpoint, 'test');
    const awsConfigured = personTokenVerifier({
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
    });
    const otherClient = personTokenVerifier({
      userPoolId: pool.userPoolId,
      clientId: 'another-client',
      localIssuer: pool.issuer,
    });

    expect(await verify.subjectOf(tampered)).toBeUndefined();
    // The emulator's key ships in its npm package: outside the local runtime its tokens are worthless.
    expect(await awsConfigured.subjectOf(done.accessToken)).toBeUndefined();
    expect(await otherClient.subjectOf(done.accessToken)).toBeUndefined();
  });

  it('someone who adds an authenticator app must give its code at every sign-in; a wrong code is refused; removing it ends that, each change audited', async () => {
    const { person, done } = await onboard('hal@example.com');
    const session = { store: stores.people, provider };
    const mfa = { store: stores.people, provider: cognitoMfa(api), offered: true };
    const self: Principal = { kind: 'person', personId: person.id, role: 'vendor-support' };
    const as = (p: Principal) => ({ ...ctx(p), requestId: 'req' });
    const token = done.accessToken;

    expect(await mfaStatus(mfa, self, token)).toEqual({ offered: true, enabled: false });
    const setup = await beginMfaSetup(mfa, self, token);
    expect(setup.uri).toBe(
      `otpauth://totp/Tessera%3Ahal%40example.com?secret=${setup.secret}&issuer=Tessera`,
    );
    const wrong = totp(setup.secret) === '000000' ? '111111' : '000000';
    expect(await codeOf(enableMfa(mfa, as(self), token, { code: wrong }))).toBe('MFA_CODE_INVALID');
    expect(await enableMfa(mfa, as(self), token, { code: totp(setup.secret) })).toEqual({
      offered: true,
      enabled: true,
    });
    expect((await getPerson(stores.people, admin, person.id)).mfa).toBe(true);

    const first = await signIn(
      session,
      { email: 'hal@example.com', password: NEW_PASSWORD },
      new Date(),
    );
    if (first.status !== 'MFA_REQUIRED') throw new Error(`got ${first.status}`);
    const refusal = answerMfa(
      session,
      { email: 'hal@example.com', session: first.session, code: wrong },
      new Date(),
    );
    expect(await codeOf(refusal)).toBe('MFA_CODE_INVALID');
    const second = await signIn(
      session,
      { email: 'hal@example.com', password: NEW_PASSWORD },
      new Date(),
    );
    if (second.status !== 'MFA_REQUIRED') throw new Error(`got ${second.status}`);
    const signedIn = await answerMfa(
      session,
      { email: 'hal@example.com', session: second.session, code: totp(setup.secret) },
      new Date(),
    );
    expect(signedIn).toMatchObject({ status: 'SIGNED_IN', person: { id: person.id } });

    await disableMfa(mfa, as(self), token);
    const plain = await signIn(
      session,
      { email: 'hal@example.com', password: NEW_PASSWORD },
      new Date(),
    );
    expect(plain.status).toBe('SIGNED_IN');
    const trail = await stores.audit.list({ entityType: 'person', entityId: person.id, limit: 10 });
    expect(trail.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['person.mfa-enabled', 'person.mfa-disabled']),
    );
    expect(JSON.stringify(trail.items)).not.toContain(setup.secret);
  });

  it('an installation that does not offer a second factor refuses to add one, and an API token has no authenticator to see', async () => {
    const { person, done } = await onboard('ida@example.com');
    const self: Principal = { kind: 'person', personId: person.id, role: 'vendor-support' };
    const off = { store: stores.people, provider: cognitoMfa(api), offered: false };

    expect(await codeOf(beginMfaSetup(off, self, done.accessToken))).toBe('MFA_NOT_OFFERED');
    expect(await mfaStatus(off, self, done.accessToken)).toEqual({
      offered: false,
      enabled: false,
    });
    expect(await codeOf(mfaStatus(off, admin, done.accessToken))).toBe('NOT_FOUND');
  });

  it('a person changes the language of their own messages, audited; an API token has no self (404)', async () => {
    // Arrange
    const { person } = await onboard('jo@example.com');
    const self: Principal = { kind: 'person', personId: person.id, role: 'vendor-support' };

    // Act
    const italian = await changeOwnSettings({ store: stores.people }, ctx(self), {
      language: 'it',
    });
    const back = await changeOwnSettings({ store: stores.people }, ctx(self), { language: null });
    const token = await codeOf(
      changeOwnSettings({ store: stores.people }, ctx(admin), { language: 'it' }),
    );

    // Assert
    expect([italian.language, back.language]).toEqual(['it', undefined]);
    expect((await getPerson(stores.people, admin, person.id)).language).toBeUndefined();
    expect(token).toBe('NOT_FOUND');
    const trail = await stores.audit.list({ limit: 10, entityType: 'person', entityId: person.id });
    expect(trail.items.filter((e) => e.action === 'person.changed')).toHaveLength(2);
  });
});
