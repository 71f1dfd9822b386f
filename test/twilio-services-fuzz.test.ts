// Fuzzed raw HTTP against the Services API and the /v2 catch-all (fast-check, 1,000 runs per route): every answer is
// a Twilio resource, an empty 204, or Twilio's error JSON with a documented code — never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../lib/dialects/twilio/index.ts';
import { SERVICE_PARAMETERS } from '../lib/dialects/twilio/services.ts';
import { fuzzInPool, fuzzText, TWILIO_DEMO_AUTH, twilioAuth, twilioContentType } from './helpers/fuzz.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

const DOCUMENTED = new Set(Object.keys(ERRORS).map(Number));
const DEMO_SERVICE = 'VA0123456789abcdef0123456789abcdef';
const text = fuzzText;
const auth = twilioAuth;
const contentType = twilioContentType;
const DEMO_AUTH = TWILIO_DEMO_AUTH;
/** A settings form: any subset of the definition's parameters, mostly plausible values. */
const settings = fc
  .record(
    {
      FriendlyName: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Fuzz', 'Fuzz Two') }, text),
      CodeLength: fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), text),
      CustomCodeEnabled: fc.oneof(fc.constantFrom('true', 'false'), text),
      LookupEnabled: fc.oneof(fc.constantFrom('true', 'false'), text),
      Psd2Enabled: fc.oneof(fc.constantFrom('true', 'false'), text),
      Other: fc.tuple(fc.constantFrom(...SERVICE_PARAMETERS), text),
    },
    { requiredKeys: [] },
  )
  .map(({ Other, ...fields }) => {
    const form: Record<string, string> = { ...fields };
    if (Other) form[Other[0]] = Other[1];
    return new URLSearchParams(form).toString();
  });
/**
 * A body: mostly a random settings form, which a create accepts only by chance (a few in 1,000), so a plain valid
 * one too — the success path must be reached every run, not most runs.
 */
const body = fc.oneof(
  { weight: 6, arbitrary: settings },
  fc.constantFrom('FriendlyName=Fuzz', 'FriendlyName=Fuzz+Two&CodeLength=8'),
  fc.json(),
  fc.string({ maxLength: 80 }),
);
/** Sids of services this file made (so fetch, update and delete reach real items), the demo one, and noise. */
const made: string[] = [];
const serviceSid = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((n) => made[n % Math.max(made.length, 1)] ?? DEMO_SERVICE) },
  fc.constant(DEMO_SERVICE),
  fc.stringMatching(/^VA[0-9a-f]{32}$/),
  text,
);
/** A path segment as a client would encode it (`.` and `..` never reach a route: URL normalization). */
const segment = (value: string) => (/^\.{0,2}$/.test(value) ? 'x' : encodeURIComponent(value));

interface Seen {
  codes: Map<number, number>;
  ok: number;
}
const newSeen = (): Seen => ({ codes: new Map(), ok: 0 });

