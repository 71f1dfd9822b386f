// Seed 002 end to end through the local runtime (outbox delivery): signature, replay, limits, phones, enterprise SMS, fuzz.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_TYPES, EMAIL_TYPES, SEND_SMS_CODES } from '../lib/dialects/acceleronix/codes.ts';
import { enterpriseSmsProblem } from '../lib/dialects/acceleronix/sms.ts';
import { advanceClock } from '../lib/runtime.ts';
import { concatSha256Hex } from '../lib/signature.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { type TenantInput, tenantSchema } from '../lib/tenants/schema.ts';
import {
  cnNumbers,
  DEMO_DOMAIN,
  DEMO_SECRET,
  type Fields,
  freshIps,
  freshRandom,
  PATH,
  signed,
  testTenant,
} from './helpers/acceleronix-sms.ts';
import { startService, type TestService } from './helpers/service.ts';

const OTHER_DOMAIN = 'C.DM.0002.1';
const OTHER_SECRET = 'otherSecret0000000000000000000000000000000000';
const MINUTE = 60_000;

const cnNumber = cnNumbers('1391');
const e164 = (phone: string) => `+86${phone}`;
const freshIp = freshIps(2);
const tenantBase = (id: string, domain: string): TenantInput => testTenant(id, { domain });

/** A demo-like enterprise block; tests break one thing at a time. */
const enterprise = (owner: string) => ({
  signatureId: 'sig-1',
  templateId: 'tpl-1',
  accounts: [{ id: 'acct-1', owner, enabled: true }],
  signatures: [{ id: 'sig-1', accountId: 'acct-1', type: 'verification' as const, owner, enabled: true }],
  templates: [{ id: 'tpl-1', accountId: 'acct-1', type: 'verification' as const, owner, enabled: true }],
});

const EXTRA_TENANTS: TenantInput[] = [
  { ...tenantBase('nosecret', 'C.TEST.NOSECRET.1'), userDomainSecret: undefined },
  { ...tenantBase('disabled', 'C.TEST.DISABLED.1'), disabled: true },
  {
    ...tenantBase('sigoff', 'C.TEST.SIGOFF.1'),
    sms: {
      allowedCountries: ['CN'],
      dailyBudget: 1000,
      enterprise: {
        ...enterprise('sigoff'),
        signatures: [
          { id: 'sig-1', accountId: 'acct-1', type: 'verification', owner: 'sigoff', enabled: false },
        ],
      },
    },
  },
  {
    ...tenantBase('noids', 'C.TEST.NOIDS.1'),
    sms: {
      allowedCountries: ['CN'],
      dailyBudget: 1000,
      enterprise: { ...enterprise('noids'), signatureId: undefined },
    },
  },
];

let service: TestService;

beforeAll(async () => {
  const file = await loadTenantsFile(DEMO_TENANTS_FILE);
  service = await startService({
    tenants: { tenants: [...file.tenants, ...EXTRA_TENANTS.map((tenant) => tenantSchema.parse(tenant))] },
  });
});
afterAll(async () => {
  await service?.stop();
});

const send = (query: Fields, ip = freshIp()) =>
  service.request('POST', PATH, { query, headers: { 'x-forwarded-for': ip } });

/** Whether the store holds a replay key for (tenant, random): the nonce was consumed. */
async function nonceStored(tenantId: string, random: string): Promise<boolean> {
  const db = createDocumentClient(service.endpoint);
  try {
    const { Item } = await db.send(
      new GetCommand({
        TableName: service.tableName,
        Key: { pk: `NONCE#sig#${tenantId}#${random}`, sk: 'NONCE' },
      }),
    );
    return Item !== undefined;
  } finally {
    db.destroy();
  }
}

const check = (to: string, purpose: string, code: string) =>
  service.request('POST', '/v1/verifications/check', {
    headers: { authorization: 'Bearer demo-api-key' },
    json: { channel: 'sms', to, purpose, code },
  });

