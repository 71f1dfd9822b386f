// Issue 23 item 3: errors name the real cause, in every dialect whose envelope has room for words (Twilio aside):
// a JSON body sent as a form (what `curl -d '{…}'` does) is told as such, naming application/json; an SMS refused
// for its country says which country the number was read as (+447911123456 is Guernsey's, GG, not GB's); a send
// refused by a limit says which limit (the address's cooldown, its window, the client IP, the device).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anqicms } from '../lib/dialects/anqicms/index.ts';
import { eiam } from '../lib/dialects/eiam/index.ts';
import { fresns } from '../lib/dialects/fresns/index.ts';
import { native } from '../lib/dialects/native/index.ts';
import { RateLimitedError } from '../lib/domain/errors.ts';
import type { HttpRequest } from '../lib/http/request.ts';
import { advanceClock } from '../lib/runtime.ts';
import { DEMO_DOMAIN, freshIps, signed } from './helpers/acceleronix-sms.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

const nextIp = freshIps(231);
/** What `curl -d '{…}'` sends: the JSON text under curl's default form content type. */
const CURL_FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** Demo allows CN, US and GB; this number is Guernsey's (GG), which libphonenumber tells apart from GB. */
const GUERNSEY = '+447911123456';
const BEARER = { authorization: 'Bearer demo-api-key' };

const bodyOf = (response: { body: unknown }) => response.body as Record<string, unknown>;
const messageOf = (response: { body: unknown }) =>
  (bodyOf(response).error as { message: string } | undefined)?.message;
const fakeRequest = (headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  path: '/',
  headers,
  query: {},
  pathParameters: {},
  body: undefined,
  clientIp: '192.0.2.1',
  requestId: 'test',
});

describe('native API', () => {
  it('a JSON body sent as a form gets invalid_request naming application/json, not "Invalid channel"', async () => {
    for (const path of ['/v1/verifications', '/v1/verifications/check']) {
      const answer = await service.request('POST', path, {
        headers: { ...BEARER, ...CURL_FORM },
        body: JSON.stringify({ channel: 'email', to: 'curl@example.com', purpose: 'login', code: '123456' }),
      });
      expect(answer.status).toBe(400);
      expect((bodyOf(answer).error as { code: string }).code).toBe('invalid_request');
      expect(messageOf(answer)).toContain('Content-Type application/json expected');
      expect(messageOf(answer)).not.toContain('channel');
    }
    expect(service.messages('curl@example.com')).toHaveLength(0);
  });

  it('a real form body is still read as form fields', async () => {
    const answer = await service.request('POST', '/v1/verifications', {
      headers: { ...BEARER, ...CURL_FORM, 'x-forwarded-for': nextIp() },
      body: new URLSearchParams({ channel: 'email', to: 'form@example.com', purpose: 'login' }).toString(),
    });
    expect(answer.status).toBe(201);
  });

  it('country_not_allowed says which country the number was read as', async () => {
    const answer = await service.request('POST', '/v1/verifications', {
      headers: BEARER,
      json: { channel: 'sms', to: GUERNSEY, purpose: 'login' },
    });
    expect(answer.status).toBe(400);
    expect(bodyOf(answer).error).toEqual({
      code: 'country_not_allowed',
      message: 'SMS to this country is not enabled for the tenant: the number reads as GG.',
    });
  });

  it('rate_limited says which limit refused: the per-IP and per-device limits by name', () => {
    const ip = JSON.parse(String(native.renderError(new RateLimitedError('ip', 30)).body));
    expect(ip.error.message).toBe(
      'Too many requests: refused by the limit of sends from one client IP address; retry later.',
    );
    const device = JSON.parse(String(native.renderError(new RateLimitedError('device', 30)).body));
    expect(device.error.message).toContain('the limit of sends from one device');
  });
});

describe('Acceleronix (seeds 000 and 002)', () => {
  it('seed 000: a form body is 50005 with extMsg naming application/json', async () => {
    const answer = await service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
      headers: CURL_FORM,
      body: JSON.stringify({ email: 'curl-000@example.com', emailType: '1', userDomain: DEMO_DOMAIN }),
    });
    expect(bodyOf(answer)).toMatchObject({
      code: 50005,
      extMsg: 'Content-Type application/json expected (or no body)',
    });
  });

  it('seed 000: a second send within the cooldown says it was the cooldown, and when to retry', async () => {
    const query = { email: 'cooldown-000@example.com', emailType: '1', userDomain: DEMO_DOMAIN };
    const headers = { 'x-forwarded-for': nextIp() };
    expect(
      bodyOf(await service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', { query, headers })).code,
    ).toBe(200);
    const again = await service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', { query, headers });
    expect(bodyOf(again).code).toBe(5058);
    expect(bodyOf(again).extMsg).toMatch(
      /^refused by the cooldown between two codes to one address: retry after \d+ s$/,
    );
  });

  it('seed 002: a Guernsey number under +44 is 403 with extMsg naming GG', async () => {
    const answer = await service.request('POST', '/v2/sms/enduserapi/v2/sendPhoneSmsCode', {
      query: signed({ phone: '7911123456', internationalCode: '44' }),
      headers: { 'x-forwarded-for': nextIp() },
    });
    expect(bodyOf(answer)).toMatchObject({
      code: 403,
      extMsg: 'SMS to this country or region is not allowed: the number reads as GG',
    });
  });
});

