// Seed 002 through the local runtime with the real SNS client (mocked by aws-sdk-client-mock): the Publish
// input, SNS failures, the daily budget under concurrency, per-IP limits and the country allow-list.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { type TenantInput, tenantSchema } from '../lib/tenants/schema.ts';
import {
  cnNumbers,
  type Fields,
  freshIps,
  PATH,
  secretOf,
  signed,
  testTenant,
} from './helpers/acceleronix-sms.ts';
import { startService, type TestService } from './helpers/service.ts';
import { rememberSecret } from './setup/log-guard.ts';

// Mock every SNSClient before the runtime builds its texter: no request leaves the machine.
const sns = mockClient(SNSClient);

const cnNumber = cnNumbers('1592');
const freshIp = freshIps(3);
const tenant = (id: string, sms: TenantInput['sms'], limits?: TenantInput['limits']): TenantInput =>
  testTenant(id, { sms, limits });
const domainOf = (id: string) => `C.TEST.${id.toUpperCase()}.1`;

const BUDGET = 5;
const EXTRA_TENANTS: TenantInput[] = [
  tenant('budget', { allowedCountries: ['CN'], dailyBudget: BUDGET }),
  tenant('race', { allowedCountries: ['CN'], dailyBudget: BUDGET }),
  tenant(
    'perip',
    { allowedCountries: ['CN'], dailyBudget: 100 },
    { perIp: { limit: 2, windowSeconds: 3600 } },
  ),
  tenant('brand', {
    senderId: 'TenantSMS',
    originationNumber: '+12065550100',
    maxPrice: '0.50',
    // The pumping guard caps MaxPrice at what it charges a text; a dearer CN price leaves the tenant's 0.50 lower.
    guard: { pricesUsd: { CN: 0.6 } },
    allowedCountries: ['CN'],
    dailyBudget: 100,
    enterprise: {
      signatureId: 'sig-brand',
      templateId: 'tpl-brand',
      accounts: [{ id: 'acct', owner: 'brand' }],
      signatures: [
        { id: 'sig-brand', accountId: 'acct', type: 'verification', owner: 'brand', senderId: 'BrandSig' },
      ],
      templates: [{ id: 'tpl-brand', accountId: 'acct', type: 'verification', owner: 'brand' }],
    },
  }),
];

let service: TestService;

beforeAll(async () => {
  const file = await loadTenantsFile(DEMO_TENANTS_FILE);
  service = await startService({
    delivery: 'aws',
    tenants: { tenants: [...file.tenants, ...EXTRA_TENANTS.map((input) => tenantSchema.parse(input))] },
  });
});
afterAll(async () => {
  await service?.stop();
  sns.restore();
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'mocked' });
});

const send = (query: Fields, ip = freshIp()) =>
  service.request('POST', PATH, { query, headers: { 'x-forwarded-for': ip } });

const check = (to: string, purpose: string, code: string) =>
  service.request('POST', '/v1/verifications/check', {
    headers: { authorization: 'Bearer demo-api-key' },
    json: { channel: 'sms', to, purpose, code },
  });

const publishes = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
const codeIn = (message: string | undefined) => rememberSecret(message?.match(/\b(\d{6})\b/)?.[1] ?? '');

