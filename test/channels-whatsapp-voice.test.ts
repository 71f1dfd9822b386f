// WhatsApp and voice (issue 24) through the local runtime with the demo tenant: native sends reach the outbox on
// their channel and check valid; the official `twilio` client's Channel=whatsapp and Channel=call approve with
// the delivered code; each channel keeps its own country list, budget and limits. Every number is in its own
// block of 1,000, so the SMS-pumping prefix guard never sees a run of unverified sends to one prefix.
import { readFileSync } from 'node:fs';
import { PinpointSMSVoiceV2Client, SendVoiceMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuppressions } from '../infra/admin/suppressions.ts';
import { SmsVoiceCaller } from '../lib/delivery/voice-caller.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { tenantsFileSchema } from '../lib/tenants/schema.ts';
import { startService, type TestService } from './helpers/service.ts';
import { DEMO_TWILIO, LocalHttpClient } from './helpers/twilio-client.ts';
import { rememberSecret } from './setup/log-guard.ts';

let service: TestService;
let client: twilio.Twilio;

/** A known pepper, so `npm run suppressions` (run here as a function) keys numbers as the service does. */
const PEPPER = 'channels-whatsapp-voice-pepper-0123456789abcdef';
const outerPepper = process.env.PEPPER;

beforeAll(async () => {
  process.env.PEPPER = PEPPER;
  const tenants = await loadTenantsFile(DEMO_TENANTS_FILE);
  const demo = tenants.tenants.find((tenant) => tenant.id === 'demo');
  // A small voice budget of its own, to see that calls spend it and SMS does not.
  if (demo?.voice) demo.voice.dailyBudget = 4;
  service = await startService({ tenants });
  client = twilio(DEMO_TWILIO.account, DEMO_TWILIO.token, { httpClient: new LocalHttpClient(service.url) });
});
afterAll(async () => {
  if (outerPepper === undefined) delete process.env.PEPPER;
  else process.env.PEPPER = outerPepper;
  await service?.stop();
});

let ip = 0;
const native = (path: string, json: unknown) =>
  service.request('POST', path, {
    json,
    headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': `198.51.100.${++ip}` },
  });

/** The code in an outbox message: WhatsApp shows it whole, a call's script reads it digit by digit, twice. */
function deliveredCode(to: string, channel: 'whatsapp' | 'voice'): string {
  const [message] = service.messages(to);
  expect(message?.channel).toBe(channel);
  const text = message?.text ?? '';
  const code =
    channel === 'whatsapp'
      ? (text.match(/^(\d{6}) /)?.[1] ?? '')
      : (text.match(/: ((?:\d, ){5}\d)\./)?.[1] ?? '').replace(/, /g, '');
  expect(code).toMatch(/^\d{6}$/);
  return rememberSecret(code);
}

describe('native API', () => {
  it('sends a WhatsApp code: the outbox has the authentication template text, and the code checks valid', async () => {
    const to = '+14155551001';
    const sent = await native('/v1/verifications', { channel: 'whatsapp', to, purpose: 'login' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'pending', channel: 'whatsapp', to: '+141****1001' });
    expect(sent.body.id).toMatch(/^vf_w/);
    const [message] = service.messages(to);
    expect(message?.text).toMatch(/is your verification code\. For your security, do not share this code\./);
    expect(message?.subject).toBeUndefined();
    const code = deliveredCode(to, 'whatsapp');
    const wrong = await native('/v1/verifications/check', {
      channel: 'sms',
      to,
      purpose: 'login',
      code,
    });
    expect(wrong.body).toEqual({ valid: false, status: 'not_found' });
    const checked = await native('/v1/verifications/check', {
      channel: 'whatsapp',
      to,
      purpose: 'login',
      code,
    });
    expect(checked.body).toEqual({ valid: true, status: 'approved' });
    const status = await service.request('GET', `/v1/verifications/${sent.body.id}`, {
      headers: { authorization: 'Bearer demo-api-key' },
    });
    expect(status.body).toMatchObject({ channel: 'whatsapp', status: 'approved' });
  });

  it('places a call: the outbox keeps its script, the code read digit by digit twice, in the locale asked', async () => {
    const to = '+14155552002';
    const sent = await native('/v1/verifications', { channel: 'voice', to, purpose: 'register' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ channel: 'voice', to: '+141****2002' });
    expect(sent.body.id).toMatch(/^vf_v/);
    const [message] = service.messages(to);
    expect(message?.text).toMatch(
      /^Your Codegate Demo verification code is: (\d, ){5}\d\. Again, your code is: /,
    );
    const code = deliveredCode(to, 'voice');
    expect(message?.text.split(code.split('').join(', ')).length).toBe(3);
    const checked = await native('/v1/verifications/check', {
      channel: 'voice',
      to,
      purpose: 'register',
      code,
    });
    expect(checked.body).toEqual({ valid: true, status: 'approved' });

    await native('/v1/verifications', {
      channel: 'voice',
      to: '+447400123456',
      purpose: 'login',
      locale: 'zh-CN',
    });
    expect(service.messages('+447400123456')[0]?.text).toMatch(/^您的Codegate Demo验证码是/);
  });

  it("refuses a country outside the channel's own list (WhatsApp reaches CN, calls do not)", async () => {
    const whatsapp = await native('/v1/verifications', {
      channel: 'whatsapp',
      to: '+8613800138001',
      purpose: 'login',
    });
    expect(whatsapp.status).toBe(201);
    const call = await native('/v1/verifications', {
      channel: 'voice',
      to: '+8613800238002',
      purpose: 'login',
    });
    expect(call.status).toBe(400);
    expect(call.body.error.code).toBe('country_not_allowed');
    expect(service.messages('+8613800238002')).toEqual([]);
  });
});

