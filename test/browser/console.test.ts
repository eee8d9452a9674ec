/// <reference lib="dom" />

import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraClient } from '../../sdk/src/client.ts';
import { adminJson } from '../support/admin-api.ts';
import { invitationPassword, launchBrowser, seriousViolations } from '../support/browser.ts';
import { resetCodeIn } from '../support/cognito-state.ts';
import { codeFromOutbox } from '../support/outbox.ts';
import { useLocalPlatform } from '../support/platform.ts';
import { totp } from '../support/totp.ts';

/**
 * The vendor console in a real browser against the local runtime, as its first administrator
 * meets it: the invitation e-mail, the forced new password, the registry, the Used switch, a
 * concurrent edit, a customer-bound person, sign-out. axe-core scans every page it opens.
 */
const local = useLocalPlatform({ identity: true, console: true });
const ADMIN_EMAIL = 'admin@tessera.local';
const NEW_PASSWORD = 'Console-Secret-2026!';

let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
const figures: Record<string, number> = {};
const scanned: Record<string, unknown[]> = {};

const api = adminJson(local);

/** Records the page's serious or critical accessibility violations under its name. */
const scan = async (name: string) => {
  scanned[name] = await seriousViolations(page);
};

const data: {
  acme?: string;
  globex?: string;
  globexLicense?: string;
  firstSerial?: string;
  firstKey?: string;
  unassignedKey?: string;
  seatLicense?: { id: string; serial: string; key: string };
  globexKey?: string;
} = {};

beforeAll(async () => {
  expect(
    (await api('POST', '/products', { code: 'CAD', name: 'CAD Studio', seatModel: 'concurrent' }))
      .status,
  ).toBe(201);
  data.acme = (await api('POST', '/customers', { name: 'Acme' })).json.id;
  data.globex = (await api('POST', '/customers', { name: 'Globex' })).json.id;
  const issue = (customerId: string | undefined, n: number) =>
    api('POST', '/licenses', {
      productCode: 'CAD',
      ...(customerId ? { customerId } : {}),
      registeredEmail: `it${n}@example.com`,
      companyName: customerId === data.globex ? 'Globex' : 'Acme',
      seatLimit: 3,
      maxActivations: 2,
    });
  const seat = await issue(data.acme, 0);
  data.seatLicense = { id: seat.json.id, serial: seat.json.serial, key: seat.json.key };
  for (let n = 1; n < 55; n += 5) {
    await Promise.all([0, 1, 2, 3, 4].map((i) => issue(data.acme, n + i)));
  }
  const globex = await issue(data.globex, 99);
  data.globexLicense = globex.json.id;
  data.globexKey = globex.json.key;
  data.unassignedKey = (await issue(undefined, 100)).json.key;

  browser = await launchBrowser();
  context = await browser.newContext({ locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: local().url });
  page = await context.newPage();
  context.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      cspViolations.push(message.text());
    }
  });
});

afterAll(async () => {
  await browser?.close();
  console.log(`console figures: ${JSON.stringify(figures)}`);
});

