// The local outbox over HTTP (the browser check is test/browser/outbox-page.browser.ts): the page is
// served under a strict CSP with no inline script, `?to=` takes a raw `+`, DELETE clears.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

const sendSms = (phone: string) =>
  service.request('POST', '/v1/verifications', {
    json: { channel: 'sms', to: phone, purpose: 'login' },
    headers: { authorization: 'Bearer demo-api-key' },
  });

describe('GET /_local/', () => {
  it('is an HTML page whose policy allows scripts and styles from this origin only, and it has no inline script', async () => {
    const page = await fetch(`${service.url}/_local/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/_local\/[\w.]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\bon\w+="/); // no inline style blocks, no inline handlers
    const script = await fetch(`${service.url}/_local/outbox.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // `/_local` leads to the page.
    const bare = await fetch(`${service.url}/_local`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/_local/');
  });
});

describe('/_local/outbox', () => {
  it('?to= with an unencoded + finds the phone number (a + is not a space here)', async () => {
    expect((await sendSms('+8613800138000')).status).toBe(201);
    const raw: any = await fetch(`${service.url}/_local/outbox?to=+8613800138000`).then((r) => r.json());
    expect(raw.messages.map((m: { to: string }) => m.to)).toEqual(['+8613800138000']);
    const encoded = await fetch(`${service.url}/_local/outbox?to=%2B8613800138000`).then((r) => r.json());
    expect(encoded).toEqual(raw);
  });

  it('answers a malformed escape in ?to= with 400', async () => {
    const response = await fetch(`${service.url}/_local/outbox?to=%E0%A4%A`);
    expect(response.status).toBe(400);
  });

  it('DELETE clears it', async () => {
    expect((await sendSms('+8613800138001')).status).toBe(201);
    expect(service.messages().length).toBeGreaterThan(0);
    const cleared = await fetch(`${service.url}/_local/outbox`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect(await fetch(`${service.url}/_local/outbox`).then((r) => r.json())).toEqual({ messages: [] });
  });
});
