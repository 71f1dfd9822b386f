// The local outbox page as a developer uses it, in Debian's Chromium: newest first, codes marked, links
// clickable, a filter by address (a raw `+` in `?to=` included), clearing, and refreshing by itself —
// with no console error (the strict CSP refuses any inline script) and an accessibility smoke check.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../helpers/service.ts';

const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  service = await startService();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const sendEmail = (email: string) =>
  service.request('POST', '/v1/verifications', {
    json: { channel: 'email', to: email, purpose: 'login' },
    headers: { authorization: 'Bearer demo-api-key' },
  });
const sendSms = (phone: string) =>
  service.request('POST', '/v1/verifications', {
    json: { channel: 'sms', to: phone, purpose: 'login' },
    headers: { authorization: 'Bearer demo-api-key' },
  });

/** A page that records console errors and failed requests (a CSP refusal shows up as both). */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** WCAG relative luminance contrast of two `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

describe('the local outbox page in Chromium', () => {
  it('lists messages newest first with codes marked and links clickable, filters, clears, refreshes itself', async () => {
    await service.request('DELETE', '/_local/outbox');
    expect((await sendEmail('first@example.com')).status).toBe(201);
    expect((await sendSms('+8613800138000')).status).toBe(201);
    // A mailed link (seed 004) to prove links are clickable.
    const linked = await service.request('POST', '/api/verify/email', {
      json: { email: 'alice@example.com', state: 'verify' },
    });
    expect(linked.body).toEqual({ code: 0, msg: '已发送邮件' });

    const { page, errors } = await openPage();
    const response = await page.goto(`${service.url}/_local/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');

    const items = page.getByRole('listitem');
    await expect.poll(() => items.count()).toBe(3);
    // Newest first: the link mail, then the SMS, then the first email.
    expect(await items.nth(0).textContent()).toContain('alice@example.com');
    expect(await items.nth(1).textContent()).toContain('+8613800138000');
    expect(await items.nth(2).textContent()).toContain('first@example.com');
    // Channel, recipient, subject, time.
    expect(await items.nth(1).textContent()).toContain('SMS');
    expect(await items.nth(2).textContent()).toContain('Email');
    expect(await items.nth(2).locator('.subject').textContent()).toBe(
      service.messages('first@example.com')[0]?.subject,
    );
    expect(await items.nth(2).locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The code is marked, exactly the one sent.
    expect(await items.nth(2).locator('mark').first().textContent()).toBe(
      service.lastCode('first@example.com'),
    );
    // The link is a real link to the mailed URL.
    const mailedLink = service.messages('alice@example.com')[0]?.text.match(/https?:\/\/\S+/)?.[0];
    const link = items.nth(0).getByRole('link');
    expect(await link.getAttribute('href')).toBe(mailedLink);
    await page.screenshot({ path: resolve(ARTIFACTS, 'outbox-page.png'), fullPage: true });

    // Refreshes by itself: a message sent now appears without a reload.
    expect((await sendEmail('later@example.com')).status).toBe(201);
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(4);
    expect(await items.nth(0).textContent()).toContain('later@example.com');

    // Filter by address, through the labelled field.
    await page.getByLabel('Address').fill('first@example.com');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.nth(0).textContent()).toContain('first@example.com');
    expect(new URL(page.url()).searchParams.get('to')).toBe('first@example.com');

    // Clear: the button empties the outbox (the JSON agrees).
    await page.getByRole('button', { name: 'Clear outbox' }).click();
    await expect.poll(() => items.count()).toBe(0);
    expect(service.messages()).toEqual([]);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/cleared|No messages/);

    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reads a raw + in ?to= as a phone number, on the page and in the JSON', async () => {
    await service.request('DELETE', '/_local/outbox');
    expect((await sendSms('+8613800138002')).status).toBe(201);
    expect((await sendEmail('other@example.com')).status).toBe(201);

    const json: any = await fetch(`${service.url}/_local/outbox?to=+8613800138002`).then((r) => r.json());
    expect(json.messages.map((m: { to: string }) => m.to)).toEqual(['+8613800138002']);

    const { page, errors } = await openPage();
    await page.goto(`${service.url}/_local/?to=+8613800138002`);
    expect(await page.getByLabel('Address').inputValue()).toBe('+8613800138002');
    const items = page.getByRole('listitem');
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.nth(0).textContent()).toContain('+8613800138002');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('passes an accessibility smoke check: lang, title, landmarks, one h1, labelled controls, contrast', async () => {
    await sendEmail('a11y@example.com');
    const { page, errors } = await openPage();
    await page.goto(`${service.url}/_local/`);
    await expect.poll(() => page.getByRole('listitem').count()).toBeGreaterThan(0);

    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.title()).toMatch(/outbox/i);
    for (const role of ['banner', 'main', 'contentinfo', 'search'] as const) {
      expect(await page.getByRole(role).count(), role).toBe(1);
    }
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Local outbox');
    expect(await page.getByRole('heading', { level: 2 }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('status').count()).toBe(1);
    // Every form control has an accessible name; every button says what it does.
    // (These run in the page; the project's types have no DOM, hence `any`.)
    const unnamed = await page.evaluate(() => {
      const document: any = (globalThis as any).document;
      return [...document.querySelectorAll('input, button, select, textarea')]
        .filter((el: any) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
        .map((el: any) => el.outerHTML as string);
    });
    expect(unnamed).toEqual([]);
    // Text against its own background meets WCAG AA (4.5:1) for body text, buttons, marks and links.
    const pairs = await page.evaluate(() => {
      const document: any = (globalThis as any).document;
      const style = (el: any) => (globalThis as any).getComputedStyle(el);
      const background = (el: any): string => {
        for (let node = el; node; node = node.parentElement) {
          const colour = style(node).backgroundColor;
          if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
        }
        return 'rgb(255, 255, 255)';
      };
      return ['h1', '.notice', 'button', 'mark', 'a', '#status', 'label', 'dt', '.text', 'footer']
        .map((selector) => document.querySelector(selector))
        .filter((el: any) => el !== null)
        .map((el: any) => ({
          what: el.tagName as string,
          fg: style(el).color as string,
          bg: background(el),
        }));
    });
    expect(pairs.length).toBeGreaterThanOrEqual(9);
    for (const { what, fg, bg } of pairs)
      expect(contrast(fg, bg), `${what} ${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    // Keyboard: the first Tab lands on the address field.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const active: any = (globalThis as any).document.activeElement;
      return (active?.id || active?.tagName) as string;
    });
    expect(focused).toBe('to');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
