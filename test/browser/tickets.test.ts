/// <reference lib="dom" />

import { createTransport } from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminJson } from '../support/admin-api.ts';
import {
  type AxeViolation,
  launchBrowser,
  seriousViolations,
  signInAs,
} from '../support/browser.ts';
import { useLocalPlatform } from '../support/platform.ts';

/**
 * Support tickets in a real browser (seed 002): a company user and a plain user of one customer
 * see their charts and tabs and open tickets; the plain user cannot open a colleague's ticket,
 * the company user reads it but cannot write on it; the vendor's agent replies, adds an internal
 * note the customer never sees and sets the ticket pending; the customer's reply reopens it.
 */
const local = useLocalPlatform({ identity: true, console: true });
const PASSWORD = 'Tickets-Secret-2026!';

let browser: Browser;
const pageErrors: string[] = [];
const scanned: Record<string, AxeViolation[]> = {};
let acme = '';
let company: Page;
let user: Page;
let userTicket = '';

const api = adminJson(local);

const signIn = (email: string) =>
  signInAs(browser, local(), email, PASSWORD, { errors: pageErrors });
const scan = async (page: Page, name: string) => {
  scanned[name] = await seriousViolations(page);
};
const ticketsPage = async (page: Page) => {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Tickets' })
    .click();
  await page
    .getByRole('heading', { level: 1 })
    .filter({ hasText: /Support tickets|Ticket queue/ })
    .waitFor();
};

/** Opens a ticket from the portal and answers its id, from the thread page it lands on. */
const openTicket = async (page: Page, subject: string, service: string) => {
  await page.getByRole('button', { name: 'New ticket' }).click();
  const dialog = page.getByRole('dialog', { name: 'New ticket' });
  await dialog.getByLabel('Subject').fill(subject);
  await dialog.getByLabel('Service').selectOption(service);
  await dialog.getByLabel('What happened?').fill(`${subject}: details`);
  await dialog.getByRole('button', { name: 'Open the ticket' }).click();
  await page.getByRole('heading', { name: new RegExp(`^T\\d{6}: ${subject}`) }).waitFor();
  return decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
};

