// Seed 004 as a person meets it: Debian's Chromium opens the mailed link, presses Confirm, reads the result.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../../lib/tenants/load.ts';
import { startService, type TestService } from '../helpers/service.ts';

const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The reset page lives on another origin than the link pages (localhost vs 127.0.0.1), so the 302 after
  // the form crosses origins, which a form-action of only 'self' would block.
  const port = await freePort();
  const demo = await loadTenantsFile(DEMO_TENANTS_FILE);
  const resetUrl = `http://localhost:${port}/account/password/reset`;
  const tenants = demo.tenants.map((tenant) =>
    tenant.id === 'demo' ? { ...tenant, mail: { ...tenant.mail, resetUrl } } : tenant,
  );
  service = await startService({ port, tenants: { tenants } });
  // Playwright gives the browser a fresh temporary profile (user data dir) of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
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
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

/** A port nothing listens on right now (the service takes it next). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Sends a seed-004 mail and returns the link it carries. */
async function mailedLink(email: string, state: string): Promise<string> {
  const sent = await service.request('POST', '/api/verify/email', { json: { email, state } });
  expect(sent.body).toEqual({ code: 0, msg: '已发送邮件' });
  const link = service.messages(email)[0]?.text.match(/https?:\/\/\S+\/api\/verify\/email\?\S+/)?.[0];
  if (!link) throw new Error(`no link mailed to ${email}`);
  return link;
}

/** A page that records every console error (a Content-Security-Policy violation shows up there). */
async function openPage(locale: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale, viewport: { width: 800, height: 600 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, errors };
}

describe('seed 004 confirmation page in Chromium', () => {
  it('loads, survives reloads, confirms with its button and says so', async () => {
    const link = await mailedLink('alice@example.com', 'verify');
    const { page, errors } = await openPage('en-US');

    // Opened twice, as a mail scanner and then the person would: the first visit consumes nothing.
    expect((await page.goto(link))?.status()).toBe(200);
    expect((await page.reload())?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirm your email address');
    await page.screenshot({ path: resolve(ARTIFACTS, 'anqicms-confirm-page.png') });

    await Promise.all([
      page.waitForURL(/\/api\/verify\/email\/confirm$/),
      page.getByRole('button', { name: 'Confirm email address' }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Email address verified');
    expect(await page.getByRole('status').textContent()).toContain('alice@example.com is verified');
    await page.screenshot({ path: resolve(ARTIFACTS, 'anqicms-confirm-result.png') });
    // No console errors so far: in particular no Content-Security-Policy refusal of the hashed style.
    expect(errors).toEqual([]);

    // Back and confirm again: the link is spent.
    await page.goBack();
    await page.getByRole('button', { name: 'Confirm email address' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Link invalid or expired');
    await page.context().close();
  });

  it('a reset link continues to the reset URL with a one-time token (form-action allows the redirect)', async () => {
    const link = await mailedLink('bob@example.com', 'reset');
    const { page } = await openPage('zh-CN');
    await page.goto(link);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await Promise.all([
      page.waitForURL(/\/account\/password\/reset\?/),
      page.getByRole('button', { name: '继续重置密码' }).click(),
    ]);
    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(
      service.url.replace('//127.0.0.1:', '//localhost:') + '/account/password/reset',
    );
    expect(landed.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(landed.searchParams.get('email')).toBe('bob@example.com');
    await page.context().close();
  });
});
