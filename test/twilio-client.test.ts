// The Twilio Verify v2 dialect driven by the official `twilio` npm client: its custom httpClient only rewrites
// https://verify.twilio.com to the local runtime, so every request and every parse is the client's own.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock } from '../lib/runtime.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { TenantsFile } from '../lib/tenants/schema.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';
import { scalars, scanAll } from './helpers/table.ts';
import { DEMO_TWILIO, LocalHttpClient, restError } from './helpers/twilio-client.ts';

const { account: ACCOUNT, token: TOKEN } = DEMO_TWILIO;
const SERVICE: string = DEMO_TWILIO.service;
const OTHER_SERVICE = 'VA00000000000000000000000000000002';
/** A service of the demo tenant added for this file: custom codes allowed, 4 digits. */
const CUSTOM_SERVICE = 'VA0000000000000000000000000000c0de';

let service: TestService;
let client: twilio.Twilio;
const verify = (sid = SERVICE) => client.verify.v2.services(sid);

beforeAll(async () => {
  const tenants: TenantsFile = await loadTenantsFile(DEMO_TENANTS_FILE);
  const demo = tenants.tenants.find((tenant) => tenant.id === 'demo');
  demo?.twilio?.services.push({
    sid: CUSTOM_SERVICE,
    friendlyName: 'Custom Codes',
    codeLength: 4,
    customCodeEnabled: true,
  });
  service = await startService({ tenants });
  client = twilio(ACCOUNT, TOKEN, { httpClient: new LocalHttpClient(service.url) });
});
afterAll(async () => {
  await service?.stop();
});

let phone = 100;
/** A fresh US mobile number per test (cooldowns are per address). */
const nextPhone = () => `+120255501${String(++phone).padStart(2, '0').slice(-2)}`;
const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