describe('seed 002 sendPhoneSmsCode: the happy path', () => {
  it('sends a 6-digit code for +86 13800138000 that the native check approves as register (codeType 3)', async () => {
    const response = await send(signed());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ code: 200, msg: 'OK', extMsg: '', data: {} });

    const messages = service.messages('+8613800138000');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: 'sms', tenant: 'demo', purpose: 'register' });
    const code = service.lastCode('+8613800138000');
    expect(code).toMatch(/^\d{6}$/);

    // Bound to its purpose: a login check does not consume it.
    expect((await check('+8613800138000', 'login', code)).body.valid).toBe(false);
    expect((await check('+8613800138000', 'register', code)).body).toEqual({
      valid: true,
      status: 'approved',
    });
  });

  it.each([
    ['1', 'reset_password'],
    ['2', 'login'],
    ['3', 'register'],
    ['4', 'delete_account'],
    ['5', 'add_push_recipient'],
  ])('codeType %s maps to purpose %s', async (codeType, purpose) => {
    const phone = cnNumber();
    expect((await send(signed({ phone, codeType }))).body.code).toBe(200);
    expect(service.messages(e164(phone))[0]?.purpose).toBe(purpose);
    expect((await check(e164(phone), purpose, service.lastCode(e164(phone)))).body.valid).toBe(true);
  });

  it('accepts the parameters from a JSON body (numbers too) and from a form body', async () => {
    const jsonPhone = cnNumber();
    const fields = signed({ phone: jsonPhone });
    const json = await service.request('POST', PATH, {
      json: { ...fields, codeType: Number(fields.codeType), ts: Number(fields.ts), internationalCode: 86 },
      headers: { 'x-forwarded-for': freshIp() },
    });
    expect(json.body.code).toBe(200);
    expect(service.messages(e164(jsonPhone))).toHaveLength(1);

    // A form body is what a cross-site page can post without a preflight: refused before any check.
    const formPhone = cnNumber();
    const form = await service.request('POST', PATH, {
      body: new URLSearchParams(signed({ phone: formPhone, internationalCode: '+86' })).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': freshIp() },
    });
    expect(form.body).toMatchObject({
      code: 50005,
      extMsg: 'Content-Type application/json expected (or no body)',
    });
    expect(service.messages(e164(formPhone))).toHaveLength(0);
  });

  it('serves a tenant without enterprise SMS settings with its own sender settings (tenant other, US)', async () => {
    const response = await send(
      signed({ phone: '2015550123', internationalCode: '1', userDomain: OTHER_DOMAIN }, OTHER_SECRET),
    );
    expect(response.body.code).toBe(200);
    expect(service.messages('+12015550123')[0]?.tenant).toBe('other');
  });
});