beforeAll(async () => {
  acme = String(
    (
      await api('POST', '/customers', {
        name: 'Acme',
        supportServices: ['PBX support', 'Contact center'],
      })
    ).json.id,
  );
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

describe('the customer portal: support tickets', () => {
  it('a plain user sees their own chart, opens a ticket and reads its thread', async () => {
    user = await signIn('ann@acme.example');
    await ticketsPage(user);
    await user.getByRole('figure', { name: 'My tickets by status' }).waitFor();
    expect(
      await user.getByRole('figure', { name: 'The company’s tickets by status' }).count(),
    ).toBe(0);
    expect(await user.getByRole('tab').count()).toBe(0);
    await scan(user, 'user tickets');
    userTicket = await openTicket(user, 'Phones reboot at night', 'PBX support');
    await user.getByText('Phones reboot at night: details').waitFor();
    await scan(user, 'ticket thread');
  });

  it('a company user sees both charts and both tabs, reads a colleague’s ticket but cannot write on it', async () => {
    company = await signIn('ops@acme.example');
    await ticketsPage(company);
    const companyChart = company.getByRole('figure', { name: 'The company’s tickets by status' });
    await companyChart.waitFor();
    expect(
      await companyChart.getByRole('listitem').filter({ hasText: 'New' }).textContent(),
    ).toContain('1');
    await company.getByRole('tab', { name: 'All tickets' }).waitFor();
    await company.getByRole('row', { name: /Phones reboot at night/ }).waitFor();
    await company.getByRole('tab', { name: 'My tickets' }).click();
    await company.getByText('No tickets here.').waitFor();
    await scan(company, 'company tickets');
    const own = await openTicket(company, 'Queue music too loud', 'Contact center');
    expect(own).toMatch(/^tkt_/);

    await company.goto(`${local().url}/#/tickets/${userTicket}`);
    await company.getByRole('heading', { name: /Phones reboot at night/ }).waitFor();
    await company.getByText('Only the person who opened this ticket writes on it.').waitFor();
    expect(await company.getByLabel('Your reply').count()).toBe(0);

    // The plain user does not even learn that the company user's ticket exists.
    await user.goto(`${local().url}/#/tickets/${own}`);
    await user.getByRole('heading', { name: 'Not found' }).waitFor();
  });

  it('the agent replies and adds an internal note; the customer sees the reply only, and their answer reopens the ticket', async () => {
    const agent = await signIn('admin@tessera.local');
    await ticketsPage(agent);
    await agent.getByRole('heading', { name: 'Ticket queue' }).waitFor();
    await agent.getByRole('link', { name: 'Phones reboot at night' }).waitFor();
    await scan(agent, 'ticket queue');
    await agent.getByRole('link', { name: 'Phones reboot at night' }).click();
    await agent.getByLabel('Your reply').fill('Firmware 14.2 bug, see KB-88');
    await agent.getByLabel('Internal note (the customer does not see it)').check();
    await agent.getByRole('button', { name: 'Add the note' }).click();
    await agent.getByText('Firmware 14.2 bug, see KB-88').waitFor();
    // The form empties itself once the note is saved; type the reply after that.
    await expect.poll(() => agent.getByLabel('Your reply').inputValue()).toBe('');
    await agent.getByLabel('Your reply').fill('Please send us the syslog.');
    await agent.getByRole('button', { name: 'Send the reply' }).click();
    await agent.getByText('Please send us the syslog.').waitFor();
    await agent.getByLabel('Ticket status').selectOption('pending');
    await agent
      .getByRole('heading', { name: /Phones reboot/ })
      .getByText('Pending')
      .waitFor();
    await agent.getByRole('button', { name: 'Assign to me' }).click();
    await agent.getByText('Assigned to me.').waitFor();
    await scan(agent, 'agent thread');
    expect(String((await api('GET', `/tickets/${userTicket}`)).json.assigneeId)).toMatch(/^per_/);

    // The vendor widens the support contract from the customer's page.
    await agent.goto(`${local().url}/#/customers/${acme}`);
    await agent
      .getByLabel('Services covered, one per line (empty: no contract)')
      .fill('PBX support\nContact center\nWallboards');
    await agent.getByRole('button', { name: 'Save the contract' }).click();
    await expect
      .poll(async () => (await api('GET', `/customers/${acme}`)).json.supportServices)
      .toEqual(['PBX support', 'Contact center', 'Wallboards']);
    await agent.context().close();

    await user.goto(`${local().url}/#/tickets/${userTicket}`);
    await user.getByText('Please send us the syslog.').waitFor();
    expect(await user.getByText('Firmware 14.2 bug').count()).toBe(0);
    await user
      .getByRole('heading', { name: /Phones reboot/ })
      .getByText('Pending')
      .waitFor();
    await user.getByLabel('Your reply').fill('Syslog attached.');
    await user.getByRole('button', { name: 'Send the reply' }).click();
    await user
      .getByRole('heading', { name: /Phones reboot/ })
      .getByText('Open')
      .waitFor();
    const thread = await api('GET', `/tickets/${userTicket}`);
    expect(thread.json).toMatchObject({ status: 'open', messageCount: 4 });
  });

  it('a mail to the support address opens a ticket the user sees in the portal with its file; the agent files a stranger’s mail from triage', async () => {
    const transport = createTransport({
      host: '127.0.0.1',
      port: local().smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'ann@acme.example',
      to: 'support@tessera.local',
      subject: 'Contact center: wallboard blank',
      text: 'The wallboard shows nothing.',
      attachments: [{ filename: 'screen.txt', content: 'blank' }],
    });
    await transport.sendMail({
      from: 'nobody@elsewhere.example',
      to: 'support@tessera.local',
      subject: 'Who handles Acme?',
      text: 'Please forward.',
    });
    transport.close();

    await user.goto(`${local().url}/#/tickets`);
    await user
      .getByRole('row', { name: /Contact center: wallboard blank/ })
      .getByRole('link')
      .click();
    await user.getByText('The wallboard shows nothing.').waitFor();
    await user.getByRole('button', { name: /screen\.txt/ }).waitFor();
    await scan(user, 'ticket by e-mail');

    // The agent chose a password in the test before.
    const agent = await signInAs(browser, local(), 'admin@tessera.local', PASSWORD, {
      firstTime: false,
      errors: pageErrors,
    });
    await ticketsPage(agent);
    await agent.getByLabel('Only tickets waiting for triage').check();
    await agent
      .getByRole('row', { name: /Who handles Acme\?/ })
      .getByRole('link')
      .click();
    const form = agent.getByRole('form', { name: 'File this ticket' });
    await scan(agent, 'triage');
    await form.getByLabel('Customer').selectOption({ label: 'Acme' });
    await form.getByLabel('Service').selectOption('PBX support');
    await form.getByRole('button', { name: 'File it' }).click();
    await agent.getByText(/PBX support · opened/).waitFor();
    expect(await agent.getByRole('form', { name: 'File this ticket' }).count()).toBe(0);

    // The customer's e-mails speak Italian from now on: the staff set it on its page.
    await agent.goto(`${local().url}/#/customers/${acme}`);
    await agent.getByLabel('Language of messages').selectOption('it');
    await agent.getByRole('button', { name: 'Save the language' }).click();
    await expect
      .poll(async () => (await api('GET', `/customers/${acme}`)).json.language)
      .toBe('it');
    await scan(agent, 'customer language');
    await agent.close();
  });

  it('no page threw or had a serious accessibility violation', () => {
    expect(pageErrors).toEqual([]);
    expect(Object.keys(scanned).length).toBeGreaterThanOrEqual(5);
    expect(scanned).toEqual(Object.fromEntries(Object.keys(scanned).map((k) => [k, []])));
  });
});