describe('Twilio Verify v2 through the official client', () => {
  it('creates an SMS verification the client parses in full, and approves its code', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    expect(created.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      serviceSid: SERVICE,
      accountSid: ACCOUNT,
      to,
      channel: 'sms',
      status: 'pending',
      valid: false,
      amount: null,
      payee: null,
      sna: null,
    });
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(created.dateUpdated).toBeInstanceOf(Date);
    expect(Math.abs(created.dateCreated.getTime() - Date.now())).toBeLessThan(120_000);
    expect(created.sendCodeAttempts).toEqual([
      { attempt_sid: expect.stringMatching(/^VL[0-9a-f]{32}$/), channel: 'sms', time: expect.any(String) },
    ]);
    expect(created.url).toBe(`${service.url}/v2/Services/${SERVICE}/Verifications/${created.sid}`);

    const [sms] = service.messages(to);
    expect(sms?.text).toContain('Codegate Demo');
    const code = service.lastCode(to);
    expect(code).toMatch(/^\d{6}$/);
    const check = await verify().verificationChecks.create({ to, code });
    expect(check).toMatchObject({ sid: created.sid, status: 'approved', valid: true, to, channel: 'sms' });
    expect(check.dateCreated).toBeInstanceOf(Date);
    expect(check.snaAttemptsErrorCodes).toEqual([]);
  });

  it('creates an email verification and approves it by VerificationSid', async () => {
    const to = 'twilio-mail@example.com';
    const created = await verify().verifications.create({ to, channel: 'email' });
    expect(created).toMatchObject({ channel: 'email', to, status: 'pending' });
    const [mail] = service.messages(to);
    expect(mail?.subject).toContain('Codegate Demo');
    const check = await verify().verificationChecks.create({
      verificationSid: created.sid,
      code: service.lastCode(to),
    });
    expect(check).toMatchObject({ sid: created.sid, status: 'approved', valid: true, to, channel: 'email' });
    // Twilio keeps only pending verifications: once approved, the resource is gone.
    expect(await restError(verify().verifications(created.sid).fetch())).toMatchObject({
      code: 20404,
      status: 404,
    });
  });

  it('answers a wrong code with pending, and still approves the right one afterwards', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const code = service.lastCode(to);
    const wrong = await verify().verificationChecks.create({ to, code: wrongCode(code) });
    expect(wrong).toMatchObject({ sid: created.sid, status: 'pending', valid: false });
    expect((await verify().verificationChecks.create({ to, code })).status).toBe('approved');
  });

  it('after five wrong codes: 60202 from the client, status max_attempts_reached, the right code refused', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const code = service.lastCode(to);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect((await verify().verificationChecks.create({ to, code: wrongCode(code) })).status).toBe(
        'pending',
      );
    }
    const fifth = await restError(verify().verificationChecks.create({ to, code: wrongCode(code) }));
    expect(fifth).toMatchObject({
      code: 60202,
      status: 429,
      moreInfo: 'https://www.twilio.com/docs/errors/60202',
    });
    expect(fifth.code).toBe(60202);
    expect((await restError(verify().verifications(created.sid).fetch())).code).toBe(20404);
    expect((await restError(verify().verificationChecks.create({ to, code }))).code).toBe(60202);
  });

  it('fetches a verification by sid with its current status, and 20404 for an unknown sid', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const fetched = await verify().verifications(created.sid).fetch();
    expect(fetched).toMatchObject({
      sid: created.sid,
      to,
      channel: 'sms',
      status: 'pending',
      serviceSid: SERVICE,
    });
    expect(fetched.sendCodeAttempts).toHaveLength(1);
    const unknown = await restError(
      verify()
        .verifications(`VE${'0'.repeat(32)}`)
        .fetch(),
    );
    expect(unknown).toMatchObject({ code: 20404, status: 404 });
  });

  it('a resend while pending keeps the sid, appends the attempt and delivers the same code', async () => {
    const to = nextPhone();
    const first = await verify().verifications.create({ to, channel: 'sms' });
    const firstCode = service.lastCode(to);
    const again = await verify().verifications.create({ to, channel: 'sms' });
    expect(again.sid).toBe(first.sid);
    expect(again.sendCodeAttempts).toHaveLength(2);
    expect(again.dateCreated.getTime()).toBe(first.dateCreated.getTime());
    expect(service.messages(to)).toHaveLength(2);
    expect(service.lastCode(to)).toBe(firstCode);
    const approved = await verify().verificationChecks.create({
      verificationSid: first.sid,
      code: firstCode,
    });
    expect(approved.status).toBe('approved');
  });

  it('five wrong checks across a resend use up the verification: the right code no longer approves', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const code = service.lastCode(to);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await verify().verificationChecks.create({ to, code: wrongCode(code) });
    }
    const resent = await verify().verifications.create({ to, channel: 'sms' });
    expect(resent.sid).toBe(created.sid);
    expect(service.lastCode(to)).toBe(code);
    expect((await verify().verificationChecks.create({ to, code: wrongCode(code) })).status).toBe('pending');
    expect((await restError(verify().verificationChecks.create({ to, code: wrongCode(code) }))).code).toBe(
      60202,
    );
    expect(
      (await restError(verify().verificationChecks.create({ verificationSid: created.sid, code }))).code,
    ).toBe(60202);
  });

  it('a new verification after an approved one gets a new sid', async () => {
    const to = nextPhone();
    const first = await verify().verifications.create({ to, channel: 'sms' });
    await verify().verificationChecks.create({ to, code: service.lastCode(to) });
    advanceClock(61_000);
    const second = await verify().verifications.create({ to, channel: 'sms' });
    expect(second.sid).not.toBe(first.sid);
    expect(second.sendCodeAttempts).toHaveLength(1);
  });

  it("no cooldown: five sends to a To in 10 minutes pass, the sixth is Twilio's 60203 naming the limit", async () => {
    const to = nextPhone();
    for (let send = 1; send <= 5; send++) await verify().verifications.create({ to, channel: 'sms' });
    const refused = await restError(verify().verifications.create({ to, channel: 'sms' }));
    expect(refused).toMatchObject({ code: 60203, status: 429 });
    const raw = await twilioPost(service, '/Verifications', { To: to, Channel: 'sms' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('twilio-reached-rate-limit')).toBe('send-attempts-per-to');
    expect(service.messages(to)).toHaveLength(5);
  });

  it('cancels a pending verification: status canceled, its code no longer checks (20404)', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const canceled = await verify().verifications(created.sid).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid: created.sid, status: 'canceled', valid: false });
    const check = await restError(verify().verificationChecks.create({ to, code: service.lastCode(to) }));
    expect(check).toMatchObject({ code: 20404, status: 404 });
    expect((await restError(verify().verifications(created.sid).fetch())).code).toBe(20404);
    expect((await restError(verify().verifications(created.sid).update({ status: 'canceled' }))).code).toBe(
      20404,
    );
  });

  it('approves a pending verification by status update', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const approved = await verify().verifications(created.sid).update({ status: 'approved' });
    expect(approved).toMatchObject({ status: 'approved', valid: true });
    expect(
      (await restError(verify().verificationChecks.create({ to, code: service.lastCode(to) }))).code,
    ).toBe(20404);
  });

  it("answers 20404 for another account's service, and for its verifications", async () => {
    const refused = await restError(
      verify(OTHER_SERVICE).verifications.create({ to: nextPhone(), channel: 'sms' }),
    );
    expect(refused).toMatchObject({ code: 20404, status: 404 });
    const other = twilio('AC00000000000000000000000000000002', 'other-twilio-auth-token', {
      httpClient: new LocalHttpClient(service.url),
    });
    const mine = await verify().verifications.create({ to: nextPhone(), channel: 'sms' });
    const theirs = await restError(other.verify.v2.services(OTHER_SERVICE).verifications(mine.sid).fetch());
    expect(theirs).toMatchObject({ code: 20404, status: 404 });
  });

  it('answers 20003 (401) for a wrong auth token or an unknown account', async () => {
    for (const [account, token] of [
      [ACCOUNT, 'not-the-token'],
      ['AC99999999999999999999999999999999', TOKEN],
    ] as const) {
      const wrong = twilio(account, token, { httpClient: new LocalHttpClient(service.url) });
      const refused = await restError(
        wrong.verify.v2.services(SERVICE).verifications.create({ to: nextPhone(), channel: 'sms' }),
      );
      expect(refused).toMatchObject({
        code: 20003,
        status: 401,
        moreInfo: 'https://www.twilio.com/docs/errors/20003',
      });
    }
  });

  it('answers 60205 (403) for a landline, 60200 for an invalid number, and 60605 for a country not allowed', async () => {
    const landline = await restError(verify().verifications.create({ to: '+442071838750', channel: 'sms' }));
    expect(landline).toMatchObject({ code: 60205, status: 403 });
    const invalid = await restError(verify().verifications.create({ to: '+1000', channel: 'sms' }));
    expect(invalid).toMatchObject({ code: 60200, status: 400 });
    const other = twilio('AC00000000000000000000000000000002', 'other-twilio-auth-token', {
      httpClient: new LocalHttpClient(service.url),
    });
    const blocked = await restError(
      other.verify.v2.services(OTHER_SERVICE).verifications.create({ to: '+8613800138000', channel: 'sms' }),
    );
    expect(blocked).toMatchObject({ code: 60605, status: 403 });
    expect(service.messages('+442071838750')).toHaveLength(0);
  });

  it('answers 60223 (channel disabled) naming the channel for sna, auto, rcs and voice', async () => {
    // whatsapp and call are offered (test/channels-whatsapp-voice.test.ts); `voice` is no Twilio channel name.
    for (const channel of ['sna', 'auto', 'rcs', 'voice']) {
      const refused = await restError(verify().verifications.create({ to: nextPhone(), channel }));
      expect(refused.code).toBe(60223);
      expect(refused.status).toBe(400);
      expect(refused.message).toContain(`${channel} is not offered`);
    }
  });

  it('uses a custom code only where the service allows it, and the service code length otherwise', async () => {
    const refused = await restError(
      verify().verifications.create({ to: nextPhone(), channel: 'sms', customCode: '4321' }),
    );
    expect(refused.code).toBe(60200);

    const to = nextPhone();
    await verify(CUSTOM_SERVICE).verifications.create({ to, channel: 'sms', customFriendlyName: 'Acme' });
    expect(service.lastCode(to)).toMatch(/^\d{4}$/);
    expect(service.messages(to)[0]?.text).toContain('Acme');

    const custom = nextPhone();
    await verify(CUSTOM_SERVICE).verifications.create({ to: custom, channel: 'sms', customCode: '867530' });
    expect(service.lastCode(custom)).toBe('867530');
    const check = await verify(CUSTOM_SERVICE).verificationChecks.create({ to: custom, code: '867530' });
    expect(check.status).toBe('approved');
  });

  it('is one engine: a Twilio code checks through the native API; a native code is no Twilio verification', async () => {
    const native = (path: string, json: unknown) =>
      service.request('POST', path, { json, headers: { authorization: 'Bearer demo-api-key' } });

    const viaTwilio = 'cross-one@example.com';
    await verify().verifications.create({ to: viaTwilio, channel: 'email' });
    const checked = await native('/v1/verifications/check', {
      channel: 'email',
      to: viaTwilio,
      purpose: 'general',
      code: service.lastCode(viaTwilio),
    });
    expect(checked.body).toEqual({ valid: true, status: 'approved' });

    const viaNative = 'cross-two@example.com';
    const sent = await native('/v1/verifications', { channel: 'email', to: viaNative, purpose: 'general' });
    expect(sent.status).toBe(201);
    // A check by To sees only this service's and account's verifications.
    const check = await restError(
      verify().verificationChecks.create({ to: viaNative, code: service.lastCode(viaNative) }),
    );
    expect(check.code).toBe(20404);
  });
});