describe('Twilio dialect with the official client', () => {
  const verify = () => client.verify.v2.services(DEMO_TWILIO.service);

  it('Channel=whatsapp creates a verification that approves by To with the delivered code', async () => {
    const to = '+14155555005';
    const created = await verify().verifications.create({ to, channel: 'whatsapp' });
    expect(created).toMatchObject({ status: 'pending', channel: 'whatsapp', to });
    expect(created.sendCodeAttempts[0]).toMatchObject({ channel: 'whatsapp' });
    const check = await verify().verificationChecks.create({ to, code: deliveredCode(to, 'whatsapp') });
    expect(check).toMatchObject({ status: 'approved', valid: true, channel: 'whatsapp', sid: created.sid });
  });

  it('Channel=call creates a verification shown as call, approved by its sid', async () => {
    const to = '+447400223456';
    const created = await verify().verifications.create({ to, channel: 'call' });
    expect(created).toMatchObject({ status: 'pending', channel: 'call', to });
    // Twilio accepts the To in place of the sid: found on the call channel, after SMS and WhatsApp.
    expect(await verify().verifications(to).fetch()).toMatchObject({ sid: created.sid, channel: 'call' });
    expect(await verify().verifications(created.sid).fetch()).toMatchObject({
      status: 'pending',
      channel: 'call',
    });
    const check = await verify().verificationChecks.create({
      verificationSid: created.sid,
      code: deliveredCode(to, 'voice'),
    });
    expect(check).toMatchObject({ status: 'approved', valid: true, channel: 'call' });
  });

  it('refuses what it cannot honour by name: SendDigits, a call Locale without a voice, Channel=voice', async () => {
    const refused = async (options: Record<string, string>) =>
      verify()
        .verifications.create({ to: '+447400323456', channel: 'call', ...options })
        .then(
          () => undefined,
          (error: { code?: number; message?: string }) => error,
        );
    expect(await refused({ sendDigits: 'ww1234' })).toMatchObject({ code: 60200, message: /SendDigits/ });
    expect(await refused({ locale: 'fr' })).toMatchObject({ code: 60200, message: /Locale/ });
    expect(await refused({ channel: 'voice' })).toMatchObject({ code: 60223 });
    // A landline (London, +44 20): Twilio would call it; mobile numbers only here, and said so.
    const landline = await verify()
      .verifications.create({ to: '+442071838750', channel: 'call' })
      .catch((error: { code?: number; message?: string }) => error);
    expect(landline).toMatchObject({ code: 60200, message: /landlines are not offered/ });
    expect(service.messages('+447400323456')).toEqual([]);
  });
});