async function assertTwilioAnswer(
  method: string,
  path: string,
  request: { body?: string; authorization: string; type: string },
  seen: Seen,
) {
  const response = await service.request(method, path, {
    body: method === 'GET' || method === 'DELETE' ? undefined : request.body,
    headers: { authorization: request.authorization, 'content-type': request.type },
  });
  expect(response.status).toBeLessThan(500);
  if (response.status === 204) {
    expect(response.text).toBe('');
    seen.ok++;
    return response;
  }
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  if (response.status >= 400) {
    expect(Object.keys(response.body).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    expect(DOCUMENTED.has(response.body.code)).toBe(true);
    expect(response.body.status).toBe(response.status);
    seen.codes.set(response.body.code, (seen.codes.get(response.body.code) ?? 0) + 1);
  } else {
    expect([200, 201]).toContain(response.status);
    if ('services' in response.body) expect(response.body.meta.key).toBe('services');
    else expect(response.body.sid).toMatch(/^VA[0-9a-f]{32}$/);
    seen.ok++;
  }
  return response;
}

/**
 * Services of the demo account for fetch, update and delete to reach, made directly: the create fuzz adds its own,
 * but how many of its random forms make one is chance (twice a full run saw none reach the later tests).
 */
async function makeServices(count: number) {
  for (let n = 0; n < count; n++) {
    const response = await service.request('POST', '/v2/Services', {
      body: new URLSearchParams({ FriendlyName: `Fuzz ${n}` }).toString(),
      headers: { authorization: DEMO_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(201);
    made.push(response.body.sid);
  }
}

describe('the Services API under fuzzing', { timeout: 240_000 }, () => {
  it('POST /v2/Services answers a service or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    await fuzzInPool(fc.tuple(body, auth, contentType), async ([payload, authorization, type]) => {
      const response = await assertTwilioAnswer(
        'POST',
        '/v2/Services',
        { body: payload, authorization, type },
        seen,
      );
      if (response.status === 201 && authorization === DEMO_AUTH) made.push(response.body.sid);
    });
    for (const code of [20003, 60200]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
    expect(seen.ok, JSON.stringify([...seen.codes])).toBeGreaterThan(0);
  });

  it('GET /v2/Services answers a page or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    const query = fc.record(
      {
        PageSize: fc.oneof(fc.integer({ min: -1, max: 1001 }).map(String), text),
        Page: fc.oneof(fc.nat(5).map(String), text),
        PageToken: fc.oneof(fc.constantFrom('PTF1', 'PTT', `PTT${DEMO_SERVICE}`), text),
      },
      { requiredKeys: [] },
    );
    await fuzzInPool(fc.tuple(query, auth), async ([fields, authorization]) => {
      const search = new URLSearchParams(fields).toString();
      await assertTwilioAnswer(
        'GET',
        `/v2/Services${search ? `?${search}` : ''}`,
        { authorization, type: 'text/plain' },
        seen,
      );
    });
    for (const code of [20003, 60200]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
    expect(seen.ok, JSON.stringify([...seen.codes])).toBeGreaterThan(0);
  });

  it('GET /v2/Services/{Sid} answers a service or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    await makeServices(5);
    await fuzzInPool(fc.tuple(serviceSid, auth), async ([sid, authorization]) => {
      await assertTwilioAnswer(
        'GET',
        `/v2/Services/${segment(sid)}`,
        { authorization, type: 'text/plain' },
        seen,
      );
    });
    for (const code of [20003, 20404]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
    expect(seen.ok, JSON.stringify([...seen.codes])).toBeGreaterThan(0);
  });

  it('POST /v2/Services/{Sid} answers a service or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    await makeServices(5);
    await fuzzInPool(
      fc.tuple(serviceSid, body, auth, contentType),
      async ([sid, payload, authorization, type]) => {
        await assertTwilioAnswer(
          'POST',
          `/v2/Services/${segment(sid)}`,
          { body: payload, authorization, type },
          seen,
        );
      },
    );
    for (const code of [20003, 20403, 20404, 60200]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
    expect(seen.ok, JSON.stringify([...seen.codes])).toBeGreaterThan(0);
  });

  it('DELETE /v2/Services/{Sid} answers 204 or a documented code, never a 5xx', async () => {
    const seen = newSeen();
    await makeServices(5);
    await fuzzInPool(fc.tuple(serviceSid, auth), async ([sid, authorization]) => {
      await assertTwilioAnswer(
        'DELETE',
        `/v2/Services/${segment(sid)}`,
        { authorization, type: 'text/plain' },
        seen,
      );
    });
    for (const code of [20003, 20403, 20404]) expect(seen.codes.get(code) ?? 0).toBeGreaterThan(0);
    expect(seen.ok, JSON.stringify([...seen.codes])).toBeGreaterThan(0);
  });

  it('any other method or path under /v2 answers 20003 or 20404, never a 5xx or a bare Not Found', async () => {
    const seen = newSeen();
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE');
    const path = fc
      .array(text.map(segment), { minLength: 1, maxLength: 4 })
      .map((parts) => `/v2/Nope/${parts.join('/')}`);
    await fuzzInPool(
      fc.tuple(method, path, auth, contentType, body),
      async ([verb, where, authorization, type, payload]) => {
        await assertTwilioAnswer(verb, where, { body: payload, authorization, type }, seen);
      },
    );
    expect(new Set(seen.codes.keys())).toEqual(new Set([20003, 20404]));
    expect(seen.ok).toBe(0);
  });
});
