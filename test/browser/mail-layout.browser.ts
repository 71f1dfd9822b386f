// The verification mail's HTML in Debian's Chromium, at a phone's width and a desktop's: the code is text (not
// an image), large and selectable with one click, nothing scrolls sideways, every image has alt text, and the
// accent bar's text contrasts with any accent a tenant picks. Then the same mail as the local outbox page
// frames it. Screenshots land in test/artifacts/.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../lib/delivery/templates.ts';
import { startService, type TestService } from '../helpers/service.ts';

const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LOGO_URL = 'https://brand.example/logo.svg';
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#ffffff"/><text x="8" y="27" font-size="20">Acme</text></svg>`;

let browser: Browser;
let service: TestService;

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

/** WCAG 2 contrast ratio of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

const VIEWPORTS = [
  { name: 'phone', width: 360, height: 740 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

/** A page at `width` whose requests for the logo are answered locally (the test runs offline). */
async function pageAt(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-US' });
  const page = await context.newPage();
  await page.route(LOGO_URL, (route) => route.fulfill({ contentType: 'image/svg+xml', body: LOGO }));
  return page;
}

/** The facts a reader of the mail depends on, measured in the page. */
async function measure(page: Page, code: string) {
  const codeText = page.getByText(code, { exact: true });
  await expect.poll(() => codeText.isVisible()).toBe(true);
  const style = await codeText.evaluate((element) => {
    const computed = (globalThis as any).getComputedStyle(element);
    return { fontSize: Number.parseFloat(computed.fontSize), userSelect: computed.userSelect };
  });
  // One click selects the whole code, ready to copy.
  await codeText.click();
  const selected = await page.evaluate(() => (globalThis as any).getSelection()?.toString());
  const layout = await page.evaluate(() => ({
    scrollWidth: (globalThis as any).document.documentElement.scrollWidth,
    innerWidth: (globalThis as any).innerWidth,
    images: [...(globalThis as any).document.images].map((image: any) => ({
      alt: image.alt,
      loaded: image.naturalWidth > 0,
    })),
    codeImages: [...(globalThis as any).document.images].filter((image: any) => image.closest('.code'))
      .length,
  }));
  return { ...style, selected, ...layout };
}

describe('the verification mail in Chromium', () => {
  const link = `https://verify.example.com/api/verify/email?${new URLSearchParams({
    token: 'a'.repeat(64),
    email: 'someone.with.a.long.address@example.com',
    state: 'verify',
  })}`;

  for (const accent of ['#ffcc00', '#1a73e8']) {
    for (const viewport of VIEWPORTS) {
      it(`at ${viewport.width} px with accent ${accent}: the code is large, selectable text and nothing overflows`, async () => {
        const code = '482913';
        const mail = renderTemplate({
          appName: 'Acme Shop',
          channel: 'email',
          purpose: 'login',
          locale: 'en',
          code,
          minutes: 10,
          link,
          branding: { name: 'Acme', logoUrl: LOGO_URL, accentColor: accent },
        });
        // The plain-text alternative is kept beside the HTML.
        expect(mail.text).toContain(code);
        const page = await pageAt(viewport.width, viewport.height);
        await page.setContent(mail.html ?? '', { waitUntil: 'load' });
        const facts = await measure(page, code);

        expect(facts.fontSize).toBeGreaterThanOrEqual(28);
        expect(facts.userSelect).not.toBe('none');
        expect(facts.selected).toBe(code);
        expect(facts.codeImages).toBe(0);
        expect(facts.scrollWidth).toBeLessThanOrEqual(facts.innerWidth);
        expect(facts.images).toEqual([{ alt: 'Acme', loaded: true }]);
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        expect(await page.title()).toBe(mail.subject);

        // The accent bar's text (black or white, chosen by the layout) against the accent.
        const bar = await page
          .locator('td', { has: page.locator('img') })
          .last()
          .evaluate((cell) => {
            const computed = (globalThis as any).getComputedStyle(cell);
            return { color: computed.color, background: computed.backgroundColor };
          });
        expect(contrast(bar.color, bar.background)).toBeGreaterThanOrEqual(4.5);
        // Body text and the link against the white card.
        const text = await page.locator('p', { hasText: 'Your Acme Shop code' }).evaluate((element) => {
          const card = element.closest('table');
          return {
            color: (globalThis as any).getComputedStyle(element).color,
            background: (globalThis as any).getComputedStyle(card).backgroundColor,
          };
        });
        expect(contrast(text.color, text.background)).toBeGreaterThanOrEqual(4.5);
        const anchor = page.locator(`a[href="${link}"]`);
        expect(await anchor.count()).toBe(1);
        const linkColor = await anchor.evaluate(
          (element) => (globalThis as any).getComputedStyle(element).color,
        );
        expect(contrast(linkColor, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(4.5);

        await page.screenshot({
          path: resolve(ARTIFACTS, `mail-${viewport.name}-${accent.slice(1)}.png`),
          fullPage: true,
        });
        await page.context().close();
      });
    }
  }

  it('without branding, and in Chinese: the app name heads the mail, the code stays large, and no image is shown', async () => {
    const code = '0042917';
    const mail = renderTemplate({
      appName: 'Codegate Demo',
      channel: 'email',
      purpose: 'register',
      locale: 'zh-CN',
      code,
      minutes: 5,
    });
    const page = await pageAt(360, 740);
    await page.setContent(mail.html ?? '', { waitUntil: 'load' });
    const facts = await measure(page, code);
    expect(facts.fontSize).toBeGreaterThanOrEqual(28);
    expect(facts.selected).toBe(code);
    expect(facts.images).toEqual([]);
    expect(facts.scrollWidth).toBeLessThanOrEqual(facts.innerWidth);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByText('Codegate Demo', { exact: true }).isVisible()).toBe(true);
    await page.context().close();
  });
});

describe('the mail in the local outbox page', () => {
  it('shows the newest mail framed as HTML, its code large, under the page policy with no console error', async () => {
    await service.request('DELETE', '/_local/outbox');
    const sent = await service.request('POST', '/v1/verifications', {
      json: { channel: 'email', to: 'framed-mail@example.com', purpose: 'login' },
      headers: { authorization: 'Bearer demo-api-key' },
    });
    expect(sent.status).toBe(201);
    const code = service.lastCode('framed-mail@example.com');

    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${service.url}/_local/`);

    const frameElement = page.locator('details.html[open] iframe');
    await expect.poll(() => frameElement.count()).toBe(1);
    expect(await frameElement.getAttribute('title')).toBe('Mail to framed-mail@example.com as HTML');
    const frame = page.frameLocator('details.html[open] iframe');
    const codeText = frame.getByText(code, { exact: true });
    await expect.poll(() => codeText.isVisible()).toBe(true);
    const fontSize = await codeText.evaluate((element) =>
      Number.parseFloat((globalThis as any).getComputedStyle(element).fontSize),
    );
    expect(fontSize).toBeGreaterThanOrEqual(28);
    // The frame's own policy applied its inline styles; nothing was refused on the page or in the frame.
    expect(errors).toEqual([]);
    await page.screenshot({ path: resolve(ARTIFACTS, 'outbox-page-mail.png'), fullPage: true });
    await context.close();
  });
});