describe('limits per channel', () => {
  it('keeps the per-address cooldown per channel, and spends the voice budget, not the SMS one', async () => {
    const to = '+14155553003';
    expect((await native('/v1/verifications', { channel: 'voice', to, purpose: 'login' })).status).toBe(201);
    const again = await native('/v1/verifications', { channel: 'voice', to, purpose: 'login' });
    expect(again.status).toBe(429);
    expect((await native('/v1/verifications', { channel: 'sms', to, purpose: 'login' })).status).toBe(201);
    // Four calls were placed in this file by now (budget 4): a fifth is refused, SMS still goes.
    const over = await native('/v1/verifications', {
      channel: 'voice',
      to: '+14155554004',
      purpose: 'login',
    });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('budget_exhausted');
    expect(
      (await native('/v1/verifications', { channel: 'sms', to: '+14155554004', purpose: 'login' })).status,
    ).toBe(201);
  });
});

/** A fenced block of a doc, by the text its first line starts with. */
function docBlock(doc: string, first: string): string {
  const text = readFileSync(new URL(`../${doc}`, import.meta.url), 'utf8');
  const found = [...text.matchAll(/```\w*\n([\s\S]*?)```/g)].find((match) => match[1]?.startsWith(first));
  if (!found?.[1]) throw new Error(`no block starting ${first} in ${doc}`);
  return found[1];
}