describe('the vendor console', () => {
  it('the first administrator signs in with the e-mailed temporary password and must choose a new one', async () => {
    const temporary = await invitationPassword(local().outboxDir, ADMIN_EMAIL);

    await page.goto(`${local().url}/`);
    await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(temporary);
    await scan('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await scan('new-password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();

    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.getByText(`Signed in as ${ADMIN_EMAIL}`).isVisible()).toBe(true);
    await scan('dashboard');
  });

  it('keeps the session across a reload without any token in the page’s storage', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored).not.toMatch(/eyJ|tsr_|token/i);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'tessera_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  });

  it('All licenses renders 50 rows a page, searches, and copies a key to the clipboard', async () => {
    const started = performance.now();
    await page.getByRole('link', { name: 'All licenses' }).click();
    await page.locator('table.registry tbody tr').nth(49).waitFor();
    figures.registry50RowsMs = Math.round(performance.now() - started);
    expect(await page.locator('table.registry tbody tr').count()).toBe(50);
    await scan('licenses');

    await page.getByRole('button', { name: 'Next page' }).click();
    // 56 of Acme's, Globex's and the unassigned one: 58 in all, 8 on the second page. The first
    // page's rows stay on screen until the second page has arrived.
    await page.waitForFunction(
      () => document.querySelectorAll('table.registry tbody tr').length === 8,
    );

    const serial = data.seatLicense?.serial as string;
    await page.getByPlaceholder('Search licenses').fill(serial);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('table.registry tbody tr').length === 1,
    );

    await page.getByRole('button', { name: `Copy the key of ${serial}` }).click();
    await page.getByText('Copied to clipboard!').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(data.seatLicense?.key);
  });

  it('Add imports a license by its key; Add stays disabled until a key is typed, and Close discards it', async () => {
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import license' });
    const add = dialog.getByRole('button', { name: 'Add', exact: true });
    expect(await add.isDisabled()).toBe(true);
    await dialog.getByLabel('License key').fill('ABCD');
    expect(await add.isDisabled()).toBe(false);
    await scan('import-license');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await dialog.getByLabel('License key').inputValue()).toBe('');

    await dialog.getByLabel('Customer').selectOption({ label: 'Acme' });
    await dialog.getByLabel('License key').fill(data.unassignedKey as string);
    await add.click();
    await dialog.waitFor({ state: 'detached' });
    const imported = await api(
      'GET',
      `/licenses?q=${encodeURIComponent(data.unassignedKey as string)}`,
    );
    expect(imported.json.items[0].customerId).toBe(data.acme);
  });

  it('Used shows who holds a seat, and switching a user off ends their session at the next heartbeat', async () => {
    const instance = new TesseraClient({ baseUrl: local().url });
    const started = await instance.startActivation({
      key: data.seatLicense?.key as string,
      fingerprint: 'workstation-0001-fp',
      hostname: 'ws-1',
    });
    await instance.completeActivation(
      started.activationId,
      await codeFromOutbox(local().outboxDir),
    );
    const seat = (action: string) =>
      fetch(`${local().url}/instance/seats/${action}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${instance.activationToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ sessionId: 'desk-1', userId: 'mario' }),
      });
    expect((await seat('checkout')).status).toBe(200);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page
      .getByRole('button', { name: `1 of 3 in use: show users of ${data.seatLicense?.serial}` })
      .click();
    const dialog = page.getByRole('dialog', { name: `Users of ${data.seatLicense?.serial}` });
    await dialog.getByRole('cell', { name: 'mario', exact: true }).waitFor();
    await scan('used-users');
    await dialog.getByRole('switch', { name: /Used by mario/ }).click();
    await dialog.getByText('Nobody is using this license now.').waitFor();

    const heartbeat = await fetch(`${local().url}/instance/seats/heartbeat`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${instance.activationToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ sessionId: 'desk-1' }),
    });
    expect(heartbeat.status).toBe(410);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('the dashboard shows the fullest pools and today’s activations and refused checkouts', async () => {
    // Globex's pool has one license of 3 seats: a fourth user is refused.
    const instance = new TesseraClient({ baseUrl: local().url });
    const started = await instance.startActivation({
      key: data.globexKey as string,
      fingerprint: 'globex-workstation-fp',
    });
    await instance.completeActivation(
      started.activationId,
      await codeFromOutbox(local().outboxDir),
    );
    const seat = (sessionId: string) =>
      fetch(`${local().url}/instance/seats/checkout`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${instance.activationToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ sessionId, userId: sessionId }),
      });
    for (const user of ['anna', 'bruno', 'carla']) expect((await seat(user)).status).toBe(200);
    expect((await seat('dario')).status).toBe(409);
    await local().runJob('seat-reconciliation');

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('link', { name: 'Globex · CAD' }).waitFor();
    expect(await page.getByRole('meter', { name: 'Globex · CAD: 3 / 3' }).count()).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    const row = page.locator('table tr', { has: page.getByRole('cell', { name: today }) });
    expect(await row.locator('td').allTextContents()).toEqual([today, '2', '1']);
    await scan('dashboard-figures');
  });

  it('an edit made on a stale copy says the license changed meanwhile instead of overwriting it', async () => {
    const id = data.seatLicense?.id as string;
    await page.goto(`${local().url}/#/licenses/${id}`);
    await page.getByRole('heading', { name: `License ${data.seatLicense?.serial}` }).waitFor();
    await scan('license');
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Seat limit').fill('5');
    // Someone else changes the license while the form is open.
    expect((await api('PATCH', `/licenses/${id}`, { notes: 'changed elsewhere' })).status).toBe(
      200,
    );

    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByText('Changed by someone else meanwhile: reload to see their change.')
      .waitFor();
    expect((await api('GET', `/licenses/${id}`)).json.seatLimit).toBe(3);

    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByText('changed elsewhere').waitFor();
  });

  it('suspends a license only after confirmation, and shows it in its history', async () => {
    await page.getByRole('button', { name: 'Suspend' }).click();
    await scan('confirm');
    await page
      .getByRole('dialog', { name: 'Suspend' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await page.getByRole('button', { name: 'Reinstate' }).waitFor();
    await page.getByRole('cell', { name: 'license.suspended' }).waitFor();
    expect((await api('GET', `/licenses/${data.seatLicense?.id}`)).json.storedStatus).toBe(
      'suspended',
    );
  });

  it('every other page opens from the navigation with no serious accessibility violation', async () => {
    for (const [link, heading] of [
      ['Products', 'Products'],
      ['Customers', 'Customers'],
      ['People', 'People'],
      ['API tokens', 'API tokens'],
      ['Audit log', 'Audit log'],
    ] as const) {
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.locator('table tbody tr').first().waitFor();
      await scan(link);
    }
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Acme' }).click();
    await page.getByRole('heading', { name: 'Acme' }).waitFor();
    await scan('customer');
  });

  it('issues a license from All licenses and opens it', async () => {
    await page.getByRole('link', { name: 'All licenses' }).click();
    await page.getByRole('button', { name: 'Issue a license' }).click();
    const dialog = page.getByRole('dialog', { name: 'Issue a license' });
    await dialog.getByLabel('Customer').selectOption({ label: 'Globex' });
    await dialog.getByLabel('Registered e-mail').fill('it@globex.example');
    await dialog.getByLabel('Company name').fill('Globex');
    await dialog.getByLabel('Seat limit').fill('4');
    await scan('issue-license');
    await dialog.getByRole('button', { name: 'Issue a license' }).click();

    await page.getByRole('heading', { name: /^License TS\d+/ }).waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    const issued = (await api('GET', `/licenses/${id}`)).json;
    expect(issued).toMatchObject({ customerId: data.globex, seatLimit: 4, companyName: 'Globex' });
  });

  it('changes a person’s role within their kind, with the version they saw', async () => {
    expect(
      (
        await api('POST', '/people', {
          email: 'clerk@globex.example',
          role: 'customer-user',
          customerId: data.globex,
        })
      ).status,
    ).toBe(201);
    await page.getByRole('link', { name: 'People' }).click();
    const role = page.getByLabel('Role of clerk@globex.example');
    await role.waitFor();
    expect(await role.locator('option').allTextContents()).toEqual([
      'customer-admin',
      'customer-user',
    ]);
    await role.selectOption('customer-admin');
    await expect
      .poll(async () => {
        const people = (await api('GET', '/people?limit=100')).json.items as {
          email: string;
          role: string;
        }[];
        return people.find((p) => p.email === 'clerk@globex.example')?.role;
      })
      .toBe('customer-admin');
  });

  it('changes the language of a person’s messages, and back to the default', async () => {
    // Arrange: the person of the previous step, with no language of their own.
    const languageOf = async () => {
      const people = (await api('GET', '/people?limit=100')).json.items as {
        email: string;
        language?: string;
      }[];
      return people.find((p) => p.email === 'clerk@globex.example')?.language ?? 'default';
    };
    const language = page.getByLabel('Language of messages to clerk@globex.example');
    await language.waitFor();

    // Act and assert: Italian, then the default again.
    await language.selectOption('it');
    await expect.poll(languageOf).toBe('it');
    await expect.poll(() => language.inputValue()).toBe('it');
    await language.selectOption('');
    await expect.poll(languageOf).toBe('default');
    await scan('people-language');
  });

  it('edits a product’s modules, not how its licensed seats count, and adds a project to a customer', async () => {
    const returnable = (await api('GET', '/products/CAD')).json.returnable as boolean;
    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('button', { name: 'Edit CAD' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit CAD' });
    await dialog.getByLabel('Modules, one per line (code: Name)').fill('render: Renderer\ncam');
    // Licenses of CAD exist: how its seats count cannot change, and the form says so.
    expect(await dialog.getByLabel('Aggregation').isDisabled()).toBe(true);
    await dialog.getByText('Returnable').click();
    await scan('edit-product');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await api('GET', '/products/CAD')).json).toMatchObject({
      aggregation: 'sum',
      returnable: !returnable,
      modules: [
        { code: 'render', name: 'Renderer' },
        { code: 'cam', name: 'cam' },
      ],
    });

    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Globex' }).click();
    await page.getByLabel('New project name').fill('Plant 2');
    await page.getByRole('button', { name: 'Add project' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Plant 2' }).waitFor();
  });

  it('reaches the registry’s controls by keyboard alone, and Escape closes a modal', async () => {
    await page.getByRole('link', { name: 'All licenses' }).click();
    await page.locator('table.registry tbody tr').first().waitFor();
    await page.getByPlaceholder('Search licenses').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.add(
        await page.evaluate(
          () =>
            document.activeElement?.getAttribute('aria-label') ??
            document.activeElement?.textContent ??
            '',
        ),
      );
    }
    expect([...reached]).toEqual(
      expect.arrayContaining(['Search', 'Add', 'Issue a license', 'Refresh']),
    );
    expect([...reached].some((name) => name.startsWith('Copy the key of'))).toBe(true);
    expect([...reached].some((name) => /in use: show users of/.test(name))).toBe(true);

    await page.getByRole('button', { name: 'Add', exact: true }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Import license' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('says when Tessera cannot be reached, and Retry loads the page once it can', async () => {
    await page.route('**/licenses?*', (route) => route.abort('internetdisconnected'));
    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByRole('link', { name: 'All licenses' }).click();
    await page
      .getByText('Tessera cannot be reached. Check your connection and try again.')
      .waitFor();
    await page.unroute('**/licenses?*');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('table.registry tbody tr').first().waitFor();
  });

  it('speaks Italian when switched, and remembers it', async () => {
    await page.getByLabel('Language').selectOption('it');
    await page.getByRole('link', { name: 'Tutte le licenze' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('it');
    await page.reload();
    await page.getByRole('link', { name: 'Tutte le licenze' }).waitFor();
    await page.getByLabel('Lingua').selectOption('en');
  });

  it('a customer-bound person gets the not-found page for another customer’s license', async () => {
    expect(
      (
        await api('POST', '/people', {
          email: 'ops@globex.example',
          role: 'customer-admin',
          customerId: data.globex,
        })
      ).status,
    ).toBe(201);
    const password = await invitationPassword(local().outboxDir, 'ops@globex.example');
    const other = await browser.newContext({ locale: 'en-US' });
    const theirs = await other.newPage();
    await theirs.goto(`${local().url}/`);
    await theirs.getByLabel('E-mail').fill('ops@globex.example');
    await theirs.getByLabel('Password').fill(password);
    await theirs.getByRole('button', { name: 'Sign in' }).click();
    await theirs.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await theirs.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await theirs.getByRole('button', { name: 'Set password and sign in' }).click();
    await theirs.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await theirs.goto(`${local().url}/#/licenses/${data.seatLicense?.id}`);
    await theirs.getByRole('heading', { name: 'Not found' }).waitFor();
    await theirs.goto(`${local().url}/#/licenses/${data.globexLicense}`);
    await theirs.getByRole('heading', { name: /^License TS/ }).waitFor();
    // Their company's portal: no vendor pages in the navigation, their own company one click away.
    const nav = theirs.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Dashboard',
      'All licenses',
      'Company',
      'Trials',
      'Tickets',
      'People',
      'API tokens',
      'Audit log',
    ]);
    await nav.getByRole('link', { name: 'Company' }).click();
    await theirs.getByRole('heading', { name: 'Globex' }).waitFor();
    // A company user invites a colleague into their own company, and only with a company role.
    await nav.getByRole('link', { name: 'People' }).click();
    await theirs.getByRole('button', { name: 'Invite' }).click();
    const dialog = theirs.getByRole('dialog');
    expect(await dialog.getByLabel('Role').locator('option').allTextContents()).toEqual([
      'customer-admin',
      'customer-user',
    ]);
    expect(await dialog.getByLabel('Customer', { exact: true }).count()).toBe(0);
    await dialog.getByLabel('E-mail').fill('colleague@globex.example');
    await dialog.getByRole('button', { name: 'Invite' }).click();
    await theirs.getByRole('row', { name: /colleague@globex\.example/ }).waitFor();
    expect(await invitationPassword(local().outboxDir, 'colleague@globex.example')).toHaveLength(
      16,
    );
    const p = page;
    page = theirs;
    await scan('not-found');
    page = p;
    await other.close();
  });

  it('someone who forgot the password sets a new one with the e-mailed code, and signs in with it', async () => {
    const other = await browser.newContext({ locale: 'en-US' });
    const theirs = await other.newPage();
    await theirs.goto(`${local().url}/`);
    await theirs.getByRole('button', { name: 'Forgot your password?' }).click();
    await theirs.getByLabel('E-mail').fill('ops@globex.example');
    await theirs.getByRole('button', { name: 'Send the code' }).click();
    await theirs.getByText(/a code is on its way/).waitFor();
    const code = await resetCodeIn(join(local().stateDir, 'cognito'), 'ops@globex.example');
    await theirs.getByLabel('Reset code').fill(code);
    await theirs.getByLabel('New password', { exact: true }).fill('Reset-Secret-2026!');
    await theirs.getByLabel('Repeat the new password').fill('Reset-Secret-2026!');
    await theirs.getByRole('button', { name: 'Set password and sign in' }).click();
    await theirs.getByText('Your password is changed: sign in with it.').waitFor();

    await theirs.getByLabel('E-mail').fill('ops@globex.example');
    await theirs.getByLabel('Password').fill('Reset-Secret-2026!');
    await theirs.getByRole('button', { name: 'Sign in' }).click();
    await theirs.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await other.close();
  });

  it('someone disabled while signed in is sent back to sign-in at their next request', async () => {
    const other = await browser.newContext({ locale: 'en-US' });
    const theirs = await other.newPage();
    await theirs.goto(`${local().url}/`);
    await theirs.getByLabel('E-mail').fill('ops@globex.example');
    await theirs.getByLabel('Password').fill('Reset-Secret-2026!');
    await theirs.getByRole('button', { name: 'Sign in' }).click();
    await theirs.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const people = (await api('GET', '/people?limit=100')).json.items as {
      id: string;
      email: string;
    }[];
    const ops = people.find((p) => p.email === 'ops@globex.example');
    expect((await api('POST', `/people/${ops?.id}/disable`)).status).toBe(200);

    await theirs.getByRole('link', { name: 'All licenses' }).click();
    await theirs.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    await theirs.getByText('Your session has ended: sign in again.').waitFor();
    await other.close();
  });

  it('a person sets the language of their own messages on the sign-in security page', async () => {
    // Arrange
    const ownLanguage = async () => {
      const people = (await api('GET', '/people?limit=100')).json.items as {
        email: string;
        language?: string;
      }[];
      return people.find((p) => p.email === 'admin@tessera.local')?.language ?? 'default';
    };
    await page.getByRole('link', { name: 'Sign-in security' }).click();
    const language = page.getByLabel('The language of my messages');

    // Act and assert: Italian, then the default again.
    await language.selectOption('it');
    await page.getByRole('button', { name: 'Save the language' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await ownLanguage()).toBe('it');
    await scan('own-language');
    await language.selectOption('');
    await page.getByRole('button', { name: 'Save the language' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await ownLanguage()).toBe('default');
  });

  it('someone who adds an authenticator app is asked for its code at the next sign-in, and a wrong code is refused', async () => {
    expect(
      (await api('POST', '/people', { email: 'sec@tessera.local', role: 'vendor-support' })).status,
    ).toBe(201);
    const password = await invitationPassword(local().outboxDir, 'sec@tessera.local');
    const other = await browser.newContext({ locale: 'en-US' });
    const theirs = await other.newPage();
    const signInWith = async (secret: string) => {
      await theirs.getByLabel('E-mail').fill('sec@tessera.local');
      await theirs.getByLabel('Password').fill(secret);
      await theirs.getByRole('button', { name: 'Sign in' }).click();
    };
    await theirs.goto(`${local().url}/`);
    await signInWith(password);
    await theirs.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await theirs.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await theirs.getByRole('button', { name: 'Set password and sign in' }).click();
    await theirs.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await theirs.getByRole('link', { name: 'Sign-in security' }).click();
    await theirs.getByText('Your sign-in asks for your password only.').waitFor();
    await theirs.getByRole('button', { name: 'Add an authenticator app' }).click();
    const secret = (await theirs.locator('#mfa-key').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(
      await theirs
        .getByRole('link', { name: 'Open in the authenticator app' })
        .getAttribute('href'),
    ).toContain(`secret=${secret}`);
    const p = page;
    page = theirs;
    await scan('security');
    page = p;
    await theirs.getByLabel('Code from the authenticator app').fill(totp(secret));
    await theirs.getByRole('button', { name: 'Turn on' }).click();
    await theirs.getByText('Your sign-in asks for a code from your authenticator app.').waitFor();
    await theirs.getByRole('button', { name: 'Sign out' }).click();

    await signInWith(NEW_PASSWORD);
    await theirs.getByRole('heading', { name: 'Enter your code' }).waitFor();
    page = theirs;
    await scan('mfa-code');
    page = p;
    const wrong = totp(secret) === '000000' ? '111111' : '000000';
    await theirs.getByLabel('Code from the authenticator app').fill(wrong);
    await theirs.getByRole('button', { name: 'Verify and sign in' }).click();
    await theirs.getByText('That code is wrong or expired').waitFor();
    await theirs.getByLabel('Code from the authenticator app').fill(totp(secret));
    await theirs.getByRole('button', { name: 'Verify and sign in' }).click();
    // Signed in where they signed out.
    await theirs.getByRole('heading', { name: 'Sign-in security' }).waitFor();
    const people = (await api('GET', '/people?limit=100')).json.items as {
      email: string;
      mfa?: boolean;
    }[];
    expect(people.find((x) => x.email === 'sec@tessera.local')?.mfa).toBe(true);
    await page.goto(`${local().url}/#/people`);
    await page
      .getByRole('row', { name: /sec@tessera\.local.*Password \+ authenticator app/ })
      .waitFor();
    await other.close();
  });

  it('after sign-out the back button shows nothing private', async () => {
    await page.goto(`${local().url}/#/licenses/${data.seatLicense?.id}`);
    await page.getByRole('heading', { name: `License ${data.seatLicense?.serial}` }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();

    await page.goBack();
    await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    expect(await page.content()).not.toContain(data.seatLicense?.serial as string);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    expect(await page.content()).not.toContain(data.seatLicense?.serial as string);
    const refreshed = await page.evaluate(() =>
      fetch('/session/refresh', { method: 'POST' }).then((r) => r.status),
    );
    expect(refreshed).toBe(401);
  });

  it('the accessibility scan itself finds an unlabelled control (so its silence means something)', async () => {
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'unlabelled-probe';
      document.body.append(input);
    });
    const found = await seriousViolations(page);
    await page.evaluate(() => document.getElementById('unlabelled-probe')?.remove());
    expect(found.map((v) => v.id)).toContain('label');
  });

  it('no page threw, broke the Content Security Policy or had a serious accessibility violation', async () => {
    expect(cspViolations).toEqual([]);
    // What the browser ran is the production build (React's development runtime behaves otherwise).
    const served = await page.evaluate(async () => {
      const src = document.querySelector('script[type="module"]')?.getAttribute('src') ?? '';
      return (await fetch(src)).text();
    });
    expect(served).not.toContain('jsxDEV');
    expect(pageErrors).toEqual([]);
    expect(Object.keys(scanned).length).toBeGreaterThanOrEqual(17);
    const failing = Object.fromEntries(Object.entries(scanned).filter(([, v]) => v.length > 0));
    expect(failing).toEqual({});
  });
});
