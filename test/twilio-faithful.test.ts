// Issue 21, "Twilio Verify, faithfully", through the official `twilio` client against the local runtime:
// messages (AppHash, locales), refused parameters, isolation between services and accounts, sids and To
// in the path, and the order of the credential and origin checks.
import { createHash } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock } from '../lib/runtime.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { TenantsFile } from '../lib/tenants/schema.ts';
import { startService, type TestService } from './helpers/service.ts';
import { DEMO_TWILIO, LocalHttpClient, restError } from './helpers/twilio-client.ts';

const { account: ACCOUNT, token: TOKEN } = DEMO_TWILIO;
const SECOND_ACCOUNT = 'AC0000000000000000000000000000beef';
const SECOND_TOKEN = 'second-account-token';
const SERVICE: string = DEMO_TWILIO.service;
/** Service B of the demo tenant, added here: custom codes allowed. */
const SERVICE_B = 'VA0000000000000000000000000000000b';

let service: TestService;
let client: twilio.Twilio;
let second: twilio.Twilio;
const verify = (sid = SERVICE) => client.verify.v2.services(sid);

beforeAll(async () => {
  const tenants: TenantsFile = await loadTenantsFile(DEMO_TENANTS_FILE);
  const demo = tenants.tenants.find((tenant) => tenant.id === 'demo');
  demo?.sms.allowedCountries.push('FR');
  demo?.twilio?.services.push({
    sid: SERVICE_B,
    friendlyName: 'Service B',
    codeLength: 6,
    customCodeEnabled: true,
  });
  demo?.twilio?.accounts.push({
    accountSid: SECOND_ACCOUNT,
    authTokenSha256: createHash('sha256').update(SECOND_TOKEN).digest('hex'),
  });
  service = await startService({ tenants });
  client = twilio(ACCOUNT, TOKEN, { httpClient: new LocalHttpClient(service.url) });
  second = twilio(SECOND_ACCOUNT, SECOND_TOKEN, { httpClient: new LocalHttpClient(service.url) });
});
afterAll(async () => {
  await service?.stop();
});

let n = 0;
const nextPhone = () => `+1202555${String(7000 + ++n).padStart(4, '0')}`;

describe('messages', () => {
  it('AppHash is the last line of the SMS, as the SMS Retriever format requires', async () => {
    const to = nextPhone();
    await verify().verifications.create({ to, channel: 'sms', appHash: 'FA+9qCX9VSu' });
    const text = service.messages(to)[0]?.text ?? '';
    expect(text.split('\n').at(-1)).toBe('FA+9qCX9VSu');
    expect(text).toContain(service.lastCode(to));
  });

  it('Locale=fr sends the French message; a +33 number without Locale gets French too', async () => {
    const to = nextPhone();
    await verify().verifications.create({ to, channel: 'sms', locale: 'fr' });
    expect(service.messages(to)[0]?.text).toBe(
      `Votre code de vérification Codegate Demo est : ${service.lastCode(to)}`,
    );
    const french = '+33612345678';
    await verify().verifications.create({ to: french, channel: 'sms' });
    expect(service.messages(french)[0]?.text).toContain('Votre code de vérification');
  });

  it('a mail in German carries lang="de"; an unsupported Locale is 404 and sends nothing', async () => {
    const to = 'locale-de@example.com';
    await verify().verifications.create({ to, channel: 'email', locale: 'de' });
    const [mail] = service.messages(to);
    expect(mail?.subject).toBe('Codegate Demo Verifizierungscode');
    expect(mail?.html).toContain('lang="de"');
    const refused = await restError(
      verify().verifications.create({ to: nextPhone(), channel: 'sms', locale: 'xx' }),
    );
    expect(refused).toMatchObject({ code: 20404, status: 404 });
  });
});

describe('parameters refused by name', () => {
  it('an unknown RateLimits key is refused naming it, and nothing is sent', async () => {
    const to = nextPhone();
    const refused = await restError(
      verify().verifications.create({ to, channel: 'sms', rateLimits: { end_user_ip_address: '1.2.3.4' } }),
    );
    expect(refused).toMatchObject({ code: 60200, status: 400 });
    expect(refused.message).toContain('end_user_ip_address');
    expect(service.messages(to)).toHaveLength(0);
  });

  it('a check with neither To nor VerificationSid is 60221', async () => {
    const refused = await restError(verify().verificationChecks.create({ code: '123456' }));
    expect(refused).toMatchObject({ code: 60221, status: 400 });
  });
});