describe('seed 002: signature, timestamp and replay', () => {
  it('refuses the identical signed request replayed, with no second SMS', async () => {
    const phone = cnNumber();
    const request = signed({ phone });
    expect((await send(request)).body.code).toBe(200);

    // Within the 60 s cooldown the address limit answers first; both refuse, neither sends.
    const again = await send(request);
    expect([5032, 5058]).toContain(again.body.code);
    expect(service.messages(e164(phone))).toHaveLength(1);
  });

  it('accepts each random once per tenant: the same random re-signed for another number is 5032', async () => {
    const random = freshRandom();
    expect(await nonceStored('demo', random)).toBe(false);
    expect((await send(signed({ phone: cnNumber(), random }))).body.code).toBe(200);
    expect(await nonceStored('demo', random)).toBe(true);
    const phone = cnNumber();
    const reused = await send(signed({ phone, random }));
    expect(reused.body).toMatchObject({ code: 5032, extMsg: 'random was already used', data: null });
    expect(service.messages(e164(phone))).toHaveLength(0);
  });

  it('lets 100 concurrent copies of one signed request send exactly one SMS', async () => {
    const phone = cnNumber();
    const request = signed({ phone });
    const ip = freshIp();
    const responses = await Promise.all(Array.from({ length: 100 }, () => send(request, ip)));
    const codes = responses.map((response) => response.body.code);
    expect(codes.filter((code) => code === 200)).toHaveLength(1);
    for (const code of codes.filter((value) => value !== 200)) expect([5032, 5058]).toContain(code);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(service.messages(e164(phone))).toHaveLength(1);
  });

  it('accepts one random once even when 50 numbers are signed with it at the same moment', async () => {
    // Distinct numbers and IPs: no cooldown or per-IP limit can stop these, only the nonce.
    const random = freshRandom();
    const phones = Array.from({ length: 50 }, () => cnNumber());
    const responses = await Promise.all(phones.map((phone) => send(signed({ phone, random }), freshIp())));
    const codes = responses.map((response) => response.body.code);
    expect(codes.filter((code) => code === 200)).toHaveLength(1);
    expect(codes.filter((code) => code === 5032)).toHaveLength(49);
    expect(phones.flatMap((phone) => service.messages(e164(phone)))).toHaveLength(1);
  });

  it('refuses a one-character change in any signed field with 5032 and sends nothing', async () => {
    const phone = cnNumber();
    const good = signed({ phone });
    const bump = (value: string, at: number) => {
      const char = value[at] ?? '0';
      const next = /\d/.test(char) ? String((Number(char) + 1) % 10) : char === 'a' ? 'b' : 'a';
      return value.slice(0, at) + next + value.slice(at + 1);
    };
    const changed: Fields[] = [
      { ...good, phone: bump(good.phone ?? '', 10) },
      { ...good, codeType: good.codeType === '3' ? '2' : '3' },
      { ...good, random: bump(good.random ?? '', 5) },
      { ...good, ts: bump(good.ts ?? '', 12) },
      { ...good, signature: bump(good.signature ?? '', 20) },
      signed({ phone, random: good.random ?? '', ts: good.ts ?? '' }, `${DEMO_SECRET.slice(0, -1)}4`),
    ];
    for (const request of changed) {
      const response = await send(request);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ code: 5032, extMsg: 'signature does not match', data: null });
    }
    expect(service.messages(e164(phone))).toHaveLength(0);
    expect(service.messages(e164(bump(phone, 10)))).toHaveLength(0);

    // None of the refusals consumed the nonce: the genuine request still goes through.
    expect((await send(good)).body.code).toBe(200);
    expect(service.messages(e164(phone))).toHaveLength(1);
  });

  it('accepts the signature in upper case', async () => {
    const phone = cnNumber();
    const request = signed({ phone });
    expect((await send({ ...request, signature: request.signature?.toUpperCase() ?? '' })).body.code).toBe(
      200,
    );
  });

  it.each([
    ['11 minutes old', -11 * MINUTE, 'ts is more than 10 minutes behind server time'],
    ['11 minutes ahead', 11 * MINUTE, 'ts is more than 10 minutes ahead of server time'],
  ])('refuses a correctly signed ts %s with 5032, consuming nothing', async (_name, skew, extMsg) => {
    const phone = cnNumber();
    const random = freshRandom();
    const response = await send(signed({ phone, random, ts: String(Date.now() + skew) }));
    expect(response.body).toMatchObject({ code: 5032, extMsg });
    expect(service.messages(e164(phone))).toHaveLength(0);
    expect((await send(signed({ phone, random }))).body.code).toBe(200);
  });

  it('accepts a ts 9 minutes off either way', async () => {
    for (const skew of [-9 * MINUTE, 9 * MINUTE]) {
      expect((await send(signed({ phone: cnNumber(), ts: String(Date.now() + skew) }))).body.code).toBe(200);
    }
  });

  it.each([
    ['random of 15 chars', { random: 'A'.repeat(15) }],
    ['random of 17 chars', { random: 'A'.repeat(17) }],
    ['random with a non-alphanumeric', { random: `${'A'.repeat(15)}-` }],
    ['ts of 12 digits', { ts: String(Date.now()).slice(0, 12) }],
    ['ts of 14 digits', { ts: `${Date.now()}0` }],
    ['ts with a sign', { ts: `+${String(Date.now()).slice(1)}` }],
    ['codeType 0', { codeType: '0' }],
    ['codeType 6', { codeType: '6' }],
    ['codeType 03', { codeType: '03' }],
    ['codeType constructor', { codeType: 'constructor' }],
  ])('refuses a signed request with %s as 50005, sending nothing', async (_name, override) => {
    const phone = cnNumber();
    const response = await send(signed({ phone, ...override }));
    expect(response.body.code).toBe(50005);
    expect(response.body.extMsg).not.toBe('');
    expect(service.messages(e164(phone))).toHaveLength(0);
  });

  it('refuses a malformed signature (63 / 65 chars, non-hex) with 50005', async () => {
    const phone = cnNumber();
    const good = signed({ phone });
    const sig = good.signature ?? '';
    for (const signature of [sig.slice(1), `${sig}a`, `${sig.slice(1)}g`, '']) {
      expect((await send({ ...good, signature })).body.code).toBe(50005);
    }
    expect(service.messages(e164(phone))).toHaveLength(0);
  });

  it('fails closed for a tenant with no signing secret (5032)', async () => {
    const response = await send(signed({ phone: cnNumber(), userDomain: 'C.TEST.NOSECRET.1' }, ''));
    expect(response.body).toMatchObject({ code: 5032, extMsg: 'this user domain has no signing secret' });
  });
});

