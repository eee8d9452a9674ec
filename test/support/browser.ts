import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * The system Chromium (Debian's `chromium`, which .ci/run installs) driven by playwright-core:
 * no browser download. CHROMIUM_PATH overrides where it is. The flags keep it off the network
 * this machine does not have: without them it retries Google's hosts at every start.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const launchBrowser = async (): Promise<Browser> => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
};

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now.
 * axe is evaluated through the DevTools protocol, so the page's strict CSP stays as it is.
 */
export const seriousViolations = async (page: Page): Promise<AxeViolation[]> => {
  axeSource ??= await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  const loaded = await page.evaluate('typeof window.axe !== "undefined"');
  if (!loaded) await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
};

/** The temporary password in the newest invitation e-mail to `email`, as a person reads it. */
export const invitationPassword = async (outboxDir: string, email: string): Promise<string> => {
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(outboxDir))
    .filter((f) => f.includes('invitation'))
    .sort()
    .reverse();
  for (const file of files) {
    const eml = await readFile(`${outboxDir}/${file}`, 'utf8');
    if (/^To: (.*)$/m.exec(eml)?.[1]?.trim() !== email) continue;
    const password = /Temporary password: (\S+)/.exec(eml)?.[1];
    if (password) return password;
  }
  throw new Error(`no invitation to ${email} in ${outboxDir}`);
};

/**
 * A fresh browser context signed in as `email`: with the temporary password from their invitation
 * (choosing `password` on the way), or with `password` itself once they have chosen it.
 */
export const signInAs = async (
  browser: Browser,
  platform: { url: string; outboxDir: string },
  email: string,
  password: string,
  options: { firstTime?: boolean; errors?: string[] } = {},
): Promise<Page> => {
  const firstTime = options.firstTime ?? true;
  const context = await browser.newContext({ locale: 'en-US' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => options.errors?.push(error.message));
  await page.goto(`${platform.url}/`);
  await page.getByLabel('E-mail').fill(email);
  await page
    .getByLabel('Password')
    .fill(firstTime ? await invitationPassword(platform.outboxDir, email) : password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (firstTime) {
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the new password').fill(password);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
  }
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return page;
};
