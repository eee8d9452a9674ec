import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { notTessera } from '../support/contract.ts';
import { type FederatedUser, startFakeHostedSignIn } from '../support/fake-hosted-sign-in.ts';
import { useLocalPlatform } from '../support/platform.ts';

/**
 * Signing in through the vendor's identity provider, through the local runtime's HTTP server:
 * the browser's three hops (start → provider → callback) done by hand, against a stand-in for
 * Cognito's hosted domain that hands out the emulator's real tokens.
 */
let hosted: Awaited<ReturnType<typeof startFakeHostedSignIn>>;
beforeAll(async () => {
  hosted = await startFakeHostedSignIn(() => local().cognitoEndpoint as string);
  notTessera(hosted.url);
});
const local = useLocalPlatform({
  identity: true,
  federation: () => ({
    domain: hosted.url,
    providers: [{ name: 'AcmeIdP', label: 'Acme staff directory' }],
  }),
});
afterAll(() => hosted?.close());

const admin = adminApi(local);

const invite = async (email: string, role = 'vendor-support', customerId?: string) => {
  const answer = await admin('POST', '/people', {
    email,
    role,
    ...(customerId ? { customerId } : {}),
  });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { id: string }).id;
};

const cookieOf = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
    ?.slice(name.length + 1);

/** The browser's hops, as a browser makes them; answers where it lands and its session cookie. */
const federatedSignIn = async (
  who: FederatedUser | 'cancel',
  options: { keepState?: boolean } = {},
) => {
  const start = await fetch(`${local().url}/session/federation/AcmeIdP`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const state = cookieOf(start, 'tessera_federation');
  hosted.signInNext(who);
  const atProvider = await fetch(start.headers.get('location') as string, { redirect: 'manual' });
  const callback = atProvider.headers.get('location') as string;
  const back = await fetch(callback, {
    redirect: 'manual',
    headers: options.keepState === false ? {} : { cookie: `tessera_federation=${state}` },
  });
  expect(back.status).toBe(302);
  return {
    start,
    callback,
    state,
    landed: back.headers.get('location') as string,
    session: cookieOf(back, 'tessera_session'),
    clearedState: back.headers.getSetCookie().some((c) => c.startsWith('tessera_federation=;')),
  };
};

const refresh = (session: string | undefined) =>
  fetch(`${local().url}/session/refresh`, {
    method: 'POST',
    headers: session ? { cookie: `tessera_session=${session}` } : {},
  });

describe('signing in through the vendor’s identity provider', () => {
  it('lists the configured provider, and an unknown one is 404', async () => {
    const listed = await fetch(`${local().url}/session/providers`);
    expect(await listed.json()).toEqual({
      providers: [{ name: 'AcmeIdP', label: 'Acme staff directory' }],
    });
    const unknown = await fetch(`${local().url}/session/federation/Nope`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
  });

  it('invited staff sign in with PKCE and a state bound to their browser, are linked once (audited) and get a session that refreshes and authorizes', async () => {
    const personId = await invite('stella@acme.example');

    const first = await federatedSignIn({ provider: 'AcmeIdP', email: 'Stella@acme.example' });

    const asked = hosted.authorizations.at(-1) as URLSearchParams;
    expect(Object.fromEntries(asked)).toMatchObject({
      response_type: 'code',
      identity_provider: 'AcmeIdP',
      redirect_uri: `${local().url}/session/federation-callback`,
      code_challenge_method: 'S256',
      state: first.state?.split('.')[0],
    });
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.start.headers.getSetCookie()[0]).toMatch(/HttpOnly; Secure; SameSite=Lax$/);
    expect(first.landed).toBe(`${local().url}/#/`);
    expect(first.clearedState).toBe(true);
    const refreshed = await refresh(first.session);
    expect(refreshed.status).toBe(200);
    const session = (await refreshed.json()) as { accessToken: string; person: { id: string } };
    expect(session.person.id).toBe(personId);
    const licenses = await fetch(`${local().url}/licenses?limit=1`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(licenses.status).toBe(200);
    const person = (await (await admin('GET', `/people/${personId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(person).toMatchObject({ status: 'active', signInProviders: ['AcmeIdP'] });

    const again = await federatedSignIn({ provider: 'AcmeIdP', email: 'stella@acme.example' });
    expect(again.session).toBeTruthy();
    const trail = (await (
      await admin('GET', `/audit-events?entityType=person&entityId=${personId}`)
    ).json()) as {
      items: { action: string }[];
    };
    expect(trail.items.filter((e) => e.action === 'person.provider-linked')).toHaveLength(1);
  });

  it('a cancelled sign-in, an answer without the browser’s state, and a replayed code go back to sign-in with a reason and no session', async () => {
    await invite('rita@acme.example');

    const cancelled = await federatedSignIn('cancel');
    const stateless = await federatedSignIn(
      { provider: 'AcmeIdP', email: 'rita@acme.example' },
      { keepState: false },
    );
    const good = await federatedSignIn({ provider: 'AcmeIdP', email: 'rita@acme.example' });
    const replayed = await fetch(good.callback, {
      redirect: 'manual',
      headers: { cookie: `tessera_federation=${good.state}` },
    });

    expect(cancelled).toMatchObject({ landed: `${local().url}/#/?signIn=FEDERATION_CANCELLED` });
    expect(cancelled.session).toBeUndefined();
    expect(stateless).toMatchObject({ landed: `${local().url}/#/?signIn=FEDERATION_EXPIRED` });
    expect(stateless.session).toBeUndefined();
    expect(good.session).toBeTruthy();
    expect(replayed.headers.get('location')).toBe(`${local().url}/#/?signIn=FEDERATION_EXPIRED`);
    expect(cookieOf(replayed, 'tessera_session')).toBeUndefined();
  });

  it('someone Tessera did not invite as staff, a customer’s person, and a disabled person get no session; a removed person’s link is released', async () => {
    const customer = (await (await admin('POST', '/customers', { name: 'Initech' })).json()) as {
      id: string;
    };
    await invite('cora@initech.example', 'customer-admin', customer.id);
    const staff = await invite('dave@acme.example');
    const linked = await federatedSignIn({ provider: 'AcmeIdP', email: 'dave@acme.example' });
    expect(linked.session).toBeTruthy();

    const stranger = await federatedSignIn({ provider: 'AcmeIdP', email: 'eve@elsewhere.example' });
    const customersPerson = await federatedSignIn({
      provider: 'AcmeIdP',
      email: 'cora@initech.example',
    });
    expect((await admin('POST', `/people/${staff}/disable`)).status).toBe(200);
    const disabled = await federatedSignIn({ provider: 'AcmeIdP', email: 'dave@acme.example' });
    const oldSession = await refresh(linked.session);

    const refusedAt = `${local().url}/#/?signIn=FEDERATION_REFUSED`;
    for (const outcome of [stranger, customersPerson, disabled]) {
      expect(outcome.landed).toBe(refusedAt);
      expect(outcome.session).toBeUndefined();
    }
    expect(oldSession.status).toBe(401);

    // Removed and invited again: the provider's account links to the new person.
    expect((await admin('DELETE', `/people/${staff}`)).status).toBe(204);
    const again = await invite('dave@acme.example');
    const relinked = await federatedSignIn({ provider: 'AcmeIdP', email: 'dave@acme.example' });
    const session = (await (await refresh(relinked.session)).json()) as { person: { id: string } };
    expect(session.person.id).toBe(again);
  });
});