describe('seed 002 over SNS', () => {
  it('publishes to the E.164 number as Transactional with the tenant sender settings', async () => {
    const response = await send(signed());
    expect(response.body).toEqual({ code: 200, msg: 'OK', extMsg: '', data: {} });

    const [input, ...more] = publishes();
    expect(more).toHaveLength(0);
    expect(input?.PhoneNumber).toBe('+8613800138000');
    expect(input?.MessageAttributes?.['AWS.SNS.SMS.SMSType']).toEqual({
      DataType: 'String',
      StringValue: 'Transactional',
    });
    expect(input?.MessageAttributes?.['AWS.SNS.SMS.SenderID']).toEqual({
      DataType: 'String',
      StringValue: 'Codegate',
    });
    const code = codeIn(input?.Message);
    expect(code).toMatch(/^\d{6}$/);
    expect((await check('+8613800138000', 'register', code)).body).toEqual({
      valid: true,
      status: 'approved',
    });
  });

  it("uses the enterprise signature's sender ID and the tenant's origination number and max price", async () => {
    const response = await send(
      signed({ phone: cnNumber(), userDomain: domainOf('brand') }, secretOf('brand')),
    );
    expect(response.body.code).toBe(200);
    const attributes = publishes()[0]?.MessageAttributes ?? {};
    expect(attributes['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Transactional');
    expect(attributes['AWS.SNS.SMS.SenderID']?.StringValue).toBe('BrandSig');
    expect(attributes['AWS.MM.SMS.OriginationNumber']?.StringValue).toBe('+12065550100');
    expect(attributes['AWS.SNS.SMS.MaxPrice']).toEqual({ DataType: 'Number', StringValue: '0.50' });
  });

  it('answers 5059 when SNS fails, leaves no usable code, and does not lock the number out', async () => {
    const phone = cnNumber();
    const to = `+86${phone}`;
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const failed = await send(signed({ phone }));
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ code: 5059, msg: 'Sending exception', data: null });
    const lost = codeIn(publishes()[0]?.Message);
    expect(lost).toMatch(/^\d{6}$/);
    expect((await check(to, 'register', lost)).body.valid).toBe(false);

    // SNS recovers: an immediate new request (new random) is not refused by the cooldown.
    sns.on(PublishCommand).resolves({ MessageId: 'mocked' });
    expect((await send(signed({ phone }))).body.code).toBe(200);
    const calls = publishes();
    expect(calls).toHaveLength(2);
    const code = codeIn(calls[1]?.Message);
    expect((await check(to, 'register', lost)).body.valid).toBe(code === lost);
    expect((await check(to, 'register', code)).body).toEqual({ valid: true, status: 'approved' });
  });

  it('refuses a number in a country the tenant does not allow before any SNS call', async () => {
    const response = await send(signed({ phone: '15123456789', internationalCode: '49' }));
    expect(response.body.code).toBe(403);
    const us = await send(
      signed(
        { phone: '2015550123', internationalCode: '1', userDomain: domainOf('budget') },
        secretOf('budget'),
      ),
    );
    expect(us.body.code).toBe(403);
    expect(publishes()).toHaveLength(0);
  });

  it('refuses every send once the daily budget is spent, with no SNS call under 50 concurrent requests', async () => {
    for (let i = 0; i < BUDGET; i++) {
      const sent = await send(
        signed({ phone: cnNumber(), userDomain: domainOf('budget') }, secretOf('budget')),
      );
      expect(sent.body.code).toBe(200);
    }
    expect(publishes()).toHaveLength(BUDGET);

    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        send(signed({ phone: cnNumber(), userDomain: domainOf('budget') }, secretOf('budget'))),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses.map((response) => response.body.code)).toEqual(Array(50).fill(5058));
    expect(responses.some((response) => response.body.extMsg === 'daily SMS budget exhausted')).toBe(true);
    expect(publishes()).toHaveLength(BUDGET);
  });

  it('never spends more than the budget when 50 concurrent sends race for it', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        send(signed({ phone: cnNumber(), userDomain: domainOf('race') }, secretOf('race'))),
      ),
    );
    const codes = responses.map((response) => response.body.code);
    const sent = codes.filter((code) => code === 200).length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(BUDGET);
    for (const code of codes.filter((value) => value !== 200)) expect(code).toBe(5058);
    expect(publishes()).toHaveLength(sent);
  });

  it('refuses a third send from one IP over the per-IP limit, and its nonce is used up all the same', async () => {
    const ip = freshIp();
    const sendPerIp = (request: Fields, from: string) => send(request, from);
    const mk = () => signed({ phone: cnNumber(), userDomain: domainOf('perip') }, secretOf('perip'));
    expect((await sendPerIp(mk(), ip)).body.code).toBe(200);
    expect((await sendPerIp(mk(), ip)).body.code).toBe(200);
    const third = mk();
    const refused = await sendPerIp(third, ip);
    expect(refused.body.code).toBe(5058);
    expect(publishes()).toHaveLength(2);

    // A correctly signed request is used up on first sight: replayed from another IP it is refused.
    expect((await sendPerIp(third, freshIp())).body.code).toBe(5032);
    expect(publishes()).toHaveLength(2);
  });
});
