// Seed 004 end to end through the local runtime: the send, the link page a scanner may open, the
// confirmation, the reset redirect and grant, and that no token or code reaches the table or the logs.
import { request as httpRequest } from 'node:http';
import { format } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../lib/dialects/anqicms/codes.ts';
import type { Purpose } from '../lib/domain/vocabulary.ts';
import { advanceClock } from '../lib/runtime.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { leaks } from './helpers/leaks.ts';
import { startService, type TestService } from './helpers/service.ts';

const PATH = '/api/verify/email';
let service: TestService;

// Everything the process writes (logs included) is kept to prove no token or grant leaks into it.
const captured: string[] = [];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
// vitest routes `console` around the streams, so a stray console call is captured here too.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    captured.push(format(...args));
    original(...args);
  };
}
/** Secrets seen in this file: link tokens, reset grants and codes. None may be stored or logged. */
const secrets = new Set<string>();

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
  const logs = captured.join('');
  expect(logs).toContain('link checked');
  for (const secret of secrets) expect(leaks(logs, secret), 'a secret in the logs').toBe(false);
});

let ip = 0;
const nextIp = () => `198.51.100.${(++ip % 250) + 1}`;

const send = (json: unknown, headers: Record<string, string> = {}) =>
  service.request('POST', PATH, { json, headers: { 'x-forwarded-for': nextIp(), ...headers } });

/** The newest mail to `to`, with its link and code (both recorded as secrets). */
function mailTo(to: string) {
  const [mail] = service.messages(to);
  if (!mail) throw new Error(`no mail to ${to}`);
  const link = mail.text.match(/https?:\/\/\S+\/api\/verify\/email\?\S+/)?.[0];
  const code = mail.text.match(/\b(\d{6})\b/)?.[1];
  if (!link || !code) throw new Error('mail without link or code');
  const url = new URL(link);
  const token = url.searchParams.get('token') ?? '';
  secrets.add(token);
  secrets.add(code);
  return { mail, url, token, code };
}

/** The hidden fields of the confirmation page's form. */
function formOf(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)) {
    fields[name ?? ''] = (value ?? '').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  }
  return fields;
}

