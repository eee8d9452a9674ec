import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { launchBrowser, seriousViolations } from '../support/browser.ts';
import { startFakeHostedSignIn } from '../support/fake-hosted-sign-in.ts';
import { useLocalPlatform } from '../support/platform.ts';

/**
 * "Sign in with …" in a real browser: the console's button leaves for the identity provider (a
 * stand-in for Cognito's hosted domain, which signs in whoever the test names) and the browser
 * comes back through Tessera's callback to the console, signed in, or told why not.
 */
let hosted: Awaited<ReturnType<typeof startFakeHostedSignIn>>;
beforeAll(async () => {
  hosted = await startFakeHostedSignIn(() => local().cognitoEndpoint as string);
});
const local = useLocalPlatform({
  identity: true,
  console: true,
  federation: () => ({
    domain: hosted.url,
    providers: [{ name: 'AcmeIdP', label: 'Acme staff directory' }],
  }),
});
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await hosted?.close();
});

const admin = adminApi(local);

describe('signing in to the console through the vendor’s identity provider', () => {
  it('invited staff press “Sign in with …” and arrive signed in, with nothing in the page’s storage', async () => {
    expect(
      (await admin('POST', '/people', { email: 'stella@acme.example', role: 'vendor-admin' }))
        .status,
    ).toBe(201);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${local().url}/`);
    const button = page.getByRole('link', { name: 'Sign in with Acme staff directory' });
    await button.waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    hosted.signInNext({ provider: 'AcmeIdP', email: 'stella@acme.example' });
    await button.click();

    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Signed in as stella@acme.example').waitFor();
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored).not.toMatch(/eyJ/);
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('row', { name: /stella@acme\.example.*Password, AcmeIdP/ }).waitFor();
    await context.close();
  });

  it('someone the provider knows but Tessera did not invite is told so on the sign-in page', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${local().url}/`);

    hosted.signInNext({ provider: 'AcmeIdP', email: 'stranger@elsewhere.example' });
    await page.getByRole('link', { name: 'Sign in with Acme staff directory' }).click();

    await page.getByText('Your account at the identity provider may not sign in here.').waitFor();
    await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/');
    await context.close();
  });
});
