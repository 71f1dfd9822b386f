// Fuzzed raw HTTP against Rate Limits, Buckets and Verification Attempts (fast-check, 1,000 runs per route): every
// answer is a Twilio resource or page, an empty 204, or Twilio's error JSON with a documented code — never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../lib/dialects/twilio/index.ts';
import { fuzzInPool, fuzzText, twilioAuth, twilioContentType } from './helpers/fuzz.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';

let service: TestService;
/** A rate limit and bucket this file made, so fetch, update and delete reach real items. */
let limitSid = '';
let bucketSid = '';
let attemptSid = '';
beforeAll(async () => {
  service = await startService();
  limitSid = (await twilioPost(service, '/RateLimits', { UniqueName: 'fuzz_base' })).body.sid;
  bucketSid = (await twilioPost(service, `/RateLimits/${limitSid}/Buckets`, { Max: '5', Interval: '60' }))
    .body.sid;
  const sent = await twilioPost(service, '/Verifications', {
    To: 'fuzz-attempt@example.com',
    Channel: 'email',
  });
  attemptSid = sent.body.send_code_attempts[0].attempt_sid;
});
afterAll(async () => {
  await service?.stop();
});

const DOCUMENTED = new Set(Object.keys(ERRORS).map(Number));
const DEMO_SERVICE = 'VA0123456789abcdef0123456789abcdef';
const text = fuzzText;
const auth = twilioAuth;
const contentType = twilioContentType;
/** A form of the resources' parameters, mostly plausible values. */
const form = fc
  .record(
    {
      UniqueName: fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[a-z_]{1,12}$/) }, text),
      Description: text,
      Max: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -2, max: 2_000_000 }).map(String) }, text),
      Interval: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: -2, max: 40_000_000 }).map(String) },
        text,
      ),
    },
    { requiredKeys: [] },
  )
  .map((fields) => new URLSearchParams(fields).toString());
const body = fc.oneof({ weight: 6, arbitrary: form }, fc.json(), fc.string({ maxLength: 80 }));
/** A path segment as a client would encode it (`.` and `..` never reach a route: URL normalization). */
const segment = (value: string) => (/^\.{0,2}$/.test(value) ? 'x' : encodeURIComponent(value));
const sidLike = (prefix: string, real: () => string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(0).map(() => real()) },
    fc.stringMatching(new RegExp(`^${prefix}[0-9a-f]{32}$`)),
    text.map(segment),
  );
const service_ = fc.oneof(
  { weight: 6, arbitrary: fc.constant(DEMO_SERVICE) },
  sidLike('VA', () => DEMO_SERVICE),
);
const limit = sidLike('RK', () => limitSid);
const bucket = sidLike('BL', () => bucketSid);
/** A query of the list, summary and page parameters, mostly plausible values. */
const query = fc
  .record(
    {
      PageSize: fc.oneof(fc.integer({ min: -1, max: 1200 }).map(String), text),
      Page: fc.oneof(fc.nat(3).map(String), text),
      PageToken: fc.oneof(fc.stringMatching(/^PAVL[0-9a-f]{32}$/), text),
      Status: fc.oneof(fc.constantFrom('converted', 'unconverted'), text),
      Channel: fc.oneof(fc.constantFrom('sms', 'email', 'call', 'whatsapp', 'rbm'), text),
      Country: fc.oneof(fc.constantFrom('GB', 'us', 'XX'), text),
      DateCreatedAfter: fc.oneof(
        fc.date().map((date) => (Number.isNaN(date.getTime()) ? 'x' : date.toISOString())),
        text,
      ),
      'ChannelData.To': fc.oneof(fc.constantFrom('+12025550123', 'a@example.com'), text),
      VerifyServiceSid: fc.oneof(fc.constant(DEMO_SERVICE), text),
      VerificationSid: fc.oneof(fc.stringMatching(/^VE[0-9a-f]{32}$/), text),
      DestinationPrefix: fc.oneof(fc.constantFrom('+1', '44', '+4477'), text),
    },
    { requiredKeys: [] },
  )
  .map((fields) => new URLSearchParams(fields).toString());

async function assertTwilioAnswer(
  method: string,
  path: string,
  payload: string,
  authorization: string,
  type: string,
) {
  const response = await service.request(method, path, {
    body: method === 'GET' || method === 'DELETE' ? undefined : payload,
    headers: { authorization, 'content-type': type },
  });
  expect(response.status).toBeLessThan(500);
  if (response.status === 204) {
    expect(response.text).toBe('');
    return;
  }
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  if (response.status >= 400) {
    expect(Object.keys(response.body).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    expect(DOCUMENTED.has(response.body.code)).toBe(true);
    expect(response.body.status).toBe(response.status);
  } else {
    expect([200, 201]).toContain(response.status);
    const key = response.body.meta?.key;
    if (key) expect(Array.isArray(response.body[key])).toBe(true);
    else if ('total_attempts' in response.body)
      expect(response.body.total_attempts).toBeGreaterThanOrEqual(0);
    else expect(response.body.sid).toMatch(/^(RK|BL|VL)[0-9a-f]{32}$/);
  }
}

type Method = 'GET' | 'POST' | 'DELETE';
/** Every new route: its method and a path arbitrary (the query rides on every GET). */
const ROUTES: [Method, string, fc.Arbitrary<string>][] = [
  ['POST', 'create rate limit', service_.map((s) => `/v2/Services/${s}/RateLimits`)],
  ['GET', 'list rate limits', service_.map((s) => `/v2/Services/${s}/RateLimits`)],
  ['GET', 'fetch rate limit', fc.tuple(service_, limit).map(([s, l]) => `/v2/Services/${s}/RateLimits/${l}`)],
  [
    'POST',
    'update rate limit',
    fc.tuple(service_, limit).map(([s, l]) => `/v2/Services/${s}/RateLimits/${l}`),
  ],
  [
    'DELETE',
    'delete rate limit',
    fc.tuple(service_, limit).map(([s, l]) => `/v2/Services/${s}/RateLimits/${l}`),
  ],
  [
    'POST',
    'create bucket',
    fc.tuple(service_, limit).map(([s, l]) => `/v2/Services/${s}/RateLimits/${l}/Buckets`),
  ],
  [
    'GET',
    'list buckets',
    fc.tuple(service_, limit).map(([s, l]) => `/v2/Services/${s}/RateLimits/${l}/Buckets`),
  ],
  ...(['GET', 'POST', 'DELETE'] as const).map((method): [Method, string, fc.Arbitrary<string>] => [
    method,
    `${method} bucket`,
    fc.tuple(service_, limit, bucket).map(([s, l, b]) => `/v2/Services/${s}/RateLimits/${l}/Buckets/${b}`),
  ]),
  ['GET', 'list attempts', fc.constant('/v2/Attempts')],
  ['GET', 'fetch attempt', sidLike('VL', () => attemptSid).map((sid) => `/v2/Attempts/${sid}`)],
  ['GET', 'attempts summary', fc.constant('/v2/Attempts/Summary')],
];

describe('Rate Limits, Buckets and Attempts under fuzzing', { timeout: 240_000 }, () => {
  for (const [method, name, path] of ROUTES) {
    it(`${name} answers a resource or a documented code, never a 5xx`, async () => {
      await fuzzInPool(
        fc.tuple(path, query, body, auth, contentType),
        async ([at, search, payload, authorization, type]) => {
          const url = method === 'GET' ? `${at}?${search}` : at;
          await assertTwilioAnswer(method, url, payload, authorization, type);
        },
      );
    });
  }
});
