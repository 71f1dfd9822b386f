// Seed 001 (Fresns send-verify-code) end to end through the local runtime: useType rules, login, limits, codes.
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../lib/dialects/fresns/codes.ts';
import { fresns, parseSendVerifyCode } from '../lib/dialects/fresns/index.ts';
import {
  BudgetExhaustedError,
  BusyError,
  CountryNotAllowedError,
  DeliveryFailedError,
  InvalidAddressError,
} from '../lib/domain/errors.ts';
import type { HttpRequest } from '../lib/http/request.ts';
import { advanceClock } from '../lib/runtime.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { TenantRegistry } from '../lib/tenants/registry.ts';
import { type TenantsFile, tenantsFileSchema } from '../lib/tenants/schema.ts';
import { startService, type TestService } from './helpers/service.ts';

const PATH = '/api/v2/common/send-verify-code';
const DOCUMENTED = new Set(Object.keys(MESSAGES).map(Number));
let service: TestService;

/** The demo tenants plus a few Fresns-specific ones, each reached by its own Host. */
async function testTenants(): Promise<TenantsFile> {
  const demo = await loadTenantsFile(DEMO_TENANTS_FILE);
  const base = {
    mail: { from: 'no-reply@fresns.test' },
    limits: { perIp: { limit: 1000, windowSeconds: 3600 } },
  };
  return tenantsFileSchema.parse({
    tenants: [
      ...demo.tenants,
      {
        ...base,
        id: 'fresns-off',
        appName: 'Templates Off',
        aliases: { hosts: ['templates-off.localhost'] },
        sessionTokenSecret: 'off-session-secret',
        sms: { allowedCountries: ['CN'] },
        fresns: { templates: { email: [1, 2], sms: [] } },
      },
      {
        ...base,
        id: 'switched-off',
        appName: 'Disabled',
        disabled: true,
        aliases: { hosts: ['disabled.localhost'] },
      },
      {
        ...base,
        id: 'no-sms',
        appName: 'No SMS',
        aliases: { hosts: ['no-sms.localhost'] },
        accounts: [{ id: '3001', email: 'dave@example.com' }],
      },
      {
        ...base,
        id: 'phone-only',
        appName: 'Phone Only',
        aliases: { hosts: ['phone-only.localhost'] },
        sessionTokenSecret: 'phone-only-session-secret',
        sms: { allowedCountries: ['CN'] },
        accounts: [{ id: '4001', phone: '+8613900139000' }],
      },
    ],
  });
}

beforeAll(async () => {
  service = await startService({ tenants: await testTenants() });
});
afterAll(async () => {
  await service?.stop();
});
// Every test starts with fresh per-address and per-IP windows (the engine clock moves, not the wall clock).
beforeEach(() => {
  advanceClock(11 * 60_000);
});