describe('Fresns (seed 001)', () => {
  const PATH = '/api/v2/common/send-verify-code';

  it('a JSON body sent as a form is 30000 whose message names application/json', async () => {
    const answer = await service.request('POST', PATH, {
      headers: CURL_FORM,
      body: JSON.stringify({ type: 'email', useType: 5, templateId: 1, account: 'curl-001@example.com' }),
    });
    expect(bodyOf(answer)).toEqual({
      code: 30000,
      message: 'Parameter error (Content-Type application/json expected)',
      data: null,
    });
  });

  it('a Guernsey number under +44 is 34103 saying it reads as GG', async () => {
    const answer = await service.request('POST', PATH, {
      headers: { 'content-type': 'application/json', 'x-forwarded-for': nextIp() },
      body: JSON.stringify({
        type: 'sms',
        useType: 5,
        templateId: 1,
        countryCode: 44,
        account: '7911123456',
      }),
    });
    expect(bodyOf(answer)).toEqual({
      code: 34103,
      message: 'Country calling code error (the number reads as GG)',
      data: null,
    });
  });

  it('33201 says which limit refused, in the message language', () => {
    const en = JSON.parse(String(fresns.renderError(new RateLimitedError('ip', 60), fakeRequest()).body));
    expect(en.message).toBe(
      'Send the Verify code too often, please try again later (the limit of sends from one client IP address)',
    );
    const window = new RateLimitedError('address', 60, 'window');
    const zh = JSON.parse(String(fresns.renderError(window, fakeRequest({ langtag: 'zh-Hans' })).body));
    expect(zh.message).toBe('发送验证码太频繁，请稍后再试 (同一地址在时间窗口内的发送次数上限)');
  });
});

describe('EIAM (seed 003)', () => {
  const device = () => ({
    'x-operating-sys-version': 'windows10.1.1',
    'x-device-fingerprint': `fp-causes-${nextIp()}`,
    'x-agent': 'Mozilla/5.0',
    'x-client-id': 'nTo1eRIub60vPb54WeE6aojPwYwImtl4',
    'x-forwarded-for': nextIp(),
  });

  it('a JSON body sent as a form is 1002 naming application/json, not "Parameter email cannot be left blank"', async () => {
    const answer = await service.request('POST', '/api/v2/sdk/email/send', {
      headers: { ...device(), ...CURL_FORM },
      body: JSON.stringify({ email: 'curl-003@example.com', type: 'LOGIN_EMS', captcha_token: 'x' }),
    });
    expect(answer.status).toBe(400);
    expect(bodyOf(answer)).toEqual({
      error_code: 'SDK.COMMON.1002',
      error_msg: 'Content-Type (application/json expected) format incorrect.',
    });
  });

  it('a Guernsey number is SDK.SMS.1004 saying it reads as GG', async () => {
    const answer = await service.request('POST', '/api/v2/sdk/sms/send', {
      headers: device(),
      json: { mobile: GUERNSEY, type: 'LOGIN_SMS', captcha_token: `${'0'.repeat(32)}---{"x":1,"y":5}` },
    });
    expect(bodyOf(answer)).toEqual({
      error_code: 'SDK.SMS.1004',
      error_msg: 'Sending to this country or region is not supported (the number reads as GG).',
    });
  });

  it('SDK.SMS.1001 says which limit refused, in English and Chinese', () => {
    const limit = new RateLimitedError('device', 120);
    const en = JSON.parse(String(eiam.renderError(limit, fakeRequest()).body));
    expect(en.error_msg).toBe(
      'Verification codes are sent too frequently (the limit of sends from one device); please try again in 120 seconds.',
    );
    const zh = JSON.parse(String(eiam.renderError(limit, fakeRequest({ 'x-l': 'zh' })).body));
    expect(zh.error_msg).toBe('验证码发送过于频繁（同一设备的发送次数上限），请120秒后重试。');
  });
});

describe('AnqiCMS (seed 004)', () => {
  it('a JSON body sent as a form says application/json is expected, in Chinese by default', async () => {
    const answer = await service.request('POST', '/api/verify/email', {
      headers: CURL_FORM,
      body: JSON.stringify({ email: 'curl-004@example.com', state: 'plain' }),
    });
    expect(bodyOf(answer)).toEqual({ code: -1, msg: '参数错误：Content-Type 应为 application/json' });
  });

  it('"too frequent" says which limit refused', () => {
    const answer = anqicms.renderError(
      new RateLimitedError('ip', 60),
      fakeRequest({ 'accept-language': 'en' }),
    );
    expect(JSON.parse(String(answer.body))).toEqual({
      code: -1,
      msg: 'Sending too frequently, please try again later: the limit of sends from one client IP address',
    });
  });
});

describe('the per-address limits told apart, end to end (native API)', () => {
  it('a send inside the cooldown names the cooldown; the sixth in ten minutes, past the cooldown, names the window', async () => {
    const send = () =>
      service.request('POST', '/v1/verifications', {
        headers: { ...BEARER, 'x-forwarded-for': nextIp() },
        json: { channel: 'email', to: 'window@example.com', purpose: 'login' },
      });
    expect((await send()).status).toBe(201);
    const tooSoon = await send();
    expect(tooSoon.status).toBe(429);
    expect(messageOf(tooSoon)).toContain('the cooldown between two codes to one address');
    // The demo tenant: 60 s cooldown, 5 sends per 10 minutes per address.
    for (let sent = 2; sent <= 5; sent++) {
      advanceClock(61_000);
      expect((await send()).status).toBe(201);
    }
    advanceClock(61_000);
    const sixth = await send();
    expect(sixth.status).toBe(429);
    expect(messageOf(sixth)).toContain('the limit of codes to one address per time window');
  });
});
