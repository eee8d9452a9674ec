/// <reference lib="dom" />

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraClient } from '../../sdk/src/client.ts';
import { OfflineDevice } from '../../sdk/src/offline.ts';
import { verifyLicenseFile } from '../../sdk/src/verify.ts';
import { adminJson } from '../support/admin-api.ts';
import {
  type AxeViolation,
  launchBrowser,
  seriousViolations,
  signInAs,
} from '../support/browser.ts';
import { codeFromOutbox } from '../support/outbox.ts';
import { useLocalPlatform } from '../support/platform.ts';

/**
 * The customer portal in a real browser: a company user and a plain user of the same customer
 * sign in with their e-mailed credentials; the company user requests trials (one issued at once,
 * one waiting for the vendor, a second request refused); the vendor admin approves from the
 * queue; the plain user sees the company's trials but cannot request one.
 */
const local = useLocalPlatform({ identity: true, console: true });
const PASSWORD = 'Portal-Secret-2026!';

let browser: Browser;
const pageErrors: string[] = [];
const scanned: Record<string, AxeViolation[]> = {};
let acme = '';

const api = adminJson(local);

const signIn = (email: string): Promise<Page> =>
  signInAs(browser, local(), email, PASSWORD, { errors: pageErrors });

const scan = async (page: Page, name: string) => {
  scanned[name] = await seriousViolations(page);
};

const trialsPage = async (page: Page) => {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Trials' })
    .click();
  await page.getByRole('heading', { name: 'Trials', level: 1 }).waitFor();
  await page.getByRole('row', { name: /PBX Phone/ }).waitFor();
};

let company: Page;