let ipCounter = 0;
/** A client IP of its own for each call site that wants one. */
const freshIp = () => {
  ipCounter += 1;
  return `10.1.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
};

interface Reply {
  status: number;
  body: { code: number; message: string; data: unknown };
}

/** POSTs to send-verify-code with node:http (fetch cannot set `Host`). */
function post(
  body: unknown,
  headers: Record<string, string> = {},
  options: { raw?: string; host?: string; ip?: string } = {},
): Promise<Reply> {
  const url = new URL(PATH, service.url);
  const payload = options.raw ?? (body === undefined ? '' : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          host: options.host ?? 'localhost',
          'x-forwarded-for': options.ip ?? freshIp(),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ status: response.statusCode ?? 0, body: { code: -1, message: text, data: undefined } });
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A session token as the Fresns app server would issue it. */
async function token(
  claims: Record<string, unknown>,
  options: { secret?: string; exp?: number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.exp ?? nowSeconds() + 3600)
    .sign(new TextEncoder().encode(options.secret ?? 'demo-session-secret'));
}

/** Login headers for an account of the demo tenant. */
async function loginAs(aid: string): Promise<Record<string, string>> {
  return { aid, token: await token({ aid }) };
}

const email = (to: string, useType: number, templateId = 1) => ({
  type: 'email',
  useType,
  templateId,
  account: to,
});
const sms = (account: string, useType: number, templateId = 1, countryCode: unknown = 86) => ({
  type: 'sms',
  useType,
  templateId,
  account,
  countryCode,
});

let phoneCounter = 0;
/** An unused, valid Chinese mobile number (national digits) and its E.164 form. */
const freshPhone = () => {
  phoneCounter += 1;
  const national = `1390000${String(1000 + phoneCounter).padStart(4, '0')}`;
  return { national, e164: `+86${national}` };
};

const mailsTo = (to: string) => service.messages(to).length;

describe('seed 001 send-verify-code: envelope and useType 1 / 2 / 5', () => {
  it('useType 1 to a new email → {code: 0, message: "ok", data: null} and one mail for the template purpose', async () => {
    const reply = await post(email('new-user@example.com', 1, 2));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ code: 0, message: 'ok', data: null });
    const mails = service.messages('new-user@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.channel).toBe('email');
    expect(mails[0]?.purpose).toBe('register');
    expect(mails[0]?.tenant).toBe('demo');
    expect(service.lastCode('new-user@example.com')).toMatch(/^\d{6}$/);
  });

  it('useType 1 to an email that has an account → 34205 (case-insensitively), and no mail', async () => {
    for (const account of ['alice@example.com', ' Alice@Example.COM ']) {
      const reply = await post(email(account, 1, 2));
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ code: 34205, message: 'Email has been used', data: null });
    }
    expect(mailsTo('alice@example.com')).toBe(0);
  });

  it('useType 1 by SMS to +86 13800138000 → 34206; to an unused phone → sent to its E.164 form', async () => {
    expect((await post(sms('13800138000', 1, 2))).body.code).toBe(34206);
    expect(mailsTo('+8613800138000')).toBe(0);
    const phone = freshPhone();
    expect((await post(sms(phone.national, 1, 2, '+86'))).body.code).toBe(0);
    const texts = service.messages(phone.e164);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.channel).toBe('sms');
    expect(texts[0]?.purpose).toBe('register');
  });

  it('useType 2 to an unknown email → 34301; to alice@example.com → sent to her', async () => {
    expect((await post(email('nobody-here@example.com', 2, 7))).body.code).toBe(34301);
    expect(mailsTo('nobody-here@example.com')).toBe(0);
    const before = mailsTo('alice@example.com');
    expect((await post(email('alice@example.com', 2, 7))).body.code).toBe(0);
    expect(mailsTo('alice@example.com')).toBe(before + 1);
    expect(service.messages('alice@example.com')[0]?.purpose).toBe('login');
  });

  it('useType 2 by SMS: an unknown phone → 34301; the phone of 1001 → sent', async () => {
    expect((await post(sms(freshPhone().national, 2, 7))).body.code).toBe(34301);
    const before = mailsTo('+8613800138000');
    expect((await post(sms('13800138000', 2, 7))).body.code).toBe(0);
    expect(mailsTo('+8613800138000')).toBe(before + 1);
  });

  it('useType 5 sends directly, whether or not the account exists, with no login', async () => {
    expect((await post(email('direct@example.com', 5, 1))).body.code).toBe(0);
    expect((await post(email('bob@example.com', 5, 1))).body.code).toBe(0);
    expect(service.messages('direct@example.com')[0]?.purpose).toBe('general');
    expect(service.messages('bob@example.com')[0]?.purpose).toBe('general');
  });

  it('finds the tenant by Host: carol exists only in "other", so useType 1 differs by host', async () => {
    expect(
      (await post(email('carol@example.com', 1, 2), {}, { host: 'other.localhost:8443' })).body.code,
    ).toBe(34205);
    expect(
      (await post(email('carol@example.com', 1, 2), {}, { host: 'unknown-host.example' })).body.code,
    ).toBe(0);
    expect(service.messages('carol@example.com')[0]?.tenant).toBe('demo');
  });
});

describe('seed 001 login state (useType 3 and 4)', () => {
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['no headers at all', async () => ({})],
    ['aid but no token', async () => ({ aid: '1001' })],
    ['a token but no aid', async () => ({ token: await token({ aid: '1001' }) })],
    [
      'an expired token',
      async () => ({ aid: '1001', token: await token({ aid: '1001' }, { exp: nowSeconds() - 1 }) }),
    ],
    [
      'a token signed with another secret',
      async () => ({ aid: '1001', token: await token({ aid: '1001' }, { secret: 'other-session-secret' }) }),
    ],
    [
      'an aid header that does not match the token',
      async () => ({ aid: '1002', token: await token({ aid: '1001' }) }),
    ],
    [
      'a uid header that does not match the token',
      async () => ({ aid: '1001', uid: '9', token: await token({ aid: '1001', uid: '8' }) }),
    ],
    ['a malformed token', async () => ({ aid: '1001', token: 'not.a.jwt' })],
    [
      'a token for an account the tenant does not know',
      async () => ({ aid: '4242', token: await token({ aid: '4242' }) }),
    ],
  ];

  it.each(cases)('useType 3 and 4 with %s → 31501 and nothing sent', async (_name, headers) => {
    const before = service.messages().length;
    const login = await headers();
    for (const body of [
      email('fill-me@example.com', 3, 4),
      email('ignored@example.com', 4, 4),
      sms('x', 4, 5),
    ]) {
      const reply = await post(body, login);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        code: 31501,
        message: 'Account not logged in, Unable to use',
        data: null,
      });
    }
    expect(service.messages()).toHaveLength(before);
  });

  it('a tenant with no session secret has nobody logged in', async () => {
    const reply = await post(email('x@example.com', 4, 4), await loginAs('3001'), {
      host: 'no-sms.localhost',
    });
    expect(reply.body.code).toBe(31501);
  });

  it('useType 4 as 1001: the code goes to alice@example.com, never to the given account', async () => {
    const login = await loginAs('1001');
    const before = { alice: mailsTo('alice@example.com'), bob: mailsTo('bob@example.com') };
    const reply = await post(email('bob@example.com', 4, 4), login);
    expect(reply.body.code).toBe(0);
    expect(mailsTo('alice@example.com')).toBe(before.alice + 1);
    expect(mailsTo('bob@example.com')).toBe(before.bob);
    expect(service.messages('alice@example.com')[0]?.purpose).toBe('update_contact');
  });

  it('useType 4 by SMS as 1001: the code goes to +8613800138000 whatever account and countryCode say', async () => {
    const login = { aid: '1001', uid: '55', token: await token({ aid: '1001', uid: 55 }) };
    const before = mailsTo('+8613800138000');
    const other = freshPhone();
    const reply = await post(sms(other.national, 4, 5, 44), login);
    expect(reply.body.code).toBe(0);
    expect(mailsTo('+8613800138000')).toBe(before + 1);
    expect(mailsTo(other.e164)).toBe(0);
    // account and countryCode may be absent or nonsense for useType 4.
    advanceClock(61_000);
    expect((await post({ type: 'sms', useType: 4, templateId: 6 }, login)).body.code).toBe(0);
    expect(mailsTo('+8613800138000')).toBe(before + 2);
    expect(service.messages('+8613800138000')[0]?.purpose).toBe('reset_wallet_password');
  });

  it('useType 4 by email for an account with only a phone → 34302, and nothing is sent', async () => {
    const login = {
      aid: '4001',
      token: await token({ aid: '4001' }, { secret: 'phone-only-session-secret' }),
    };
    const before = service.messages().length;
    const reply = await post(email('anything@example.com', 4, 4), login, { host: 'phone-only.localhost' });
    expect(reply.body.code).toBe(34302);
    expect(service.messages()).toHaveLength(before);
    // Its phone works: the same login by SMS sends to +8613900139000.
    const bySms = await post({ type: 'sms', useType: 4, templateId: 4 }, login, {
      host: 'phone-only.localhost',
    });
    expect(bySms.body.code).toBe(0);
    expect(service.messages('+8613900139000')).toHaveLength(1);
  });

  it('useType 4 as 1002 by SMS (no phone on the account) → 34303', async () => {
    const before = mailsTo('+8613800138000');
    expect((await post(sms('13800138000', 4, 4), await loginAs('1002'))).body.code).toBe(34303);
    expect(mailsTo('+8613800138000')).toBe(before);
  });

  it('useType 3 as 1002 (no phone) for an unused phone → sent; for a used phone → 34206', async () => {
    const login = await loginAs('1002');
    const phone = freshPhone();
    expect((await post(sms(phone.national, 3, 4), login)).body.code).toBe(0);
    expect(mailsTo(phone.e164)).toBe(1);
    expect((await post(sms('13800138000', 3, 4), login)).body.code).toBe(34206);
  });

  it('useType 3 when the account already has one → 34401 (email) / 34402 (phone)', async () => {
    expect((await post(email('unused-1@example.com', 3, 4), await loginAs('1001'))).body.code).toBe(34401);
    expect((await post(email('unused-2@example.com', 3, 4), await loginAs('1002'))).body.code).toBe(34401);
    expect((await post(sms(freshPhone().national, 3, 4), await loginAs('1001'))).body.code).toBe(34402);
    expect(mailsTo('unused-1@example.com') + mailsTo('unused-2@example.com')).toBe(0);
  });

  it('useType 3 to an address another account holds → 34205 before 34401', async () => {
    expect((await post(email('bob@example.com', 3, 4), await loginAs('1001'))).body.code).toBe(34205);
  });
});

describe('seed 001 send limits', () => {
  it('a second send to the same account within a minute → 33201, whatever the template', async () => {
    const ip = freshIp();
    expect((await post(email('limit-1@example.com', 5, 1), {}, { ip })).body.code).toBe(0);
    const again = await post(email('limit-1@example.com', 5, 3), {}, { ip });
    expect(again.body).toEqual({
      code: 33201,
      message:
        'Send the Verify code too often, please try again later (the cooldown between two codes to one address)',
      data: null,
    });
    expect(mailsTo('limit-1@example.com')).toBe(1);
  });

  it('five sends within 10 minutes pass (a minute apart); the sixth → 33201; later it passes again', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await post(email('limit-5@example.com', 5, 1))).body.code);
      advanceClock(61_000);
    }
    expect(codes).toEqual([0, 0, 0, 0, 0, 33201]);
    expect(mailsTo('limit-5@example.com')).toBe(5);
    // 6 × 61 s have passed; once the first send leaves the 10-minute window one more is allowed.
    advanceClock(600_000 - 6 * 61_000 + 1_000);
    expect((await post(email('limit-5@example.com', 5, 1))).body.code).toBe(0);
  });

  it('the limit is per account: useType 4 counts against the logged-in account, not the given one', async () => {
    const login = await loginAs('1001');
    expect((await post(email('limit-x@example.com', 4, 4), login)).body.code).toBe(0);
    expect((await post(email('alice@example.com', 2, 7))).body.code).toBe(33201);
    expect((await post(email('limit-x@example.com', 5, 1))).body.code).toBe(0);
  });

  it('30 concurrent sends to one account → exactly one mail; the rest 33201', async () => {
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(email('burst@example.com', 5, 1 + (i % 8)), {}, { ip: freshIp() }),
      ),
    );
    const codes = replies.map((reply) => reply.body.code);
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(codes.filter((code) => code === 0)).toHaveLength(1);
    expect(codes.filter((code) => code === 33201)).toHaveLength(29);
    expect(mailsTo('burst@example.com')).toBe(1);
  });
});

describe('seed 001 codes and purposes', () => {
  const check = (to: string, purpose: string, code: string) =>
    service.request('POST', '/v1/verifications/check', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'email', to, purpose, code },
    });

  it('a code sent with templateId 2 is refused for login and approved for register', async () => {
    expect((await post(email('purpose@example.com', 1, 2))).body.code).toBe(0);
    const code = service.lastCode('purpose@example.com');
    const asLogin = await check('purpose@example.com', 'login', code);
    expect(asLogin.body.valid).toBe(false);
    const asRegister = await check('purpose@example.com', 'register', code);
    expect(asRegister.body).toEqual({ valid: true, status: 'approved' });
  });

  it.each([
    [1, 'general'],
    [2, 'register'],
    [3, 'edit_profile'],
    [4, 'update_contact'],
    [5, 'reset_password'],
    [6, 'reset_wallet_password'],
    [7, 'login'],
    [8, 'delete_account'],
  ])('templateId %i → purpose %s', async (templateId, purpose) => {
    const to = `template-${templateId}@example.com`;
    expect((await post(email(to, 5, templateId))).body.code).toBe(0);
    expect(service.messages(to)[0]?.purpose).toBe(purpose);
  });

  it('a templateId outside 1–8 → 33200', async () => {
    for (const templateId of [0, 9, 100, -1]) {
      expect((await post(email('no-template@example.com', 5, templateId))).body.code).toBe(33200);
    }
    expect(mailsTo('no-template@example.com')).toBe(0);
  });

  it('a template the tenant disabled for the channel → 33200, before login is even looked at', async () => {
    const host = 'templates-off.localhost';
    expect((await post(email('off@example.com', 5, 3), {}, { host })).body.code).toBe(33200);
    expect((await post(email('off@example.com', 4, 5), {}, { host })).body.code).toBe(33200);
    expect((await post(sms(freshPhone().national, 5, 1), {}, { host })).body.code).toBe(33200);
    expect(mailsTo('off@example.com')).toBe(0);
    expect((await post(email('off@example.com', 5, 2), {}, { host })).body.code).toBe(0);
    expect(service.messages('off@example.com')[0]?.tenant).toBe('fresns-off');
  });
});

describe('seed 001 tenants, countries and providers', () => {
  it('a disabled tenant → 32100', async () => {
    const reply = await post(email('x@example.com', 5, 1), {}, { host: 'disabled.localhost' });
    expect(reply.body).toEqual({ code: 32100, message: 'No service provider configured', data: null });
  });

  it('SMS for a tenant that allows no SMS country → 32100; email there still works', async () => {
    expect((await post(sms(freshPhone().national, 5, 1), {}, { host: 'no-sms.localhost' })).body.code).toBe(
      32100,
    );
    expect(
      (await post(email('dave-new@example.com', 1, 2), {}, { host: 'no-sms.localhost' })).body.code,
    ).toBe(0);
    expect((await post(email('dave@example.com', 1, 2), {}, { host: 'no-sms.localhost' })).body.code).toBe(
      34205,
    );
  });

  it('a country the tenant does not allow → 34103 and nothing sent', async () => {
    // "other" allows only US; a valid CN number is refused.
    const phone = freshPhone();
    expect((await post(sms(phone.national, 5, 1), {}, { host: 'other.localhost' })).body.code).toBe(34103);
    expect(mailsTo(phone.e164)).toBe(0);
    // A valid US number passes there.
    expect((await post(sms('2015550123', 5, 1, 1), {}, { host: 'other.localhost' })).body.code).toBe(0);
    expect(service.messages('+12015550123')[0]?.tenant).toBe('other');
  });
});

describe('seed 001 parameters', () => {
  const base = { type: 'email', useType: 5, templateId: 1, account: 'params@example.com' };
  it.each([
    ['no body', 30001, undefined],
    ['an empty object', 30001, {}],
    ['a JSON array', 30000, [base]],
    ['a JSON string', 30000, 'email'],
    ['JSON null', 30000, null],
    ['type missing', 30001, { ...base, type: undefined }],
    ['type blank', 30001, { ...base, type: ' ' }],
    ['type unknown', 30000, { ...base, type: 'fax' }],
    ['type not a string', 30000, { ...base, type: 1 }],
    ['type "phone" (the register API word, not this one)', 30000, { ...base, type: 'phone' }],
    ['useType missing', 30001, { ...base, useType: undefined }],
    ['useType null', 30001, { ...base, useType: null }],
    ['useType 0', 30000, { ...base, useType: 0 }],
    ['useType 6', 30000, { ...base, useType: 6 }],
    ['useType 1.5', 30000, { ...base, useType: 1.5 }],
    ['useType a word', 30000, { ...base, useType: 'one' }],
    ['useType a boolean', 30000, { ...base, useType: true }],
    ['templateId missing', 30001, { ...base, templateId: undefined }],
    ['templateId a word', 30000, { ...base, templateId: 'two' }],
    ['templateId an object', 30000, { ...base, templateId: { id: 2 } }],
    ['account missing', 30001, { ...base, account: undefined }],
    ['account blank', 30001, { ...base, account: '   ' }],
    ['account a number', 30000, { ...base, account: 12345 }],
    ['account not an email', 34101, { ...base, account: 'not-an-email' }],
    ['account an over-long email', 34101, { ...base, account: `${'a'.repeat(250)}@example.com` }],
    ['sms without countryCode', 30001, { ...base, type: 'sms', account: '13800138000' }],
    [
      'sms with countryCode a word',
      30000,
      { ...base, type: 'sms', account: '13800138000', countryCode: 'cn' },
    ],
    ['sms with countryCode 999', 34103, { ...base, type: 'sms', account: '13800138000', countryCode: 999 }],
    ['sms with countryCode 0', 34103, { ...base, type: 'sms', account: '13800138000', countryCode: 0 }],
    [
      'sms with letters in the phone',
      34102,
      { ...base, type: 'sms', account: '1380013800a', countryCode: 86 },
    ],
    ['sms with a too-short phone', 34102, { ...base, type: 'sms', account: '12345', countryCode: 86 }],
    [
      'sms with the phone in E.164',
      34102,
      { ...base, type: 'sms', account: '+8613800138000', countryCode: 86 },
    ],
  ])('%s → %i and nothing sent', async (_name, code, body) => {
    const before = service.messages().length;
    const reply = await post(body);
    expect(reply.status).toBe(200);
    expect(reply.body.code).toBe(code);
    expect(reply.body.data).toBeNull();
    expect(reply.body.message).toBe(MESSAGES[code as keyof typeof MESSAGES][0]);
    expect(service.messages()).toHaveLength(before);
  });

  it('broken JSON → 30000', async () => {
    const reply = await post(undefined, {}, { raw: '{"type": "email", ' });
    expect(reply).toEqual({ status: 200, body: { code: 30000, message: 'Parameter error', data: null } });
  });

  it('an oversized body → 30000', async () => {
    const reply = await post({ ...base, pad: 'x'.repeat(20_000) });
    expect(reply.body.code).toBe(30000);
  });

  it('accepts numbers sent as digit strings (form-style clients)', async () => {
    const reply = await post({
      type: 'sms',
      useType: '5',
      templateId: '1',
      account: '2015550100',
      countryCode: '+1',
    });
    expect(reply.body.code).toBe(0);
    expect(mailsTo('+12015550100')).toBe(1);
  });

  it('answers in Chinese when langTag asks for it', async () => {
    const reply = await post({ ...base, type: 'fax' }, { langtag: 'zh-Hans' });
    expect(reply.body).toEqual({ code: 30000, message: '参数格式错误', data: null });
  });

  it('writes the mail in the langTag language, else the tenant default', async () => {
    expect((await post(email('zh-mail@example.com', 5, 2), { langtag: 'zh-Hans' })).body.code).toBe(0);
    expect(service.messages('zh-mail@example.com')[0]?.subject).toContain('验证码');
    expect((await post(email('en-mail@example.com', 5, 2), { langtag: 'fr' })).body.code).toBe(0);
    expect(service.messages('en-mail@example.com')[0]?.subject).toContain('verification code');
  });

  it('validates before looking at the login: a bad body with a valid login is still 30000', async () => {
    expect((await post({ ...base, useType: 4, type: 'fax' }, await loginAs('1001'))).body.code).toBe(30000);
  });

  it('fuzzed bodies and headers never give a 5xx, only documented codes', async () => {
    const anyValue = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer({ min: -10, max: 100 }),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
    );
    const field = <T>(values: fc.Arbitrary<T>) => fc.option(fc.oneof(values, anyValue), { nil: undefined });
    const body = fc.record(
      {
        type: field(fc.constantFrom('email', 'sms')),
        useType: field(fc.integer({ min: 1, max: 5 })),
        templateId: field(fc.integer({ min: 0, max: 9 })),
        account: field(
          fc.oneof(
            fc.emailAddress(),
            fc.constantFrom('alice@example.com', '13800138000', '2015550123'),
            fc.stringMatching(/^1[3-9]\d{9}$/),
          ),
        ),
        countryCode: field(fc.constantFrom(86, 1, 44, '86', '+1', 999)),
      },
      { requiredKeys: [] },
    );
    const printable = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);
    const headers = fc.record(
      {
        aid: fc.oneof(printable, fc.constant('1001')),
        token: fc.oneof(printable, fc.constant('x.y.z')),
        langtag: printable,
      },
      { requiredKeys: [] },
    );
    // Well-formed bodies too, so the fuzz also runs through the tenant, login, account and send steps.
    const wellFormed = fc.oneof(
      fc.record({
        type: fc.constant('email'),
        useType: fc.integer({ min: 1, max: 5 }),
        templateId: fc.integer({ min: 0, max: 9 }),
        account: fc.oneof(fc.emailAddress(), fc.constantFrom('alice@example.com', 'bob@example.com')),
      }),
      fc.record({
        type: fc.constant('sms'),
        useType: fc.integer({ min: 1, max: 5 }),
        templateId: fc.integer({ min: 0, max: 9 }),
        account: fc.oneof(fc.stringMatching(/^1[3-9]\d{9}$/), fc.constant('13800138000')),
        countryCode: fc.constantFrom(86, '86', 1, 44),
      }),
    );
    const raw = fc.oneof(
      body.map((value) => JSON.stringify(value)),
      wellFormed.map((value) => JSON.stringify(value)),
      fc.json(),
      fc.string({ maxLength: 60 }),
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(raw, headers, async (payload, extra) => {
        const reply = await post(undefined, extra, { raw: payload });
        expect(reply.status).toBe(200);
        expect(DOCUMENTED.has(reply.body.code)).toBe(true);
        // 32301 is also the answer to an unexpected exception: the fuzz must never reach it.
        expect(reply.body.code).not.toBe(32301);
        expect(reply.body.data).toBeNull();
        seen.add(reply.body.code);
      }),
      { numRuns: 1000 },
    );
    // The generator reaches both the success path and several refusals.
    expect(seen.has(0)).toBe(true);
    expect(seen.size).toBeGreaterThan(4);
  });
});

describe('seed 001 rendering of engine refusals', () => {
  const request = (langtag?: string) => ({ headers: langtag ? { langtag } : {} }) as unknown as HttpRequest;
  const codeOf = (error: unknown, langtag?: string) =>
    JSON.parse(String(fresns.renderError(error, request(langtag)).body));

  it.each([
    ['an exhausted SMS budget', 33201, new BudgetExhaustedError(3600)],
    ['a country not allowed', 34103, new CountryNotAllowedError('FR')],
    ['an invalid email', 34101, new InvalidAddressError('email')],
    ['an invalid phone', 34102, new InvalidAddressError('sms')],
    ['a delivery failure', 32302, new DeliveryFailedError('Throttling')],
    ['a busy dependency', 32301, new BusyError()],
    ['an unexpected bug', 32301, new TypeError('boom')],
  ])('%s → HTTP 200 with code %i', (_name, code, error) => {
    const response = fresns.renderError(error, request());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toEqual({
      code,
      message: MESSAGES[code as keyof typeof MESSAGES][0],
      data: null,
    });
  });

  it('never shows an unexpected error message', () => {
    expect(codeOf(new Error('secret detail')).message).not.toContain('secret');
    expect(codeOf(new BusyError('dynamodb: Throttling'), 'zh-CN').message).toBe('服务商未响应');
  });
});

describe('limits are Fresns’s own', () => {
  it('pins 1 per minute and 5 per 10 minutes even for a tenant configured otherwise', async () => {
    const [demo] = (await loadTenantsFile(DEMO_TENANTS_FILE)).tenants;
    if (!demo) throw new Error('no demo tenant');
    const lenient = {
      ...demo,
      limits: { ...demo.limits, cooldownSeconds: 0, perAddress: { limit: 50, windowSeconds: 60 } },
    };
    const registry = { findByHost: async () => lenient } as unknown as TenantRegistry;
    const request: HttpRequest = {
      method: 'POST',
      path: '/api/v2/common/send-verify-code',
      headers: { host: 'localhost', 'content-type': 'application/json' },
      query: {},
      pathParameters: {},
      body: { type: 'email', useType: 5, templateId: 1, account: 'pinned@example.com' },
      clientIp: '192.0.2.1',
      requestId: 'r-1',
    };
    const command = await parseSendVerifyCode(request, registry, async () => undefined);
    expect(command.tenant.limits.cooldownSeconds).toBe(60);
    expect(command.tenant.limits.perAddress).toEqual({ limit: 5, windowSeconds: 600 });
    expect(command.tenant.limits.perIp).toEqual(demo.limits.perIp);
  });
});
