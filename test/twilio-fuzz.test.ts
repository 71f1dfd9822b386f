// Fuzzed raw HTTP against the Twilio Verify v2 routes (fast-check, 1,000 runs per route): every answer is a
// Twilio resource or Twilio's error JSON with a documented code, and never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../lib/dialects/twilio/index.ts';
import { fuzzInPool } from './helpers/fuzz.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

const DOCUMENTED = new Set(Object.keys(ERRORS).map(Number));
const SERVICE = 'VA0123456789abcdef0123456789abcdef';
const OTHER_SERVICE = 'VA00000000000000000000000000000002';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Strings a client (or an attacker) would send. */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '0', '-1', 'null', '%00', '../../etc', '{}', '[]', 'é', '\u0000'),
  fc.integer().map(String),
);
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const sid = (prefix: string) => hex32.map((hex) => `${prefix}${hex}`);
const phone = fc.oneof(
  fc.constantFrom(
    '+12025550123',
    '+12025550199',
    '+442071838750',
    '+8613800138000',
    '+447400123456',
    '+1000',
  ),
  fc.stringMatching(/^\+[1-9]\d{5,14}$/),
);
/** A few deliverable addresses, so sends succeed and then repeat into the send limits. */
const deliverable = fc.constantFrom('+12025550123', '+12025550199', '+447400123456', 'fuzz@example.com');
const to = fc.oneof(
  { weight: 4, arbitrary: deliverable },
  { weight: 2, arbitrary: phone },
  fc.constantFrom('fuzz@example.com', 'a@b', 'x@example.org'),
  fc.emailAddress(),
  text,
);
const auth = fc.oneof(
  // Mostly the right credentials and service, so most runs get past authentication to the parameters.
  {
    weight: 12,
    arbitrary: fc.constant(basic('AC0123456789abcdef0123456789abcdef', 'demo-twilio-auth-token')),
  },
  fc.constant(basic('AC00000000000000000000000000000002', 'other-twilio-auth-token')),
  fc.constant(basic('AC0123456789abcdef0123456789abcdef', 'wrong')),
  sid('AC').map((account) => basic(account, 'demo-twilio-auth-token')),
  text.map((value) => basic(value, value)),
  fc.constantFrom('', 'Basic', 'Basic !!!', 'Bearer demo-api-key'),
);
const serviceSid = fc.oneof(
  { weight: 10, arbitrary: fc.constant(SERVICE) },
  fc.constant(OTHER_SERVICE),
  sid('VA'),
  text,
);
const verificationSid = fc.oneof(sid('VE'), text);
const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
);
const ip = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.13.${a}.${b}`);

/**
 * A form body from these fields (any subset; often exactly the `core` ones, so well-formed requests are
 * common enough to reach the store), or an arbitrary string.
 */
const body = (fields: Record<string, fc.Arbitrary<string>>, core: string[] = []) => {
  const encode = (f: Partial<Record<string, string>>) =>
    new URLSearchParams(
      Object.entries(f).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
  const coreFields = Object.fromEntries(Object.entries(fields).filter(([name]) => core.includes(name)));
  return fc.oneof(
    { weight: core.length ? 4 : 0, arbitrary: fc.record(coreFields).map(encode) },
    { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }).map(encode) },
    { weight: 1, arbitrary: fc.oneof(fc.json(), fc.string({ maxLength: 80 })) },
  );
};

interface Seen {
  codes: Map<number, number>;
  ok: number;
}

async function assertTwilioAnswer(
  method: string,
  path: string,
  request: { body: string; authorization: string; type: string; clientIp: string },
  seen: Seen,
) {
  const response = await service.request(method, path, {
    body: method === 'GET' ? undefined : request.body,
    headers: {
      authorization: request.authorization,
      'content-type': request.type,
      'x-forwarded-for': request.clientIp,
    },
  });
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  if (response.status >= 400) {
    expect(Object.keys(response.body).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    expect(DOCUMENTED.has(response.body.code)).toBe(true);
    expect(response.body.status).toBe(response.status);
    expect(response.body.more_info).toBe(`https://www.twilio.com/docs/errors/${response.body.code}`);
    seen.codes.set(response.body.code, (seen.codes.get(response.body.code) ?? 0) + 1);
  } else {
    expect([200, 201]).toContain(response.status);
    expect(response.body.sid).toMatch(/^VE[0-9a-f]{32}$/);
    seen.ok++;
  }
}

