// Every dialect's "sending exception" when SES/SNS fail for real (aws-sdk-client-mock on the real clients):
// the dialect's documented code, no usable code (or link) left, and the recipient may retry at once.
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyedHash } from '../lib/crypto.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { startService, type TestService } from './helpers/service.ts';
import { rememberSecret } from './setup/log-guard.ts';

const ses = mockClient(SESClient);
const sns = mockClient(SNSClient);
const refused = (name: string) => Object.assign(new Error('provider refused'), { name });
let service: TestService;
let db: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  service = await startService({ delivery: 'aws' });
  db = createDocumentClient(service.endpoint);
});
afterAll(async () => {
  ses.restore();
  sns.restore();
  db?.destroy();
  await service?.stop();
});
beforeEach(() => {
  ses.reset();
  sns.reset();
  ses.on(SendEmailCommand).rejects(refused('MessageRejected'));
  sns.on(PublishCommand).rejects(refused('InternalErrorException'));
});

/** The code (and link token, if any) the failed provider call carried, which nobody received. */
function lostMail() {
  const text = ses.commandCalls(SendEmailCommand).at(-1)?.args[0].input.Message?.Body?.Text?.Data ?? '';
  const token = text.match(/token=([\w-]+)/)?.[1];
  if (token) rememberSecret(token);
  return { code: rememberSecret(text.match(/\b(\d{6})\b/)?.[1] ?? 'missing'), token };
}
function lostSms() {
  const text = sns.commandCalls(PublishCommand).at(-1)?.args[0].input.Message ?? '';
  return rememberSecret(text.match(/\b(\d{6})\b/)?.[1] ?? 'missing');
}

const check = (channel: 'email' | 'sms', to: string, purpose: string, code: string) =>
  service
    .request('POST', '/v1/verifications/check', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel, to, purpose, code },
    })
    .then((response) => response.body);

describe('Fresns (seed 001)', () => {
  const send = (body: unknown, ip: string) =>
    service.request('POST', '/api/v2/common/send-verify-code', {
      json: body,
      headers: { 'x-forwarded-for': ip },
    });

  it('answers 32302 for a failed mail, leaves no usable code, and lets the account retry at once', async () => {
    const body = { type: 'email', useType: 1, templateId: 2, account: 'fresh-fresns@example.com' };
    const failed = await send(body, '10.60.0.1');
    expect(failed.status).toBe(200);
    expect(failed.body.code).toBe(32302);
    expect(await check('email', 'fresh-fresns@example.com', 'register', lostMail().code)).toEqual({
      valid: false,
      status: 'not_found',
    });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    expect((await send(body, '10.60.0.2')).body.code).toBe(0);
  });

  it('answers 32302 for a failed SMS', async () => {
    const body = { type: 'sms', useType: 5, templateId: 7, account: '13800138111', countryCode: 86 };
    expect((await send(body, '10.60.0.3')).body.code).toBe(32302);
    expect((await check('sms', '+8613800138111', 'login', lostSms())).status).toBe('not_found');
  });
});

describe('EIAM (seed 003)', () => {
  let caller = 0;
  const headers = () => ({
    'x-operating-sys-version': 'linux',
    'x-device-fingerprint': `fault-device-${++caller}`,
    'x-agent': 'vitest',
    'x-client-id': 'nTo1eRIub60vPb54WeE6aojPwYwImtl4',
    'x-l': 'en',
    'x-forwarded-for': `10.61.0.${caller}`,
  });
  const challengeKey = (token: string) =>
    keyedHash(Buffer.from(process.env.PEPPER ?? '', 'utf8'), 'captcha-challenge', 'demo', token);
  /** A captcha_token for `sender`, solved with the answer the service stored. */
  async function captchaToken(h: Record<string, string>, sender: string) {
    const puzzle = await service.request('GET', '/api/v2/sdk/captcha', { headers: h });
    const { Item } = await db.send(
      new GetCommand({
        TableName: service.tableName,
        Key: { pk: `CAPTCHA#${challengeKey(puzzle.body.token)}`, sk: 'CAPTCHA' },
      }),
    );
    const point = `{"x":${Number(Item?.x).toFixed(1)},"y":5.0}`;
    const verified = await service.request('POST', '/api/v2/sdk/captcha/verify', {
      headers: h,
      json: { point_json: point, token: puzzle.body.token, sender },
    });
    return String(verified.body.captcha_token);
  }

  it('answers 400 SDK.SMS.1003 for a failed mail and leaves no usable code', async () => {
    const h = headers();
    const email = 'eiam-fault@example.com';
    const response = await service.request('POST', '/api/v2/sdk/email/send', {
      headers: h,
      json: { email, type: 'REGISTER_EMS', captcha_token: await captchaToken(h, email) },
    });
    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('SDK.SMS.1003');
    expect((await check('email', email, 'register', lostMail().code)).status).toBe('not_found');
  });

  it('answers 400 SDK.SMS.1003 for a failed SMS', async () => {
    const h = headers();
    const mobile = '+8613800138222';
    const response = await service.request('POST', '/api/v2/sdk/sms/send', {
      headers: h,
      json: { mobile, type: 'LOGIN_SMS', captcha_token: await captchaToken(h, mobile) },
    });
    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe('SDK.SMS.1003');
    expect((await check('sms', mobile, 'login', lostSms())).status).toBe('not_found');
  });
});

describe('AnqiCMS (seed 004)', () => {
  it('answers -1 with the localized failure, and neither the code nor the link in the lost mail works', async () => {
    const send = () =>
      service.request('POST', '/api/verify/email', {
        json: { email: 'alice@example.com', state: 'verify' },
        headers: { 'accept-language': 'en', 'x-forwarded-for': '10.62.0.1' },
      });
    const failed = await send();
    expect(failed.body).toEqual({ code: -1, msg: 'Failed to send the email, please try again later' });
    const lost = lostMail();
    expect(lost.token).toBeDefined();
    expect((await check('email', 'alice@example.com', 'verify_identity', lost.code)).status).toBe(
      'not_found',
    );
    const confirm = await service.request('GET', '/api/verify/email', {
      query: { token: lost.token ?? '', email: 'alice@example.com', state: 'verify', return: 'json' },
      headers: { 'accept-language': 'en' },
    });
    expect(confirm.body.code).toBe(-1);

    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    expect((await send()).body.code).toBe(0);
  });
});