describe('the docs', () => {
  it("README.md's WhatsApp example answers as it shows", async () => {
    const block = docBlock('README.md', '# A code by WhatsApp');
    const body = JSON.parse(block.match(/-d '(\{.*\})'/)?.[1] ?? '{}');
    const documented = JSON.parse(block.match(/^# (\{"id".*\})$/m)?.[1] ?? '{}');
    const sent = await native('/v1/verifications', body);
    expect(sent.status).toBe(201);
    expect(Object.keys(sent.body).sort()).toEqual(Object.keys(documented).sort());
    for (const [key, value] of Object.entries(documented))
      if (value !== '…') expect(sent.body[key], key).toBe(value);
    expect(service.messages(body.to)[0]?.channel).toBe('whatsapp');
    rememberSecret(service.messages(body.to)[0]?.text.slice(0, 6) ?? '');
  });

  it("docs/whatsapp-voice.md's tenant settings load into a tenant as documented", async () => {
    const example = JSON.parse(`{${docBlock('docs/whatsapp-voice.md', '{').trim().slice(1, -1)}}`);
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const parsed = tenantsFileSchema.parse({ tenants: [{ ...tenants[0], ...example }] });
    expect(parsed.tenants[0]?.whatsapp?.templates['zh-CN']).toEqual({
      name: 'codegate_code',
      language: 'zh_CN',
    });
    expect(parsed.tenants[0]?.voice).toMatchObject({ originationIdentity: '+12065550100', dailyBudget: 500 });
    const refused = tenantsFileSchema.safeParse({
      tenants: [{ ...tenants[0], ...example, whatsapp: { ...example.whatsapp, templates: {} } }],
    });
    expect(refused.success).toBe(false);
  });
});

describe("tenant settings: a WhatsApp template in each locale's language", () => {
  it.each([
    [
      'zh-CN',
      'en_US',
      'must be a Simplified Chinese language code (zh_CN), as zh-CN messages are sent in that language',
    ],
    [
      'en',
      'zh_CN',
      'must be an English language code (en, en_US, en_GB, …), as en messages are sent in that language',
    ],
  ])(
    'a %s template in %s is refused at load: the user asked for another language',
    async (locale, language, message) => {
      const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
      const demo = tenants[0];
      if (!demo?.whatsapp) throw new Error('the demo tenant offers WhatsApp');
      const templates = { ...demo.whatsapp.templates, [locale]: { name: 'codegate_code', language } };
      const refused = tenantsFileSchema.safeParse({
        tenants: [{ ...demo, whatsapp: { ...demo.whatsapp, templates } }],
      });
      expect(refused.error?.issues).toEqual([
        expect.objectContaining({
          path: ['tenants', 0, 'whatsapp', 'templates', locale, 'language'],
          message,
        }),
      ]);
    },
  );

  it('English in any variant loads for en; zh-CN takes Simplified Chinese only, not Traditional', async () => {
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const demo = tenants[0];
    if (!demo?.whatsapp) throw new Error('the demo tenant offers WhatsApp');
    const parse = (en: string, zh: string) => {
      const templates = {
        en: { name: 'codegate_code', language: en },
        'zh-CN': { name: 'codegate_code', language: zh },
      };
      return tenantsFileSchema.safeParse({
        tenants: [{ ...demo, whatsapp: { ...demo.whatsapp, templates } }],
      });
    };
    for (const en of ['en', 'en_US', 'en_GB']) expect(parse(en, 'zh_CN').success, en).toBe(true);
    for (const zh of ['zh_HK', 'zh_TW', 'zh']) expect(parse('en', zh).success, zh).toBe(false);
  });
});

describe('tenant settings: a voice for each locale', () => {
  it.each([
    [
      { 'zh-CN': 'JOANNA' },
      'zh-CN',
      'must be a Mandarin Chinese voice, as zh-CN calls are read in that language: ZHIYU',
    ],
    [
      { en: 'ZHIYU' },
      'en',
      'must be an English voice, as en calls are read in that language: JOANNA, MATTHEW',
    ],
  ])('%j is refused at load: the call would be read in another language', async (voices, locale, message) => {
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const demo = tenants[0];
    if (!demo?.voice) throw new Error('the demo tenant offers calls');
    const refused = tenantsFileSchema.safeParse({ tenants: [{ ...demo, voice: { ...demo.voice, voices } }] });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues).toEqual([
      expect.objectContaining({
        path: ['tenants', 0, 'voice', 'voices', locale],
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it('a locale the voices leave out is read by its default voice: English calls by AMY as set, Chinese by ZHIYU', async () => {
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const demo = tenants[0];
    if (!demo?.voice) throw new Error('the demo tenant offers calls');
    const parsed = tenantsFileSchema.parse({
      tenants: [{ ...demo, voice: { ...demo.voice, voices: { en: 'AMY' } } }],
    });
    const settings = parsed.tenants[0]?.voice;
    expect(settings?.voices).toEqual({ en: 'AMY' });
    const client = new PinpointSMSVoiceV2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const calls = mockClient(client);
    calls.on(SendVoiceMessageCommand).resolves({ MessageId: 'call-1' });
    const caller = new SmsVoiceCaller(client);
    for (const locale of ['en', 'zh-CN'] as const)
      await caller.call(
        {
          channel: 'voice',
          to: '+14155550111',
          text: 't',
          ssml: '<speak>t</speak>',
          tenantId: 'demo',
          purpose: 'login',
          locale,
        },
        { originationIdentity: '+12065550100', voices: settings?.voices ?? {} },
      );
    expect(calls.commandCalls(SendVoiceMessageCommand).map((call) => call.args[0].input.VoiceId)).toEqual([
      'AMY',
      'ZHIYU',
    ]);
  });
});

describe('lifecycle events', () => {
  it('a WhatsApp verification and a call report sent and approved on their channel, masked', async () => {
    // The first native tests sent and approved +14155551001 (WhatsApp) and +14155552002 (voice).
    for (const [masked, channel] of [
      ['+141****1001', 'whatsapp'],
      ['+141****2002', 'voice'],
    ]) {
      const started = Date.now();
      let seen: { detail: { type: string; channel?: string; to?: string } }[] = [];
      while (Date.now() - started < 10_000) {
        const answer = await service.request('GET', '/_local/events', { query: { tenant: 'demo' } });
        seen = (answer.body.events as typeof seen).filter((event) => event.detail.to === masked);
        const types = seen.map((event) => event.detail.type);
        if (types.includes('verification.sent') && types.includes('verification.approved')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen.map((event) => event.detail.type)).toEqual(
        expect.arrayContaining(['verification.sent', 'verification.approved']),
      );
      for (const event of seen) expect(event.detail.channel).toBe(channel);
    }
  });
});

describe('suppression per channel', () => {
  it('a number an operator suppressed for WhatsApp gets no WhatsApp code (422), and still gets an SMS', async () => {
    const to = '+14155558118';
    const added = await runSuppressions(
      ['add', '--to', to, '--channel', 'whatsapp'].concat([
        '--table',
        service.tableName,
        '--endpoint',
        service.endpoint,
      ]),
    );
    expect(added).toMatch(/whatsapp/);
    const refused = await native('/v1/verifications', { channel: 'whatsapp', to, purpose: 'login' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('address_suppressed');
    expect(service.messages(to)).toEqual([]);
    expect((await native('/v1/verifications', { channel: 'sms', to, purpose: 'login' })).status).toBe(201);
  });
});