const newSeen = (): Seen => ({ codes: new Map(), ok: 0 });
/**
 * A path segment as a client would encode it. An empty, `.` or `..` segment never reaches these routes
 * (URL normalization or no route match: API Gateway's own 404), so the generators map those to `x`.
 */
const path = (value: string) => (/^\.{0,2}$/.test(value) ? 'x' : encodeURIComponent(value));

/**
 * Fuzzes one form POST under a service (`…/Services/{ServiceSid}/<resource>`): any service id, form, auth,
 * content type and client IP.
 */
const fuzzServicePost = (resource: string, form: fc.Arbitrary<string>, seen: Seen) =>
  fuzzInPool(
    fc.tuple(serviceSid, form, auth, contentType, ip),
    async ([service_, payload, authorization, type, clientIp]) => {
      await assertTwilioAnswer(
        'POST',
        `/v2/Services/${path(service_)}/${resource}`,
        { body: payload, authorization, type, clientIp },
        seen,
      );
    },
  );

// Each property makes 1,000 real requests; on a loaded 2-core machine that can take more than the default.
describe('Twilio routes under fuzzing', { timeout: 240_000 }, () => {
  it('POST …/Verifications answers a resource or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    const form = body(
      {
        To: to,
        Channel: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom('sms', 'sms', 'email', 'call', 'whatsapp', 'sna', 'auto', 'SMS'),
          },
          text,
        ),
        Locale: fc.oneof(fc.constantFrom('en', 'zh', 'fr'), text),
        CustomFriendlyName: text,
        CustomCode: fc.oneof(fc.stringMatching(/^\d{4,10}$/), text),
        ChannelConfiguration: fc.oneof(fc.json(), text),
        DeviceIp: fc.oneof(fc.ipV4(), text),
        Tags: fc.oneof(fc.json(), text),
        AppHash: fc.oneof(fc.stringMatching(/^[A-Za-z0-9+/]{11}$/), text),
        Amount: text,
        Payee: text,
        RateLimits: fc.oneof(fc.json(), text),
        RiskCheck: fc.oneof(fc.constantFrom('enable', 'disable'), text),
        EnableSnaClientToken: fc.oneof(fc.constantFrom('true', 'false'), text),
        TemplateSid: text,
      },
      ['To', 'Channel'],
    );
    await fuzzServicePost('Verifications', form, seen);
    // The generator reaches every layer: auth, service, parameters, landlines and real sends.
    for (const code of [20003, 20404, 60200, 60223]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
  });

  it('POST …/VerificationCheck answers a check or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    const form = body({
      Code: fc.oneof(fc.stringMatching(/^\d{4,10}$/), text),
      To: to,
      VerificationSid: verificationSid,
    });
    await fuzzServicePost('VerificationCheck', form, seen);
    for (const code of [20003, 20404, 60200]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
  });

  it('GET …/Verifications/{Sid} answers a resource or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    await fuzzInPool(
      fc.tuple(serviceSid, verificationSid, auth, ip),
      async ([service_, sid_, authorization, clientIp]) => {
        await assertTwilioAnswer(
          'GET',
          `/v2/Services/${path(service_)}/Verifications/${path(sid_)}`,
          { body: '', authorization, type: 'text/plain', clientIp },
          seen,
        );
      },
    );
    for (const code of [20003, 20404]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
  });

  it('POST …/Verifications/{Sid} answers a resource or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    const form = body({ Status: fc.oneof(fc.constantFrom('canceled', 'approved', 'pending'), text) });
    await fuzzInPool(
      fc.tuple(serviceSid, verificationSid, form, auth, contentType, ip),
      async ([service_, sid_, payload, authorization, type, clientIp]) => {
        await assertTwilioAnswer(
          'POST',
          `/v2/Services/${path(service_)}/Verifications/${path(sid_)}`,
          { body: payload, authorization, type, clientIp },
          seen,
        );
      },
    );
    for (const code of [20003, 20404, 60200]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
  });
});