describe('seed 002: phones, tenants and limits', () => {
  it.each([
    ['no phone', { phone: undefined }, 5021],
    ['blank phone', { phone: '  ' }, 5021],
    ['phone with a plus', { phone: '+8613800138000' }, 5019],
    ['phone with letters', { phone: '1380013800O' }, 5019],
    ['phone too short for China', { phone: '1380013800' }, 5019],
    ['phone of 16 digits', { phone: '1380013800012345' }, 5019],
    ['no internationalCode', { internationalCode: undefined }, 5116],
    ['blank internationalCode', { internationalCode: ' ' }, 5116],
    ['letters as internationalCode', { internationalCode: 'CN' }, 5019],
    ['no userDomain', { userDomain: undefined }, 5023],
    ['badly formed userDomain', { userDomain: 'a b' }, 5013],
    ['unknown userDomain', { userDomain: 'C.DM.9999.1' }, 5015],
    ['disabled userDomain', { userDomain: 'C.TEST.DISABLED.1' }, 5104],
    ['no codeType', { codeType: undefined }, 50005],
    ['no random', { random: undefined }, 50005],
    ['no ts', { ts: undefined }, 50005],
    ['no signature', { signature: undefined }, 50005],
  ])('%s → HTTP 200 with code %i and no SMS', async (_name, override, code) => {
    const before = service.messages().length;
    const fields: Fields = {};
    for (const [name, value] of Object.entries({ ...signed(), ...override })) {
      if (value !== undefined) fields[name] = value;
    }
    const response = await send(fields);
    expect(response.status).toBe(200);
    expect(response.body.code).toBe(code);
    expect(typeof response.body.msg).toBe('string');
    expect(response.body.data).toBeNull();
    expect(service.messages()).toHaveLength(before);
  });

  it('normalizes internationalCode 86, +86 and 0086 to one E.164 number', async () => {
    const phone = cnNumber();
    expect((await send(signed({ phone, internationalCode: '0086' }))).body.code).toBe(200);
    expect(service.messages(e164(phone))).toHaveLength(1);
  });

  it('refuses a number in a country the tenant does not allow with 403 before any delivery', async () => {
    const response = await send(signed({ phone: '15123456789', internationalCode: '49' }));
    expect(response.body).toMatchObject({
      code: 403,
      msg: 'Forbidden',
      extMsg: 'SMS to this country or region is not allowed: the number reads as DE',
    });
    expect(service.messages('+4915123456789')).toHaveLength(0);
  });

  it('a captured request cannot be replayed to another country: internationalCode is unsigned, the nonce is used at first sight', async () => {
    // 15123456789 is a German mobile under 49 and a Chinese one under 86.
    const captured = signed({ phone: '15123456789', internationalCode: '49' });
    expect((await send(captured)).body.code).toBe(403);
    const rerouted = await send({ ...captured, internationalCode: '86' });
    expect(rerouted.body).toMatchObject({ code: 5032, extMsg: 'random was already used' });
    expect(service.messages('+8615123456789')).toHaveLength(0);
  });

  it('refuses a second send to the same number within 60 s with 5058, and its nonce is used up all the same', async () => {
    const phone = cnNumber();
    expect((await send(signed({ phone }))).body.code).toBe(200);
    const second = signed({ phone, codeType: '2' });
    const refused = await send(second);
    expect(refused.body.code).toBe(5058);
    expect(refused.body.extMsg).toMatch(
      /^refused by the cooldown between two codes to one address: retry after \d+ s$/,
    );
    expect(service.messages(e164(phone))).toHaveLength(1);

    // A correctly signed request uses its nonce up on first sight: after the cooldown it is a replay.
    advanceClock(61_000);
    expect((await send(second)).body).toMatchObject({ code: 5032, extMsg: 'random was already used' });
    expect((await send(signed({ phone, codeType: '2' }))).body.code).toBe(200);
    expect(service.messages(e164(phone))).toHaveLength(2);
  });

  it('refuses the identical request after the cooldown as a replay (5032)', async () => {
    const phone = cnNumber();
    const request = signed({ phone });
    expect((await send(request)).body.code).toBe(200);
    advanceClock(61_000);
    expect((await send(request)).body).toMatchObject({ code: 5032, extMsg: 'random was already used' });
    expect(service.messages(e164(phone))).toHaveLength(1);
  });

  it('keeps only the last unused code valid, for 5 minutes', async () => {
    const phone = cnNumber();
    expect((await send(signed({ phone }))).body.code).toBe(200);
    const first = service.lastCode(e164(phone));
    advanceClock(61_000);
    expect((await send(signed({ phone }))).body.code).toBe(200);
    const second = service.lastCode(e164(phone));
    if (first !== second) expect((await check(e164(phone), 'register', first)).body.valid).toBe(false);

    advanceClock(301_000);
    expect((await check(e164(phone), 'register', second)).body).toEqual({ valid: false, status: 'expired' });

    const fresh = cnNumber();
    expect((await send(signed({ phone: fresh }))).body.code).toBe(200);
    advanceClock(299_000);
    expect((await check(e164(fresh), 'register', service.lastCode(e164(fresh)))).body.valid).toBe(true);
  });
});