/** POSTs the confirmation form without following a redirect. */
async function confirm(fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${service.url}${PATH}/confirm`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    redirect: 'manual',
    headers,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A request with a chosen Host header (fetch cannot set one): the tenant of seed 004 is the Host. */
function withHost(
  host: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const url = new URL(path, service.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: { host, 'x-forwarded-for': nextIp(), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // a page
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The native status of the latest verification of (demo, email, purpose), by the id its item implies. */
/** The native API's answer for the latest verification of (email, purpose): what an app would ask. */
async function nativeStatus(email: string, purpose: Purpose) {
  const response = await service.request('GET', '/v1/verifications', {
    query: { channel: 'email', to: email, purpose },
    headers: { authorization: 'Bearer demo-api-key' },
  });
  expect(response.status).toBe(200);
  return { ...response.body.latest, verifiedAt: response.body.verifiedAt };
}

const ALL_MSGS: ReadonlySet<string> = new Set(Object.values(MESSAGES).flatMap((m) => [m['zh-CN'], m.en]));

describe('seed 004 POST /api/verify/email', () => {
  it('mails alice a 30-minute link and a 6-digit code: {code: 0, msg: "已发送邮件"}', async () => {
    const sent = await send({ email: 'alice@example.com', state: 'verify' });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ code: 0, msg: '已发送邮件' });

    const { mail, url, token, code } = mailTo('alice@example.com');
    expect(code).toMatch(/^\d{6}$/);
    expect(`${url.origin}${url.pathname}`).toBe(`${service.url}${PATH}`);
    expect([...url.searchParams.keys()]).toEqual(['token', 'email', 'state']);
    expect(url.searchParams.get('email')).toBe('alice@example.com');
    expect(url.searchParams.get('state')).toBe('verify');
    // 43 base64url characters: 256 random bits (at least 128 are required).
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail.purpose).toBe('verify_identity');
    expect(mail.text).toContain('30');
    expect(mail.html).toContain(`href="${url.toString().replace(/&/g, '&#38;')}"`);
    expect(mail.html).toContain(code);
    expect(mail.subject).toBeTruthy();
  });

  it('answers in English with Accept-Language: en, for the tenant named by Host', async () => {
    const sent = await withHost(
      'other.localhost:8080',
      'POST',
      PATH,
      JSON.stringify({ email: 'carol@example.com', state: 'verify' }),
      { 'content-type': 'application/json', 'accept-language': 'en-US,en;q=0.9' },
    );
    expect(sent).toEqual({ status: 200, body: { code: 0, msg: 'Email sent' } });
    const { mail } = mailTo('carol@example.com');
    expect(mail.tenant).toBe('other');
    expect(mail.text).toMatch(/^Your Other App code/);

    // carol has an account only at "other": at the demo tenant she does not exist.
    const elsewhere = await send(
      { email: 'carol@example.com', state: 'verify' },
      { 'accept-language': 'en' },
    );
    expect(elsewhere.body).toEqual({ code: -1, msg: 'User does not exist' });
  });

  it('mails a Chinese message with Accept-Language: zh-CN', async () => {
    const sent = await send(
      { email: 'zh-reader@example.com', state: 'signup' },
      { 'accept-language': 'zh-CN' },
    );
    expect(sent.body).toEqual({ code: 0, msg: '已发送邮件' });
    const { mail } = mailTo('zh-reader@example.com');
    expect(mail.text).toContain('验证码');
    expect(mail.html).toMatch(/<html lang="zh-CN">/);
    expect(mail.purpose).toBe('general');
  });

  it.each([
    ['verify', 'zh-CN', '用户不存在'],
    ['verify', 'en', 'User does not exist'],
    ['reset', 'en', 'User does not exist'],
  ])('state=%s for an unknown address → -1 (%s) and no mail', async (state, language, msg) => {
    const sent = await send({ email: 'nobody@example.com', state }, { 'accept-language': language });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ code: -1, msg });
    expect(service.messages('nobody@example.com')).toHaveLength(0);
  });

  it('a state other than verify/reset sends a plain verification mail to any address', async () => {
    const sent = await send({ email: 'stranger@example.com', state: 'anything' });
    expect(sent.body.code).toBe(0);
    expect(mailTo('stranger@example.com').url.searchParams.get('state')).toBe('anything');
  });

  it.each([
    ['malformed email', JSON.stringify({ email: 'not-an-email', state: 'verify' })],
    ['missing email', JSON.stringify({ state: 'verify' })],
    ['email of the wrong type', JSON.stringify({ email: ['alice@example.com'], state: 'verify' })],
    ['a state that cannot ride in a link', JSON.stringify({ email: 'x@example.com', state: 'a&b=c' })],
    ['broken JSON', '{"email": "alice@example.com",'],
    ['an oversized body', JSON.stringify({ email: 'x@example.com', pad: 'x'.repeat(20_000) })],
  ])('%s → -1 "Invalid Parameter" and no mail', async (_name, body) => {
    const before = service.messages().length;
    const zh = await service.request('POST', PATH, { body, headers: { 'content-type': 'application/json' } });
    expect(zh.status).toBe(200);
    expect(zh.body).toEqual({ code: -1, msg: '参数错误' });
    const en = await service.request('POST', PATH, {
      body,
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
    });
    expect(en.body).toEqual({ code: -1, msg: 'Invalid Parameter' });
    expect(service.messages()).toHaveLength(before);
  });

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', 'email=alice%40example.com&state=verify'],
    ['text/plain (no CORS preflight)', 'text/plain', '{"email":"alice@example.com","state":"verify"}'],
    ['no content type', '', '{"email":"alice@example.com","state":"verify"}'],
  ])(
    'refuses %s: the send is JSON only, so no web page can relay mail through visitors',
    async (_name, type, body) => {
      const before = service.messages().length;
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      const response = await service.request('POST', PATH, {
        body,
        headers: { ...headers, 'accept-language': 'en' },
      });
      expect(response.body).toEqual({
        code: -1,
        msg: 'Invalid Parameter: Content-Type application/json expected',
      });
      expect(service.messages()).toHaveLength(before);
    },
  );

  it('applies the send limits of every endpoint: a second mail within 60 s is refused', async () => {
    expect((await send({ email: 'twice@example.com', state: 'x' })).body.code).toBe(0);
    const again = await send({ email: 'twice@example.com', state: 'y' }, { 'accept-language': 'en' });
    expect(again.body).toEqual({
      code: -1,
      msg: 'Sending too frequently, please try again later: the cooldown between two codes to one address',
    });
    expect(service.messages('twice@example.com')).toHaveLength(1);
  });
});

describe('seed 004 the link', () => {
  it('GET shows a page any number of times (as scanners do) and consumes nothing; the form confirms once', async () => {
    const { url } = mailTo('alice@example.com');
    expect((await nativeStatus('alice@example.com', 'verify_identity')).status).toBe('pending');

    let html = '';
    for (let open = 0; open < 3; open++) {
      const page = await service.request('GET', `${url.pathname}${url.search}`, {
        headers: { 'accept-language': 'en' },
      });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*form-action 'self'/);
      html = page.text;
    }
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<main>[\s\S]*<h1>Confirm your email address<\/h1>/);
    expect(html).toMatch(/<form method="post" action="email\/confirm">/);
    expect(html).toMatch(/<button type="submit"[^>]*>Confirm email address<\/button>/);
    expect(html).not.toMatch(/<script/i);
    expect((await nativeStatus('alice@example.com', 'verify_identity')).status).toBe('pending');

    const fields = formOf(html);
    expect(fields).toEqual({
      token: url.searchParams.get('token'),
      email: 'alice@example.com',
      state: 'verify',
    });
    const first = await confirm(fields, { 'accept-language': 'en' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Email address verified');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect((await nativeStatus('alice@example.com', 'verify_identity')).status).toBe('approved');

    const second = await confirm(fields, { 'accept-language': 'en' });
    expect(second.status).toBe(400);
    expect(second.text).toContain('Link invalid or expired');

    // The mark outlives later sends: anyone may trigger a new mail for alice, the app still sees the
    // confirmation (verifiedAt), while the latest verification is the new, pending one.
    const verifiedAt = (await nativeStatus('alice@example.com', 'verify_identity')).verifiedAt;
    expect(Date.parse(verifiedAt)).toBeGreaterThan(0);
    advanceClock(61_000);
    await send({ email: 'alice@example.com', state: 'verify' });
    const after = await nativeStatus('alice@example.com', 'verify_identity');
    expect(after.status).toBe('pending');
    expect(after.verifiedAt).toBe(verifiedAt);
    const json = await service.request('GET', `${url.pathname}${url.search}&return=json`);
    expect(json.body).toEqual({ code: -1, msg: '无效的令牌' });
  });

  it('the page speaks Chinese by default and escapes what it shows', async () => {
    await send({ email: "o'hara@example.com", state: 'x' });
    const { url } = mailTo("o'hara@example.com");
    const page = await service.request('GET', `${url.pathname}${url.search}`);
    expect(page.text).toMatch(/<html lang="zh-CN">/);
    expect(page.text).toContain('确认邮箱地址');
    expect(page.text).toContain('o&#39;hara@example.com');
    expect(page.text).not.toContain("o'hara");
  });

  it('return=json confirms on GET: {code: 0, msg: "验证成功"} once, then "Invalid Token"', async () => {
    await send({ email: 'json-link@example.com', state: 'other' });
    const { url, code } = mailTo('json-link@example.com');
    const path = `${url.pathname}${url.search}&return=json`;
    const first = await service.request('GET', path);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ code: 0, msg: '验证成功' });
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    const second = await service.request('GET', path, { headers: { 'accept-language': 'en' } });
    expect(second.body).toEqual({ code: -1, msg: 'Invalid Token' });

    // The link and the code are one verification: the code is spent with the link.
    const check = await service.request('POST', '/v1/verifications/check', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'email', to: 'json-link@example.com', purpose: 'general', code },
    });
    expect(check.body).toEqual({ valid: false, status: 'already_used' });
  });

  it('the mailed code verifies through the native check with the mapped purpose', async () => {
    await send({ email: 'code-user@example.com', state: 'plain' });
    const { code } = mailTo('code-user@example.com');
    const check = await service.request('POST', '/v1/verifications/check', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'email', to: 'code-user@example.com', purpose: 'general', code },
    });
    expect(check.body).toEqual({ valid: true, status: 'approved' });

    // One verification: once the code is spent, the link is too.
    const { token } = mailTo('code-user@example.com');
    const link = await confirm({ token, email: 'code-user@example.com', state: 'plain' });
    expect(link.status).toBe(400);
  });

  it('an altered token, a wrong address, a wrong state or another tenant fails; the real one still works', async () => {
    await send({ email: 'altered@example.com', state: 'x' });
    const { token } = mailTo('altered@example.com');
    const flip = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const base = { token, email: 'altered@example.com', state: 'x' };
    for (const fields of [
      { ...base, token: flip },
      { ...base, token: token.slice(0, 30) },
      { ...base, email: 'other@example.com' },
      { ...base, state: 'reset' },
    ]) {
      const refused = await confirm(fields);
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('链接无效或已过期');
    }
    const elsewhere = await withHost(
      'other.localhost',
      'GET',
      `${PATH}?${new URLSearchParams({ ...base, return: 'json' })}`,
    );
    expect(elsewhere.body).toEqual({ code: -1, msg: '无效的令牌' });
    expect((await confirm(base)).status).toBe(200);
  });

  it.each([
    ['no token', { email: 'a@example.com', state: 'x' }, '参数错误'],
    ['a malformed email', { token: 'A'.repeat(43), email: 'nope', state: 'x' }, '参数错误'],
    ['a token of the wrong shape', { token: 'short', email: 'a@example.com', state: 'x' }, '无效的令牌'],
  ])('a link with %s: page 400, JSON -1', async (_name, fields, msg) => {
    const page = await service.request('GET', PATH, { query: fields });
    expect(page.status).toBe(400);
    expect(page.text).toContain('链接无效或已过期');
    expect(page.text).not.toContain('<form');
    const json = await service.request('GET', PATH, { query: { ...fields, return: 'json' } });
    expect(json.body).toEqual({ code: -1, msg });
  });

  it('state=reset: the page offers to continue, and the confirmation answers 302 with a one-time reset token', async () => {
    const sent = await send({ email: 'bob@example.com', state: 'reset' });
    expect(sent.body).toEqual({ code: 0, msg: '已发送邮件' });
    const { mail, url, token } = mailTo('bob@example.com');
    expect(mail.purpose).toBe('reset_password');

    const page = await service.request('GET', `${url.pathname}${url.search}`, {
      headers: { 'accept-language': 'en' },
    });
    expect(page.text).toContain('Continue to reset password');
    // The form's redirect target must be allowed by form-action, or browsers block the 302.
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${service.url}`);

    const answer = await confirm(formOf(page.text));
    expect(answer.status).toBe(302);
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    const location = new URL(answer.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${service.url}/account/password/reset`);
    expect(location.searchParams.get('email')).toBe('bob@example.com');
    const grant = location.searchParams.get('token') ?? '';
    secrets.add(grant);
    expect(grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(grant).not.toBe(token);
    expect((await confirm(formOf(page.text))).status).toBe(400);

    // The app's reset page redeems the grant once through the native API.
    const redeem = async (value: string, to = 'bob@example.com', key = 'demo-api-key') => {
      const response = await service.request('POST', '/v1/grants/redeem', {
        json: { to, purpose: 'reset_password', token: value },
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      return response.body.valid;
    };
    expect(await redeem(grant, 'alice@example.com')).toBe(false);
    expect(await redeem(`${grant.slice(0, -1)}${grant.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(await redeem(grant, 'bob@example.com', 'other-api-key')).toBe(false);
    expect(await redeem(grant)).toBe(true);
    expect(await redeem(grant)).toBe(false);
  });

  it('state=reset with return=json also answers 302 to the reset URL', async () => {
    advanceClock(61_000);
    await send({ email: 'bob@example.com', state: 'reset' });
    const { url } = mailTo('bob@example.com');
    const response = await fetch(`${url}&return=json`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const grant = new URL(response.headers.get('location') ?? '').searchParams.get('token') ?? '';
    secrets.add(grant);
    expect(grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('never answers a 5xx or an undocumented message, whatever the send body (fuzz)', async () => {
    const value = fc.oneof(
      fc.string(),
      fc.emailAddress(),
      fc.constantFrom('alice@example.com', 'verify', 'reset', ''),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ email: value, state: value }, { requiredKeys: [] }).map((body) => JSON.stringify(body)),
          fc.string({ maxLength: 200 }),
        ),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
        async (body, type) => {
          const response = await service.request('POST', PATH, {
            body,
            headers: { 'content-type': type, 'x-forwarded-for': nextIp() },
          });
          expect(response.status).toBe(200);
          expect([0, -1]).toContain(response.body.code);
          // A message's own text, alone or followed by its detail (the limit, the content type expected).
          const own = String(response.body.msg).split(/: |：/)[0] ?? '';
          expect(ALL_MSGS.has(own)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never answers a 5xx to any link parameters, on GET or on the form POST (fuzz)', async () => {
    const text = fc.oneof(fc.string({ maxLength: 120 }), fc.base64String({ maxLength: 60 }));
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            token: text,
            email: fc.oneof(fc.emailAddress(), fc.string()),
            state: text,
            return: fc.constantFrom('json', 'html', ''),
          },
          { requiredKeys: [] },
        ),
        fc.boolean(),
        async (fields, post) => {
          const response = post
            ? await confirm(fields as Record<string, string>)
            : await (async () => {
                const got = await service.request('GET', PATH, { query: fields as Record<string, string> });
                return { status: got.status, text: got.text };
              })();
          expect([200, 400]).toContain(response.status);
          if (fields.return === 'json') {
            expect(JSON.parse(response.text).code).toBe(-1);
          } else if (response.status === 200) {
            expect(response.text).toContain('<form');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a link is valid 30 minutes by default: it confirms at 29 minutes and fails after 30', async () => {
    await send({ email: 'late@example.com', state: 'x' });
    const { token } = mailTo('late@example.com');
    advanceClock(30 * 60 * 1000 + 1000);
    const answer = await confirm({ token, email: 'late@example.com', state: 'x' });
    expect(answer.status).toBe(400);

    await send({ email: 'in-time@example.com', state: 'x' });
    const fresh = mailTo('in-time@example.com');
    advanceClock(29 * 60 * 1000);
    const inTime = await confirm({ token: fresh.token, email: 'in-time@example.com', state: 'x' });
    expect(inTime.status).toBe(200);
  });
});

describe('seed 004 secrets at rest', () => {
  it('no link token, reset token, code or full address is stored in the table', async () => {
    expect(secrets.size).toBeGreaterThan(10);
    const db = createDocumentClient(service.endpoint);
    const values: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: service.tableName, ExclusiveStartKey: start }));
      // Tenant items hold the accounts directory (addresses by design); numbers cannot hold a secret
      // but their digits could match a 6-digit code by chance, so only strings are searched.
      for (const item of page.Items ?? []) {
        if (String(item.pk).startsWith('TENANT#')) continue;
        for (const value of Object.values(item)) {
          if (typeof value === 'string') values.push(value);
          if (value instanceof Set) values.push([...value].join(' '));
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    db.destroy();
    const table = values.join('\n');
    expect(table).toContain('ADDR#demo#email#');
    for (const secret of secrets) expect(leaks(table, secret), 'a secret in the table').toBe(false);
    expect(table.toLowerCase()).not.toContain('alice@example.com');
  });
});