describe('Twilio verifications under concurrency', () => {
  it('a right code approves exactly once under 20 concurrent checks by sid and by To', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const code = service.lastCode(to);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        verify()
          .verificationChecks.create(i % 2 ? { verificationSid: created.sid, code } : { to, code })
          .then(
            (check) => check.status,
            (error: InstanceType<typeof twilio.RestException>) => error.code,
          ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'approved')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== 'approved').every((outcome) => outcome === 20404)).toBe(
      true,
    );
  });

  it('concurrent resends of a pending verification all keep its sid', async () => {
    const to = nextPhone();
    const first = await verify().verifications.create({ to, channel: 'sms' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        verify()
          .verifications.create({ to, channel: 'sms' })
          .then(
            (resent) => resent.sid,
            (error: InstanceType<typeof twilio.RestException>) => error.code,
          ),
      ),
    );
    // The window (5 sends) lets four more through, each keeping the sid; the rest are refused.
    expect(results.filter((result) => result === first.sid).length).toBeLessThanOrEqual(4);
    expect(results.filter((result) => result === first.sid).length).toBeGreaterThanOrEqual(1);
    expect(results.filter((result) => result !== first.sid).every((result) => result === 60203)).toBe(true);
  });
});

describe('Twilio verifications at rest', () => {
  it('the table holds no address and no code in clear, though a check by sid finds the address again', async () => {
    const to = 'at-rest@example.com';
    const created = await verify().verifications.create({ to, channel: 'email' });
    const code = service.lastCode(to);
    const db = createDocumentClient(service.endpoint);
    const items = await scanAll(db, service.tableName);
    db.destroy();
    expect(items.some((item) => String(item.pk).includes(created.sid))).toBe(true);
    const values = items.flatMap(scalars).join('\n');
    expect(values).not.toContain(to);
    expect(values).not.toMatch(new RegExp(`\\b${code}\\b`));
    const check = await verify().verificationChecks.create({ verificationSid: created.sid, code });
    expect(check).toMatchObject({ status: 'approved', to });
  });
});

describe('Twilio wire details over raw HTTP', () => {
  const basic = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it("errors are Twilio's JSON: exactly code, message, more_info and status, as application/json", async () => {
    const response = await service.request('POST', `/v2/Services/${SERVICE}/Verifications`, {
      body: form({ To: nextPhone(), Channel: 'fax' }),
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(response.body).sort()).toEqual(['code', 'message', 'more_info', 'status']);
    expect(response.body).toMatchObject({
      code: 60200,
      status: 400,
      more_info: 'https://www.twilio.com/docs/errors/60200',
    });
  });

  it('writes timestamps to the second with Z, and ignores unknown parameters', async () => {
    const response = await service.request('POST', `/v2/Services/${SERVICE}/Verifications`, {
      body: form({ To: nextPhone(), Channel: 'sms', Tags: '{"a":"1"}', SomethingNew: 'x', Locale: 'fr' }),
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(201);
    expect(response.body.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(response.body.send_code_attempts[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers 401 with WWW-Authenticate when no credentials are sent', async () => {
    const response = await service.request(
      'GET',
      `/v2/Services/${SERVICE}/Verifications/VE${'1'.repeat(32)}`,
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Basic');
    expect(response.body.code).toBe(20003);
  });
});
