// Fuzzed requests (fast-check, 1,000 runs per endpoint): only documented codes, never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEND_EMAIL_CODES } from '../lib/dialects/acceleronix/codes.ts';
import { ERRORS } from '../lib/dialects/native/index.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

const RUNS = { numRuns: 1000 };
const ACCELERONIX_CODES = new Set<number>(SEND_EMAIL_CODES);
const NATIVE_CODES = new Set(Object.keys(ERRORS));

/** Strings that look like what a client (or an attacker) would send. */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.emailAddress(),
  fc.constantFrom(
    '',
    ' ',
    'C.DM.5903.1',
    'C.DM.0002.1',
    '1',
    '5',
    '0',
    '-1',
    '1e3',
    'null',
    '%00',
    '../../etc',
  ),
  fc.integer().map(String),
);
const simpleEmail = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9.+-]{0,14}[a-z0-9]$/),
    fc.constantFrom('example.com', 'example.org'),
  )
  .map(([local, domain]) => `${local}@${domain}`);
const ip = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.9.${a}.${b}`);

describe('seed 000 under fuzzing', () => {
  it('answers HTTP 200 with a documented code for any query and body', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            email: fc.oneof(simpleEmail, fc.emailAddress(), text),
            emailType: fc.oneof(fc.constantFrom('1', '2', '3', '4', '5'), text),
            userDomain: fc.oneof(fc.constantFrom('C.DM.5903.1', 'C.DM.0002.1'), text),
            extra: text,
          },
          { requiredKeys: [] },
        ),
        fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 60 })), { nil: undefined, freq: 4 }),
        ip,
        async (query, body, clientIp) => {
          const response = await service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
            query: query as Record<string, string>,
            body,
            headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp },
          });
          expect(response.status).toBe(200);
          expect(ACCELERONIX_CODES.has(response.body.code)).toBe(true);
          expect(Object.keys(response.body).sort()).toEqual(['code', 'data', 'extMsg', 'msg']);
          seen.set(response.body.code, (seen.get(response.body.code) ?? 0) + 1);
        },
      ),
      RUNS,
    );
    // The runs really reached the service, and the generator reaches deep: missing, malformed and valid.
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
    // (Each of these shows up 20+ times per 1,000 runs; rarer ones such as 5015 are not required.)
    for (const code of [200, 5026, 5040, 50005]) expect(seen.get(code)).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });
});

describe('native API under fuzzing', () => {
  const field = fc.oneof(
    text,
    fc.constantFrom('email', 'sms', 'register', 'login', '+8613800138000'),
    fc.integer(),
  );
  const body = fc.oneof(
    fc.record(
      { channel: field, to: field, purpose: field, code: field, locale: field },
      { requiredKeys: [] },
    ),
    fc.json().map((json) => JSON.parse(json) as unknown),
  );
  const auth = fc.constantFrom('Bearer demo-api-key', 'Bearer other-api-key', 'Bearer x', '', 'Basic abc');

  it.each([
    ['POST', '/v1/verifications'],
    ['POST', '/v1/verifications/check'],
  ])('%s %s answers < 500 with documented error codes', async (method, path) => {
    await fc.assert(
      fc.asyncProperty(body, auth, ip, async (json, authorization, clientIp) => {
        const response = await service.request(method, path, {
          json,
          headers: { authorization, 'x-forwarded-for': clientIp },
        });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(NATIVE_CODES.has(response.body.error.code)).toBe(true);
        else expect([200, 201]).toContain(response.status);
      }),
      RUNS,
    );
  });

  it('POST /v1/grants/redeem answers < 500 with documented codes and never redeems a guess', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record(
            { to: field, purpose: field, token: fc.oneof(text, fc.base64String()) },
            { requiredKeys: [] },
          ),
          fc.json().map((json) => JSON.parse(json) as unknown),
        ),
        auth,
        async (json, authorization) => {
          const response = await service.request('POST', '/v1/grants/redeem', {
            json,
            headers: { authorization },
          });
          expect(response.status).toBeLessThan(500);
          if (response.status === 200) expect(response.body).toEqual({ valid: false });
          else expect(NATIVE_CODES.has(response.body.error.code)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('GET /v1/verifications?… answers 200/400/401/404 with documented codes for any query', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ channel: field, to: field, purpose: field, extra: text }, { requiredKeys: [] }),
        auth,
        async (query, authorization) => {
          const response = await service.request('GET', '/v1/verifications', {
            query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
            headers: { authorization },
          });
          expect([200, 400, 401, 404]).toContain(response.status);
          if (response.status !== 200) expect(NATIVE_CODES.has(response.body.error.code)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('GET /v1/verifications/{id} answers 401/404 for any unknown id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), auth, async (id, authorization) => {
        const response = await service.request('GET', `/v1/verifications/${encodeURIComponent(id)}`, {
          headers: { authorization },
        });
        expect([401, 404]).toContain(response.status);
        expect(NATIVE_CODES.has(response.body?.error?.code) || response.body?.message === 'Not Found').toBe(
          true,
        );
      }),
      RUNS,
    );
  });
});