describe('seed 000/002 enum tables', () => {
  it('hold exactly the documented values, with no inherited keys such as constructor or __proto__', () => {
    expect(Object.keys(CODE_TYPES)).toEqual(['1', '2', '3', '4', '5']);
    expect(Object.keys(EMAIL_TYPES)).toEqual(['1', '2', '3', '4', '5']);
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(CODE_TYPES[key]).toBeUndefined();
      expect(EMAIL_TYPES[key]).toBeUndefined();
    }
  });
});

describe('seed 002: enterprise SMS settings', () => {
  const tenantWith = (patch: (settings: ReturnType<typeof enterprise>) => unknown) =>
    tenantSchema.parse({
      ...tenantBase('acme', 'C.TEST.ACME.1'),
      sms: { allowedCountries: ['CN'], enterprise: patch(enterprise('acme')) },
    });
  const sig = (settings: ReturnType<typeof enterprise>, patch: object) => ({
    ...settings,
    signatures: settings.signatures.map((item) => ({ ...item, ...patch })),
  });
  const tpl = (settings: ReturnType<typeof enterprise>, patch: object) => ({
    ...settings,
    templates: settings.templates.map((item) => ({ ...item, ...patch })),
  });
  const acct = (settings: ReturnType<typeof enterprise>, patch: object) => ({
    ...settings,
    accounts: settings.accounts.map((item) => ({ ...item, ...patch })),
  });

  it.each([
    ['valid settings', (s: ReturnType<typeof enterprise>) => s, undefined],
    ['no signatureId', (s: ReturnType<typeof enterprise>) => ({ ...s, signatureId: undefined }), 5117],
    ['no templateId', (s: ReturnType<typeof enterprise>) => ({ ...s, templateId: undefined }), 5118],
    ['unknown signature', (s: ReturnType<typeof enterprise>) => ({ ...s, signatureId: 'sig-x' }), 5202],
    ['unknown template', (s: ReturnType<typeof enterprise>) => ({ ...s, templateId: 'tpl-x' }), 5209],
    ['signature owned by another tenant', (s: ReturnType<typeof enterprise>) => sig(s, { owner: 'x' }), 5122],
    ['signature disabled', (s: ReturnType<typeof enterprise>) => sig(s, { enabled: false }), 5123],
    ['template owned by another tenant', (s: ReturnType<typeof enterprise>) => tpl(s, { owner: 'x' }), 5124],
    ['template disabled', (s: ReturnType<typeof enterprise>) => tpl(s, { enabled: false }), 5125],
    [
      'template under another account',
      (s: ReturnType<typeof enterprise>) => tpl(s, { accountId: 'a2' }),
      5126,
    ],
    ['account missing', (s: ReturnType<typeof enterprise>) => ({ ...s, accounts: [] }), 5188],
    ['account owned by another tenant', (s: ReturnType<typeof enterprise>) => acct(s, { owner: 'x' }), 5188],
    ['account disabled', (s: ReturnType<typeof enterprise>) => acct(s, { enabled: false }), 5128],
    ['types differ', (s: ReturnType<typeof enterprise>) => tpl(s, { type: 'marketing' }), 5216],
  ])('%s → %s', (_name, patch, code) => {
    expect(enterpriseSmsProblem(tenantWith(patch))).toBe(code);
  });

  it('has no problem when a tenant has no enterprise settings', () => {
    expect(enterpriseSmsProblem(tenantSchema.parse(tenantBase('plain', 'C.TEST.PLAIN.1')))).toBeUndefined();
  });

  it.each([
    ['C.TEST.SIGOFF.1', 'sigoff', 5123],
    ['C.TEST.NOIDS.1', 'noids', 5117],
  ])(
    'a correctly signed request on %s (%s) answers %i with no SMS, and its nonce is used up',
    async (domain, id, code) => {
      const phone = cnNumber();
      const random = freshRandom();
      const response = await send(
        signed({ phone, random, userDomain: domain }, `${id}-secret-0123456789abcdef`),
      );
      expect(response.body.code).toBe(code);
      expect(service.messages(e164(phone))).toHaveLength(0);
      expect(await nonceStored(id, random)).toBe(true);
    },
  );
});