describe('Amount, Payee and Tags', () => {
  it('are echoed; a check must name the same Amount and Payee', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({
      to,
      channel: 'sms',
      amount: '€39.99',
      payee: 'Acme Shop',
      tags: JSON.stringify({ flow: 'checkout' }),
    });
    expect(created).toMatchObject({ amount: '€39.99', payee: 'Acme Shop' });
    const code = service.lastCode(to);
    const raw = await service.request('GET', `/v2/Services/${SERVICE}/Verifications/${created.sid}`, {
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}` },
    });
    expect(raw.body).toMatchObject({ amount: '€39.99', payee: 'Acme Shop', tags: { flow: 'checkout' } });
    const other = await verify().verificationChecks.create({ to, code, amount: '€1.00', payee: 'Acme Shop' });
    expect(other.status).toBe('pending');
    const without = await verify().verificationChecks.create({ to, code });
    expect(without.status).toBe('pending');
    const same = await verify().verificationChecks.create({ to, code, amount: '€39.99', payee: 'Acme Shop' });
    expect(same).toMatchObject({ status: 'approved', amount: '€39.99', payee: 'Acme Shop' });
  });
});

describe('isolation', () => {
  it("service B's create for A's pending address gets its own sid, and A's check by sid refuses B's custom code", async () => {
    const to = nextPhone();
    const a = await verify().verifications.create({ to, channel: 'sms' });
    const b = await verify(SERVICE_B).verifications.create({ to, channel: 'sms', customCode: '424242' });
    expect(b.sid).not.toBe(a.sid);
    const byA = await restError(
      verify().verificationChecks.create({ verificationSid: a.sid, code: '424242' }),
    );
    expect(byA.code).toBe(20404);
    expect((await restError(verify().verificationChecks.create({ to, code: '424242' }))).code).toBe(20404);
    const byB = await verify(SERVICE_B).verificationChecks.create({ to, code: '424242' });
    expect(byB).toMatchObject({ sid: b.sid, status: 'approved' });
  });

  it("another account of the tenant gets 20404 for the first account's verification, by every route", async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const other = second.verify.v2.services(SERVICE);
    expect((await restError(other.verifications(created.sid).fetch())).code).toBe(20404);
    expect((await restError(other.verifications(created.sid).update({ status: 'approved' }))).code).toBe(
      20404,
    );
    const code = service.lastCode(to);
    expect(
      (await restError(other.verificationChecks.create({ verificationSid: created.sid, code }))).code,
    ).toBe(20404);
    expect((await restError(other.verificationChecks.create({ to, code }))).code).toBe(20404);
    expect((await verify().verificationChecks.create({ to, code })).status).toBe('approved');
  });

  it('an unknown account and a wrong token answer 401 alike whatever the Origin; valid ones meet the origin guard', async () => {
    const headers = (account: string, token: string) => ({
      authorization: `Basic ${Buffer.from(`${account}:${token}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://evil.example',
    });
    const body = new URLSearchParams({ To: nextPhone(), Channel: 'sms' }).toString();
    const path = `/v2/Services/${SERVICE}/Verifications`;
    const unknown = await service.request('POST', path, {
      body,
      headers: headers(`AC${'9'.repeat(32)}`, 'x'),
    });
    const wrong = await service.request('POST', path, { body, headers: headers(ACCOUNT, 'wrong') });
    expect([unknown.status, unknown.body.code]).toEqual([401, 20003]);
    expect([wrong.status, wrong.body.code]).toEqual([401, 20003]);
    const valid = await service.request('POST', path, { body, headers: headers(ACCOUNT, TOKEN) });
    expect([valid.status, valid.body.code]).toEqual([403, 20403]);
  });
});

describe('the {Sid} of fetch and update', () => {
  it('accepts the sid in upper-case hex and the To, as Twilio does', async () => {
    const to = nextPhone();
    const created = await verify().verifications.create({ to, channel: 'sms' });
    const upper = `VE${created.sid.slice(2).toUpperCase()}`;
    expect((await verify().verifications(upper).fetch()).sid).toBe(created.sid);
    expect((await verify().verifications(to).fetch()).sid).toBe(created.sid);
    expect((await restError(verify(SERVICE_B).verifications(to).fetch())).code).toBe(20404);
    advanceClock(5_000);
    const canceled = await verify().verifications(to).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid: created.sid, status: 'canceled' });
    // date_updated is stored: it moved forward with the cancel, never back.
    expect(canceled.dateUpdated.getTime()).toBeGreaterThan(created.dateUpdated.getTime());
  });
});