beforeAll(async () => {
  expect(
    (
      await api('POST', '/products', {
        code: 'PBX',
        name: 'PBX Phone',
        seatModel: 'instance',
        trial: { days: 30, maxActivations: 2 },
      })
    ).status,
  ).toBe(201);
  await api('POST', '/products', {
    code: 'AGENTS',
    name: 'Contact Agents',
    seatModel: 'concurrent',
    trial: { days: 14, seatLimit: 5, approval: 'vendor' },
  });
  await api('POST', '/products', {
    code: 'CRM',
    name: 'CRM Bridge',
    seatModel: 'instance',
    trial: { days: 7 },
  });
  await api('POST', '/products', { code: 'PLAIN', name: 'Plain', seatModel: 'instance' });
  acme = String((await api('POST', '/customers', { name: 'Acme' })).json.id);
  for (const [email, role] of [
    ['ops@acme.example', 'customer-admin'],
    ['ann@acme.example', 'customer-user'],
  ] as const) {
    expect((await api('POST', '/people', { email, role, customerId: acme })).status).toBe(201);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('the customer portal: trials', () => {
  it('a company user sees the products that offer a trial and requests one, issued at once', async () => {
    company = await signIn('ops@acme.example');
    const nav = company.getByRole('navigation', { name: 'Main' });
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
    await trialsPage(company);
    expect(await company.getByRole('row', { name: /Plain/ }).count()).toBe(0); // no trial offered
    await scan(company, 'portal trials');

    await company.getByRole('button', { name: 'Request the PBX Phone trial' }).click();
    const dialog = company.getByRole('dialog');
    await scan(company, 'request trial');
    await dialog.getByRole('button', { name: 'Request trial' }).click();
    await dialog.getByText('Your trial license is issued').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    const row = company.getByRole('row', { name: /PBX Phone/ });
    await row.getByText('Issued').waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await row.getByRole('link', { name: 'Open the license' }).click();
    await company.getByRole('heading', { name: /^License TS/ }).waitFor();
    const trial = await api('GET', `/customers/${acme}/trials/PBX`);
    expect(trial.json).toMatchObject({ status: 'issued', registeredEmail: 'ops@acme.example' });
  });

  it('a trial that needs the vendor waits; a second request for a product is refused in words', async () => {
    await trialsPage(company);
    await company.getByRole('button', { name: 'Request the Contact Agents trial' }).click();
    await company.getByRole('dialog').getByRole('button', { name: 'Request trial' }).click();
    await company.getByRole('dialog').getByText('Your request was sent').waitFor();
    await company.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await company
      .getByRole('row', { name: /Contact Agents/ })
      .getByText('Waiting for approval')
      .waitFor();

    // The page still offers CRM; meanwhile someone else asked for it on the company's behalf.
    expect(
      (
        await api('POST', `/customers/${acme}/trials`, {
          productCode: 'CRM',
          registeredEmail: 'it@acme.example',
        })
      ).status,
    ).toBe(201);
    await company.getByRole('button', { name: 'Request the CRM Bridge trial' }).click();
    await company.getByRole('dialog').getByRole('button', { name: 'Request trial' }).click();
    await company
      .getByRole('dialog')
      .getByText('Your company already requested this product’s trial.')
      .waitFor();
    await company.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await company
      .getByRole('row', { name: /CRM Bridge/ })
      .getByText('Issued')
      .waitFor();
  });

  it('the vendor admin approves the waiting trial from the queue, and the company sees it issued', async () => {
    const vendor = await signIn('admin@tessera.local');
    await vendor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Trials' })
      .click();
    await vendor.getByRole('heading', { name: 'Trial requests' }).waitFor();
    const row = vendor.getByRole('row', { name: /AGENTS/ });
    await row.waitFor();
    await scan(vendor, 'trial queue');
    await row.getByRole('button', { name: 'Approve' }).click();
    await vendor.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await vendor.getByText('No trials with this status.').waitFor();
    await vendor.getByLabel('Status').selectOption('issued');
    await vendor
      .getByRole('row', { name: /AGENTS/ })
      .getByRole('link', { name: 'Open the license' })
      .waitFor();

    // The vendor offers a trial of PLAIN from its product form; the portal lists it at once.
    await vendor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Products' })
      .click();
    await vendor.getByRole('button', { name: 'Edit PLAIN' }).click();
    const form = vendor.getByRole('dialog', { name: 'Edit PLAIN' });
    await form.getByLabel('Customers may request a trial (once per product)').check();
    await form.getByLabel('Trial length (days)').fill('10');
    await form.getByLabel('Issued').selectOption('vendor');
    await scan(vendor, 'edit product trial');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await api('GET', '/products/PLAIN')).json.trial).toEqual({
      days: 10,
      seatLimit: 1,
      maxActivations: 1,
      modules: [],
      approval: 'vendor',
    });
    await vendor.context().close();

    await company.reload();
    await company.getByRole('button', { name: 'Request the Plain trial' }).waitFor();
    await company
      .getByRole('row', { name: /Contact Agents/ })
      .getByText('Issued')
      .waitFor();
  });

  it('the vendor admin declines a request with a reason; the company sees it and the requester is e-mailed', async () => {
    // Arrange: the company user asks for the Plain trial, which waits for the vendor.
    await company.getByRole('button', { name: 'Request the Plain trial' }).click();
    await company.getByRole('dialog').getByRole('button', { name: 'Request trial' }).click();
    await company.getByText('Your request was sent.').waitFor();

    // Act: the vendor admin (signed in before) declines it from the queue, saying why.
    const vendor = await signInAs(browser, local(), 'admin@tessera.local', PASSWORD, {
      firstTime: false,
      errors: pageErrors,
    });
    await vendor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Trials' })
      .click();
    const row = vendor.getByRole('row', { name: /PLAIN/ });
    await row.getByRole('button', { name: 'Decline' }).click();
    const dialog = vendor.getByRole('dialog', { name: 'Decline the PLAIN trial' });
    await dialog
      .getByLabel('Reason (the customer sees it, and it is e-mailed to the requester)')
      .fill('Please talk to our sales team first.');
    await scan(vendor, 'decline trial');
    await dialog.getByRole('button', { name: 'Decline' }).click();
    await dialog.waitFor({ state: 'detached' });
    await vendor.context().close();
    await local().runJob('notifications');

    // Assert: the portal shows the decline, and the requester got the e-mail with the reason.
    await company.reload();
    await company.getByRole('row', { name: /Plain/ }).getByText('Declined').waitFor();
    const outbox = local().outboxDir;
    const mails = await Promise.all(
      (await readdir(outbox)).map((f) => readFile(join(outbox, f), 'utf8')),
    );
    const declined = mails.filter((m) => m.includes('Subject: Your Plain trial request'));
    expect(declined).toHaveLength(1);
    expect(declined[0]).toContain('To: ops@acme.example');
    expect(declined[0]).toContain('Please talk to our sales team first.');
  });

  it('a plain user sees the company’s trials and cannot request one', async () => {
    const ann = await signIn('ann@acme.example');
    expect(
      await ann.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
    ).toEqual(['Dashboard', 'All licenses', 'Company', 'Trials', 'Tickets']);
    await trialsPage(ann);
    await ann
      .getByRole('row', { name: /PBX Phone/ })
      .getByText('Issued')
      .waitFor();
    expect(await ann.getByRole('button', { name: /Request the/ }).count()).toBe(0);
    await scan(ann, 'plain user trials');
    await ann.context().close();
  });

  it('a person limited to one project by their company user cannot open another project’s license', async () => {
    const plant = String(
      (await api('POST', `/customers/${acme}/projects`, { name: 'Plant 2' })).json.id,
    );
    const plantLicense = await api('POST', '/licenses', {
      productCode: 'PLAIN',
      customerId: acme,
      projectId: plant,
      registeredEmail: 'plant@acme.example',
      companyName: 'Acme',
      seatLimit: 1,
      notify: false,
    });
    const homeLicense = (await api('GET', `/customers/${acme}/trials/PBX`)).json.licenseId;
    expect(
      (
        await api('POST', '/people', {
          email: 'site@acme.example',
          role: 'customer-user',
          customerId: acme,
        })
      ).status,
    ).toBe(201);

    // The company user limits the new colleague to Plant 2 from the People page.
    await company
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'People' })
      .click();
    await company.getByRole('button', { name: 'Change projects of site@acme.example' }).click();
    const dialog = company.getByRole('dialog', { name: 'Projects site@acme.example sees' });
    await dialog.getByLabel('All projects').uncheck();
    await dialog.getByLabel('Plant 2').check();
    await scan(company, 'project rights');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await company
      .getByRole('row', { name: /site@acme\.example/ })
      .getByText('Plant 2')
      .waitFor();

    const site = await signIn('site@acme.example');
    await site.goto(`${local().url}/#/licenses/${homeLicense}`);
    await site.getByRole('heading', { name: 'Not found' }).waitFor();
    await site.goto(`${local().url}/#/licenses/${plantLicense.json.id}`);
    await site.getByRole('heading', { name: /^License TS/ }).waitFor();
    await site.goto(`${local().url}/#/licenses`);
    await site.getByRole('row', { name: new RegExp(String(plantLicense.json.serial)) }).waitFor();
    expect(await site.getByRole('row', { name: /PBX/ }).count()).toBe(0);
    await site.context().close();
  });

  it('a company user downloads an instance’s current license file, which verifies for that instance', async () => {
    const licenseId = String((await api('GET', `/customers/${acme}/trials/PBX`)).json.licenseId);
    const key = String((await api('GET', `/licenses/${licenseId}`)).json.key);
    const instance = new TesseraClient({ baseUrl: local().url });
    const started = await instance.startActivation({
      key,
      fingerprint: 'pbx-box-fp',
      hostname: 'pbx-1',
    });
    await instance.completeActivation(
      started.activationId,
      await codeFromOutbox(local().outboxDir),
    );

    await company.goto(`${local().url}/#/licenses/${licenseId}`);
    const [download] = await Promise.all([
      company.waitForEvent('download'),
      company.getByRole('button', { name: 'Download the license file of pbx-1' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('license-pbx-1.jwt');
    const path = await download.path();
    const file = await readFile(String(path), 'utf8');
    const jwks = await (await fetch(`${local().url}/.well-known/jwks.json`)).json();
    expect(verifyLicenseFile(file, jwks, { fingerprint: 'pbx-box-fp' })).toMatchObject({
      valid: true,
      claims: { sub: licenseId, act: started.activationId, lic: { trial: true } },
    });
  });

  it('a company user activates an air-gapped box from its request file, takes its return, and moves a broken box (RMA)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tessera-portal-offline-'));
    try {
      const licenseId = String((await api('GET', `/customers/${acme}/trials/PBX`)).json.licenseId);
      const key = String((await api('GET', `/licenses/${licenseId}`)).json.key);
      const jwks = await (await fetch(`${local().url}/.well-known/jwks.json`)).json();
      const box = new OfflineDevice(join(folder, 'box'));
      const request = await box.activationRequest({
        key,
        fingerprint: 'air-box-fp',
        hostname: 'air-1',
      });

      await company.goto(`${local().url}/#/licenses/${licenseId}`);
      await company.getByRole('heading', { name: 'Devices without internet' }).waitFor();
      await company.getByLabel('Activation request file').setInputFiles({
        name: 'request.jwt',
        mimeType: 'application/jwt',
        buffer: Buffer.from(request),
      });
      const [download] = await Promise.all([
        company.waitForEvent('download'),
        company.getByRole('button', { name: 'Activate from the request' }).click(),
      ]);
      const answer = await readFile(String(await download.path()), 'utf8');
      expect(await box.install(answer, { jwks, fingerprint: 'air-box-fp' })).toMatchObject({
        valid: true,
      });
      await company
        .getByRole('status')
        .filter({ hasText: /^Activated act_/ })
        .waitFor();
      await company
        .getByRole('row', { name: /air-1 .*active · offline · renew its file by / })
        .waitFor();
      await scan(company, 'license offline files');

      await company.getByLabel('Return proof file').setInputFiles({
        name: 'return.jwt',
        mimeType: 'application/jwt',
        buffer: Buffer.from(await box.returnLicense()),
      });
      await company.getByRole('button', { name: 'Return the license' }).click();
      await company
        .getByRole('status')
        .filter({ hasText: /^Returned act_/ })
        .waitFor();
      await company.getByRole('row', { name: /air-1 .*returned/ }).waitFor();

      await company.getByRole('button', { name: 'Replace the device of pbx-1' }).click();
      const dialog = company.getByRole('dialog', { name: 'Move pbx-1 to a replacement device' });
      await dialog.getByLabel('Reason (kept in the history)').fill('Fan failure');
      await dialog.getByLabel(/Fingerprint of the replacement/).fill('pbx-spare-fp');
      await scan(company, 'rehost dialog');
      await dialog.getByRole('button', { name: 'Move the activation' }).click();
      await dialog.waitFor({ state: 'detached' });
      await company.getByRole('row', { name: /pbx-1 .*revoked → act_/ }).waitFor();
      // The slot now waits for the replacement to activate online, and the row says so.
      await company
        .getByRole('row', { name: /pbx-spare-fp.*active · waiting for the replacement device/ })
        .waitFor();
      const activations = await api('GET', `/licenses/${licenseId}/activations`);
      expect(activations.json.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ fingerprint: 'pbx-spare-fp', status: 'active' }),
        ]),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('a company user makes a relay for a project, sees what it holds and its last contact, and removes it', async () => {
    await company.goto(`${local().url}/#/`);
    await company
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Company' })
      .click();
    await company.getByRole('heading', { name: 'On-site relays' }).waitFor();
    await company.getByLabel('New relay for Default').fill('Plant 7 relay');
    await company.getByRole('button', { name: 'Create relay' }).first().click();
    const credential = await company.getByLabel('Relay credential').inputValue();
    expect(credential).toMatch(/^tsy_/);
    await scan(company, 'relays');

    // The relay takes an allotment as it would on start (relay/src/cloud.ts).
    const held = await fetch(`${local().url}/relay/allotments/AGENTS`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seats: 2, inUse: 1, cached: 3 }),
    });
    expect(held.status).toBe(200);
    await company.reload();
    await company.getByRole('row', { name: /Plant 7 relay .*2 × AGENTS · 1 in use/ }).waitFor();

    // The vendor's staff see the pool's allotments behind its Used figure.
    const vendor = await signInAs(browser, local(), 'admin@tessera.local', PASSWORD, {
      firstTime: false,
      errors: pageErrors,
    });
    await vendor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'All licenses' })
      .click();
    await vendor
      .getByRole('row', { name: /AGENTS/ })
      .getByRole('button', { name: /in use: show users of/ })
      .first()
      .click();
    const users = vendor.getByRole('dialog');
    await users.getByRole('heading', { name: 'Seats held by on-site relays' }).waitFor();
    await users.getByRole('row', { name: /Plant 7 relay 2/ }).waitFor();
    await scan(vendor, 'pool allotments');
    await users.getByRole('button', { name: 'Close' }).click();

    // And every customer's relays on one page, the customer a link to its page.
    await vendor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Relays' })
      .click();
    await vendor.getByRole('heading', { name: 'On-site relays', level: 1 }).waitFor();
    const listed = vendor.getByRole('row', { name: /Plant 7 relay Acme Default .*2 × AGENTS/ });
    await listed.waitFor();
    await scan(vendor, 'all relays');
    await listed.getByRole('link', { name: 'Acme' }).click();
    await vendor.getByRole('heading', { name: 'Acme', level: 1 }).waitFor();
    await vendor.context().close();

    await company.getByRole('button', { name: 'Remove Plant 7 relay' }).click();
    await company.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await company.getByRole('row', { name: /Plant 7 relay/ }).waitFor({ state: 'detached' });
    const refused = await fetch(`${local().url}/relay`, {
      headers: { authorization: `Bearer ${credential}` },
    });
    expect(refused.status).toBe(401);

    // A plain user sees the company page without a relays section (and no refusal on it).
    const plain = await signInAs(browser, local(), 'ann@acme.example', PASSWORD, {
      firstTime: false,
      errors: pageErrors,
    });
    await plain
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Company' })
      .click();
    await plain.getByRole('heading', { name: 'Acme', level: 1 }).waitFor();
    await plain.getByRole('heading', { name: 'Pools' }).waitFor();
    expect(await plain.getByRole('heading', { name: 'On-site relays' }).count()).toBe(0);
    expect(await plain.getByRole('alert').count()).toBe(0);
    await plain.context().close();
  });

  it('no page threw or had a serious accessibility violation', () => {
    expect(pageErrors).toEqual([]);
    expect(Object.keys(scanned).length).toBeGreaterThanOrEqual(4);
    expect(scanned).toEqual(Object.fromEntries(Object.keys(scanned).map((k) => [k, []])));
  });
});