describe('seed 002: fuzzed queries', () => {
  it('answers only documented codes, HTTP 200, never a service exception (1,000 runs)', async () => {
    const pool = [cnNumber(), cnNumber(), cnNumber()];
    const text = fc.string({ unit: 'binary', maxLength: 24 });
    // Mostly well-formed values (so runs reach the tenant, signature, limits and engine), with every
    // field sometimes malformed, arbitrary or absent.
    const field = (likely: fc.Arbitrary<string>, ...odd: fc.Arbitrary<string>[]) =>
      fc.oneof(
        { arbitrary: likely, weight: 12 },
        ...odd.map((arbitrary) => ({ arbitrary, weight: 2 })),
        { arbitrary: text, weight: 1 },
        { arbitrary: fc.constant(undefined), weight: 1 },
      );
    const request = fc.record({
      phone: field(fc.constantFrom(...pool, '2015550123'), fc.stringMatching(/^\+?\d{3,17}$/)),
      internationalCode: field(fc.constant('86'), fc.constantFrom('+86', '0086', '1', '49', '999', '')),
      codeType: field(
        fc.constantFrom('1', '2', '3', '4', '5'),
        fc.constantFrom('0', '6', '03', ' 3', '__proto__', 'toString'),
      ),
      random: field(fc.stringMatching(/^[A-Za-z0-9]{16}$/), fc.stringMatching(/^[A-Za-z0-9]{14,18}$/)),
      ts: field(
        fc.integer({ min: -9 * MINUTE, max: 9 * MINUTE }).map((skew) => String(Date.now() + skew)),
        fc.integer({ min: -15 * MINUTE, max: 15 * MINUTE }).map((skew) => String(Date.now() + skew)),
        fc.stringMatching(/^\d{11,15}$/),
      ),
      userDomain: field(
        fc.constant(DEMO_DOMAIN),
        fc.constantFrom(
          OTHER_DOMAIN,
          'C.TEST.DISABLED.1',
          'C.TEST.NOSECRET.1',
          'C.TEST.SIGOFF.1',
          'C.DM.9999.1',
        ),
      ),
      sign: fc.oneof(
        { arbitrary: fc.constant(true), weight: 6 },
        { arbitrary: fc.constant(false), weight: 1 },
      ),
      signature: field(fc.stringMatching(/^[0-9a-fA-F]{64}$/), fc.stringMatching(/^[0-9a-fA-F]{62,66}$/)),
      carrier: fc.oneof(
        { arbitrary: fc.constant('query'), weight: 6 },
        { arbitrary: fc.constantFrom('json', 'form', 'broken'), weight: 1 },
      ),
    });
    const ip = freshIp();
    await fc.assert(
      fc.asyncProperty(request, async ({ sign, carrier, ...raw }) => {
        const fields: Fields = {};
        for (const [name, value] of Object.entries(raw)) if (value !== undefined) fields[name] = value;
        if (sign) {
          const secret = fields.userDomain === OTHER_DOMAIN ? OTHER_SECRET : DEMO_SECRET;
          fields.signature = concatSha256Hex([
            fields.phone ?? '',
            fields.codeType ?? '',
            fields.random ?? '',
            fields.ts ?? '',
            secret,
          ]);
        }
        const headers = { 'x-forwarded-for': ip };
        const response =
          carrier === 'query'
            ? await service.request('POST', PATH, { query: fields, headers })
            : carrier === 'json'
              ? await service.request('POST', PATH, { json: fields, headers })
              : carrier === 'form'
                ? await service.request('POST', PATH, {
                    body: new URLSearchParams(fields).toString(),
                    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
                  })
                : await service.request('POST', PATH, {
                    body: `{"phone": ${JSON.stringify(fields.phone ?? '')}`,
                    headers: { ...headers, 'content-type': 'application/json' },
                  });
        expect(response.status).toBe(200);
        expect(SEND_SMS_CODES).toContain(response.body.code);
        expect(response.body.code).not.toBe(50000);
        expect(typeof response.body.msg).toBe('string');
        expect(typeof response.body.extMsg).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
