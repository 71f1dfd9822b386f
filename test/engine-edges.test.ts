// The engine's edges (SPEC §3) against DynamoDB Local: channel routing with a separate mailer and texter,
// what the providers are handed, invalid addresses, malformed verification ids, status by address, links,
// grants, idempotent replays and the events the engine reports. Mutation testing found each untested.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMessage, SenderSettings, Texter } from '../lib/delivery/types.ts';
import { CountryNotAllowedError, InvalidAddressError, NotFoundError } from '../lib/domain/errors.ts';
import { createEngine, type Engine, type EngineEvent } from '../lib/engine/engine.ts';
import { VerificationStore } from '../lib/store/verification-store.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { Tenant } from '../lib/tenants/schema.ts';
import { freshTable, scanAll } from './helpers/table.ts';

/** Records what one provider was handed; fails the next call on demand. */
class Provider {
  sent: { message: OutgoingMessage; sender: SenderSettings }[] = [];
  failNext?: string;
  async deliver(message: OutgoingMessage, sender: SenderSettings) {
    this.sent.push({ message, sender });
    if (this.failNext) {
      const error = new Error('provider refused');
      error.name = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }
}

class RecordingMailer extends Provider implements Mailer {
  sendMail(message: OutgoingMessage, sender: SenderSettings) {
    return this.deliver(message, sender);
  }
}

class RecordingTexter extends Provider implements Texter {
  sendSms(message: OutgoingMessage, sender: SenderSettings) {
    return this.deliver(message, sender);
  }
}

let demo: Tenant;
let table: Awaited<ReturnType<typeof freshTable>>;
let engine: Engine;
let mailer: RecordingMailer;
let texter: RecordingTexter;
let events: EngineEvent[];
let now: number;
let serial = 0;

beforeAll(async () => {
  const file = await loadTenantsFile(DEMO_TENANTS_FILE);
  demo = file.tenants[0] as Tenant;
  table = await freshTable();
});

beforeEach(() => {
  mailer = new RecordingMailer();
  texter = new RecordingTexter();
  events = [];
  now = Date.UTC(2026, 10, 22, 12, 0, 0) + ++serial * 86_400_000;
  engine = createEngine({
    store: new VerificationStore(table.db, table.tableName),
    mailer,
    texter,
    clock: { now: () => now },
    pepper: PEPPER,
    observe: (event) => events.push(event),
  });
});

const PEPPER = Buffer.from('edges-pepper-edges-pepper-edges!');
const fresh = () => `edge${++serial}-${Date.now()}@example.com`;
/** A CN mobile number no other test in this file uses. */
const phone = () => `+86138${String(10_000_000 + ++serial * 7919).slice(-8)}`;
const codeIn = (message: OutgoingMessage | undefined) => message?.text.match(/\b(\d{6})\b/)?.[1] ?? 'none';
const tokenIn = (message: OutgoingMessage | undefined) =>
  message?.text.match(/token=([A-Za-z0-9_-]{43})/)?.[1] ?? 'none';
const link = { url: (token: string) => `https://app.test/confirm?token=${token}` };

describe('channel routing', () => {
  it('hands email to the mailer only, with the tenant sender settings, and reports it masked', async () => {
    const to = fresh();
    const sent = await engine.sendCode({ tenant: demo, channel: 'email', to: ` ${to} `, purpose: 'login' });
    expect(texter.sent).toHaveLength(0);
    expect(mailer.sent).toHaveLength(1);
    const delivered = mailer.sent[0];
    if (!delivered) throw new Error('nothing mailed');
    const { message, sender } = delivered;
    expect(message).toMatchObject({
      channel: 'email',
      to,
      tenantId: demo.id,
      purpose: 'login',
      locale: 'en',
    });
    expect(message.subject).toContain(demo.appName);
    expect(message.text).toContain('expires in 10 minutes');
    expect(sender).toEqual({
      from: demo.mail.from,
      smsSenderId: demo.sms.senderId,
      smsOriginationNumber: demo.sms.originationNumber,
      smsMaxPrice: demo.sms.maxPrice,
    });
    expect(sent).toEqual({
      id: expect.stringMatching(/^vf_e01[A-Za-z0-9_-]{43}\.[0-9a-f]{16}$/),
      channel: 'email',
      to: 'e***@example.com',
      purpose: 'login',
      expiresAt: now + 600_000,
      issuedAt: now,
    });
    expect(events).toEqual([
      { type: 'code_sent', tenant: demo.id, channel: 'email', purpose: 'login', to: sent.to, id: sent.id },
    ]);
  });

  it('hands SMS to the texter only, in the asked locale, with the SMS validity', async () => {
    const to = phone();
    const sent = await engine.sendCode({
      tenant: demo,
      channel: 'sms',
      to,
      purpose: 'reset_password',
      locale: 'zh-CN',
    });
    expect(mailer.sent).toHaveLength(0);
    expect(texter.sent).toHaveLength(1);
    const message = texter.sent[0]?.message;
    expect(message).toMatchObject({
      channel: 'sms',
      to,
      tenantId: demo.id,
      purpose: 'reset_password',
      locale: 'zh-CN',
    });
    expect(message?.text).toContain('5 分钟内有效');
    expect(texter.sent[0]?.sender.smsSenderId).toBe(demo.sms.senderId);
    expect(sent).toMatchObject({ channel: 'sms', to: `+86138****${to.slice(-4)}`, expiresAt: now + 300_000 });
    expect(sent.id).toMatch(/^vf_s02[A-Za-z0-9_-]{43}\.[0-9a-f]{16}$/);
    expect(
      await engine.checkCode({
        tenant: demo,
        channel: 'sms',
        to,
        purpose: 'reset_password',
        code: codeIn(message),
      }),
    ).toEqual({
      valid: true,
      status: 'approved',
    });
  });

  it('uses a validity override for the expiry and the minutes the message names', async () => {
    const to = fresh();
    const sent = await engine.sendCode({
      tenant: demo,
      channel: 'email',
      to,
      purpose: 'register',
      validitySeconds: 1_830,
    });
    expect(sent.expiresAt).toBe(now + 1_830_000);
    expect(mailer.sent[0]?.message.text).toContain('expires in 31 minutes');
  });

  it("renders the tenant's branding into the mail layout (name, logo, accent), and the app name without it", async () => {
    const branding = {
      name: 'Brand Co',
      logoUrl: 'https://cdn.example.com/logo.png',
      accentColor: '#123abc',
    };
    await engine.sendCode({ tenant: { ...demo, branding }, channel: 'email', to: fresh(), purpose: 'login' });
    const html = mailer.sent[0]?.message.html ?? '';
    expect(html).toContain('#123abc');
    expect(html).toContain('https://cdn.example.com/logo.png');
    expect(html).toContain('Brand Co');
    await engine.sendCode({ tenant: demo, channel: 'email', to: fresh(), purpose: 'login' });
    const plain = mailer.sent[1]?.message.html ?? '';
    expect(plain).not.toContain('#123abc');
    expect(plain).toContain(demo.appName);
  });

  it('reports a failed delivery by its cause, masked, and no code_sent', async () => {
    const to = phone();
    texter.failNext = 'Throttling';
    await expect(
      engine.sendCode({ tenant: demo, channel: 'sms', to, purpose: 'login' }),
    ).rejects.toMatchObject({
      kind: 'delivery_failed',
      causeName: 'Throttling',
    });
    expect(events).toEqual([
      {
        type: 'delivery_failed',
        tenant: demo.id,
        channel: 'sms',
        purpose: 'login',
        to: `+86138****${to.slice(-4)}`,
        cause: 'Throttling',
      },
    ]);
  });
});

describe('invalid addresses', () => {
  it('are InvalidAddressError for the channel, never a TypeError, and nothing is sent', async () => {
    const cases: ['email' | 'sms', string][] = [
      ['email', 'not-an-email'],
      ['email', ''],
      ['sms', '+0001234567'],
      ['sms', 'abc'],
      ['sms', '+14155550123abc'],
      ['sms', '+442071838750'],
    ];
    for (const [channel, to] of cases) {
      const error = await engine
        .sendCode({ tenant: demo, channel, to, purpose: 'login' })
        .catch((e: unknown) => e);
      expect(error, `${channel} ${to}`).toBeInstanceOf(InvalidAddressError);
      expect((error as InvalidAddressError).channel).toBe(channel);
    }
    expect(mailer.sent.length + texter.sent.length).toBe(0);
  });

  it('a valid number of a country the tenant does not allow is CountryNotAllowedError naming it', async () => {
    const error = await engine
      .sendCode({ tenant: demo, channel: 'sms', to: '+33612345678', purpose: 'login' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CountryNotAllowedError);
    expect((error as CountryNotAllowedError).country).toBe('FR');
    expect(texter.sent).toHaveLength(0);
  });

  it('check as not_found, and a malformed code as pending without spending an attempt', async () => {
    expect(
      await engine.checkCode({ tenant: demo, channel: 'sms', to: 'abc', purpose: 'login', code: '123456' }),
    ).toEqual({
      valid: false,
      status: 'not_found',
    });
    const to = fresh();
    await engine.sendCode({ tenant: demo, channel: 'email', to, purpose: 'login' });
    const code = codeIn(mailer.sent[0]?.message);
    // Each malformed guess as often as there are attempts: had any reached the store, the code would be dead.
    for (const bad of ['abc', '123', '12345678901', `${code}x`, `x${code}`, `${code} 1`]) {
      for (let i = 0; i < demo.codes.maxAttempts; i++) {
        expect(
          await engine.checkCode({ tenant: demo, channel: 'email', to, purpose: 'login', code: bad }),
        ).toEqual({ valid: false, status: 'pending' });
      }
    }
    // The right code, padded: none of the malformed guesses used an attempt or locked anything.
    expect(
      await engine.checkCode({ tenant: demo, channel: 'email', to, purpose: 'login', code: ` ${code} ` }),
    ).toEqual({
      valid: true,
      status: 'approved',
    });
  });
});

describe('status by id', () => {
  it('refuses malformed, truncated, extended or re-cased ids as not found', async () => {
    const sent = await engine.sendCode({ tenant: demo, channel: 'email', to: fresh(), purpose: 'login' });
    expect(await engine.getVerification(demo, sent.id)).toEqual({
      id: sent.id,
      status: 'pending',
      channel: 'email',
      to: sent.to,
      purpose: 'login',
      expiresAt: sent.expiresAt,
    });
    const body = sent.id.slice('vf_e01'.length);
    const malformed = [
      '',
      'vf_',
      `vf_x01${body}`,
      `vf_s01${body}`,
      `vf_e99${body}`,
      `vf_e14${body}`,
      `vf_e1${body}`,
      `vf_e00${body}`,
      `x${sent.id}`,
      `${sent.id}0`,
      sent.id.slice(0, -1),
      sent.id.toUpperCase(),
      `${sent.id.slice(0, -16)}${sent.id.slice(-16).toUpperCase().replace(/[0-9]/g, 'A')}`,
      sent.id.replace('.', '_'),
    ];
    for (const id of malformed) {
      await expect(engine.getVerification(demo, id), id).rejects.toBeInstanceOf(NotFoundError);
    }
    // Refused before any read: an engine whose store counts the status reads it is asked for.
    const store = new VerificationStore(table.db, table.tableName);
    let reads = 0;
    const read = store.getVerification.bind(store);
    store.getVerification = (...args) => {
      reads++;
      return read(...args);
    };
    const counted = createEngine({ store, mailer, texter, clock: { now: () => now }, pepper: PEPPER });
    const looked: string[] = [];
    for (const id of malformed) {
      const before = reads;
      await expect(counted.getVerification(demo, id), id).rejects.toBeInstanceOf(NotFoundError);
      if (reads > before) looked.push(id);
    }
    // Only well-formed ids are looked up (here: another channel's, another purpose's); no unknown purpose.
    expect(looked).toEqual([`vf_s01${body}`, `vf_e00${body}`]);
  });

  it('reads an SMS id as SMS', async () => {
    const to = phone();
    const sent = await engine.sendCode({ tenant: demo, channel: 'sms', to, purpose: 'general' });
    expect(sent.id.startsWith('vf_s13')).toBe(true);
    expect(await engine.getVerification(demo, sent.id)).toMatchObject({
      channel: 'sms',
      purpose: 'general',
      status: 'pending',
    });
  });
});

describe('status by address', () => {
  it('finds the latest verification with its id, and the link confirmation time', async () => {
    const to = fresh();
    const sent = await engine.sendCode({ tenant: demo, channel: 'email', to, purpose: 'register', link });
    const before = await engine.findVerification(demo, 'email', to.toUpperCase(), 'register');
    expect(before).toEqual({
      latest: {
        id: sent.id,
        status: 'pending',
        channel: 'email',
        to: sent.to,
        purpose: 'register',
        expiresAt: sent.expiresAt,
      },
      verifiedAt: undefined,
      to: sent.to,
    });
    now += 1_000;
    const token = tokenIn(mailer.sent[0]?.message);
    expect(await engine.confirmLink({ tenant: demo, to, purpose: 'register', token })).toEqual({
      confirmed: true,
    });
    const after = await engine.findVerification(demo, 'email', to, 'register');
    expect(after.latest?.status).toBe('approved');
    expect(after.verifiedAt).toBe(now);
  });

  it('is not found for an invalid address or one that never got a code', async () => {
    await expect(engine.findVerification(demo, 'email', 'nope', 'register')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(engine.findVerification(demo, 'sms', '+0001234567', 'login')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(engine.findVerification(demo, 'email', fresh(), 'register')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('links and grants', () => {
  it('a link confirms once, for its purpose and address only, and reports each attempt', async () => {
    const to = fresh();
    await engine.sendCode({ tenant: demo, channel: 'email', to, purpose: 'register', link });
    const token = tokenIn(mailer.sent[0]?.message);
    const confirm = (over: Partial<{ to: string; purpose: 'register' | 'login'; token: string }>) =>
      engine.confirmLink({ tenant: demo, to, purpose: 'register', token, ...over });
    expect(await confirm({ purpose: 'login' })).toEqual({ confirmed: false });
    expect(await confirm({ to: fresh() })).toEqual({ confirmed: false });
    expect(await confirm({ to: 'not-an-email' })).toEqual({ confirmed: false });
    expect(await confirm({ token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` })).toEqual({
      confirmed: false,
    });
    expect(events.filter((event) => event.type === 'link_checked')).toHaveLength(3);
    // Malformed tokens are refused before any write (so no event either).
    for (const malformed of ['short', `${token}!`, `!${token}`, `${token}${'A'.repeat(60)}`]) {
      expect(await confirm({ token: malformed })).toEqual({ confirmed: false });
    }
    expect(events.filter((event) => event.type === 'link_checked')).toHaveLength(3);
    events.length = 0;
    expect(await confirm({ to: ` ${to.toUpperCase()} ` })).toEqual({ confirmed: true });
    expect(events).toEqual([
      {
        type: 'link_checked',
        tenant: demo.id,
        purpose: 'register',
        to: `${to[0]}***@example.com`,
        confirmed: true,
      },
    ]);
    expect(await confirm({})).toEqual({ confirmed: false });
    // The link spent the code with it.
    const code = codeIn(mailer.sent[0]?.message);
    expect(
      (await engine.checkCode({ tenant: demo, channel: 'email', to, purpose: 'register', code })).valid,
    ).toBe(false);
  });

  it('a grant is issued only on request, redeemable once for its purpose and address while live', async () => {
    const to = fresh();
    await engine.sendCode({ tenant: demo, channel: 'email', to, purpose: 'reset_password', link });
    const token = tokenIn(mailer.sent[0]?.message);
    const confirmed = await engine.confirmLink({
      tenant: demo,
      to,
      purpose: 'reset_password',
      token,
      grant: { validitySeconds: 900 },
    });
    const grant = confirmed.grant ?? 'none';
    expect(grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const redeem = (over: Partial<{ to: string; purpose: 'reset_password' | 'login'; token: string }>) =>
      engine.redeemGrant({ tenant: demo, to, purpose: 'reset_password', token: grant, ...over });
    events.length = 0;
    expect(await redeem({ purpose: 'login' })).toBe(false);
    expect(await redeem({ to: fresh() })).toBe(false);
    expect(await redeem({ to: 'not-an-email' })).toBe(false);
    expect(await redeem({ token: 'short' })).toBe(false);
    expect(await redeem({ token })).toBe(false);
    expect(events.filter((event) => event.type === 'grant_redeemed')).toHaveLength(3);
    now += 900_000; // the grant's last instant has passed
    expect(await redeem({})).toBe(false);
    now -= 1;
    events.length = 0;
    expect(await redeem({ to: to.toUpperCase() })).toBe(true);
    expect(events).toEqual([
      {
        type: 'grant_redeemed',
        tenant: demo.id,
        purpose: 'reset_password',
        to: `${to[0]}***@example.com`,
        redeemed: true,
      },
    ]);
    expect(await redeem({})).toBe(false);
  });

  it('only a send with a link stores a link hash, and never the token itself', async () => {
    const plain = fresh();
    await engine.sendCode({ tenant: demo, channel: 'email', to: plain, purpose: 'bind' });
    const linked = fresh();
    await engine.sendCode({ tenant: demo, channel: 'email', to: linked, purpose: 'unbind', link });
    const token = tokenIn(mailer.sent[1]?.message);
    const items = await scanAll(table.db, table.tableName);
    expect(items.filter((item) => item.k_bind !== undefined)).toHaveLength(0);
    const withLink = items.filter((item) => item.k_unbind !== undefined);
    expect(withLink).toHaveLength(1);
    expect(withLink[0]?.k_unbind).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(items, (_, v) => (v instanceof Set ? [...v] : v))).not.toContain(token);
  });

  it('a link confirmed without asking for a grant returns none', async () => {
    const to = fresh();
    await engine.sendCode({ tenant: demo, channel: 'email', to, purpose: 'login', link });
    const confirmed = await engine.confirmLink({
      tenant: demo,
      to,
      purpose: 'login',
      token: tokenIn(mailer.sent[0]?.message),
    });
    expect(confirmed).toEqual({ confirmed: true });
  });
});

describe('checks report', () => {
  it('each outcome, masked, with no code in the event', async () => {
    const to = fresh();
    await engine.sendCode({ tenant: demo, channel: 'email', to, purpose: 'login' });
    const code = codeIn(mailer.sent[0]?.message);
    const wrong = code === '000000' ? '000001' : '000000';
    events.length = 0;
    await engine.checkCode({ tenant: demo, channel: 'email', to, purpose: 'login', code: wrong });
    await engine.checkCode({ tenant: demo, channel: 'email', to, purpose: 'login', code });
    await engine.checkCode({ tenant: demo, channel: 'email', to, purpose: 'login', code });
    const base = {
      type: 'code_checked',
      tenant: demo.id,
      channel: 'email',
      purpose: 'login',
      to: `${to[0]}***@example.com`,
    };
    expect(events).toEqual([
      { ...base, outcome: 'wrong' },
      { ...base, outcome: 'approved' },
      { ...base, outcome: 'refused' },
    ]);
  });
});

describe('idempotent sends', () => {
  it('replay the first response for a day without sending again, then send anew', async () => {
    const to = fresh();
    const command = {
      tenant: demo,
      channel: 'email' as const,
      to,
      purpose: 'login' as const,
      idempotency: { key: `key-${serial}`, requestHash: 'same' },
    };
    const first = await engine.sendCode(command);
    // At once (the first send was delivered, so its response stands), and late in the day.
    expect(await engine.sendCode(command)).toEqual(first);
    now += 23 * 3600_000;
    expect(await engine.sendCode(command)).toEqual(first);
    expect(mailer.sent).toHaveLength(1);
    now += 2 * 3600_000;
    const later = await engine.sendCode(command);
    expect(later.id).not.toBe(first.id);
    expect(mailer.sent).toHaveLength(2);
  });
});

describe('per-device limit', () => {
  it('counts sends by device fingerprint across addresses', async () => {
    const tenant: Tenant = {
      ...demo,
      limits: { ...demo.limits, perDevice: { limit: 1, windowSeconds: 3600 } },
    };
    const deviceId = `device-${serial}-${Date.now()}`;
    await engine.sendCode({ tenant, channel: 'email', to: fresh(), purpose: 'login', deviceId });
    await expect(
      engine.sendCode({ tenant, channel: 'email', to: fresh(), purpose: 'login', deviceId }),
    ).rejects.toMatchObject({ kind: 'rate_limited', scope: 'device' });
    await engine.sendCode({
      tenant,
      channel: 'email',
      to: fresh(),
      purpose: 'login',
      deviceId: `${deviceId}-other`,
    });
  });

  it('the SMS budget is a daily window', async () => {
    const tenant: Tenant = { ...demo, id: `edge-budget-${Date.now()}`, sms: { ...demo.sms, dailyBudget: 1 } };
    now = Date.UTC(2026, 11, 1, 23, 0, 0);
    await engine.sendCode({ tenant, channel: 'sms', to: phone(), purpose: 'login' });
    await expect(
      engine.sendCode({ tenant, channel: 'sms', to: phone(), purpose: 'login' }),
    ).rejects.toMatchObject({
      kind: 'budget_exhausted',
      retryAfterSeconds: 3600,
    });
    now += 3600_000;
    await engine.sendCode({ tenant, channel: 'sms', to: phone(), purpose: 'login' });
  });
});

describe('verifications named by an external id (the engine wiring the Twilio dialect uses)', () => {
  it('send under an id, read it back unsealed, check by id, and end another by id', async () => {
    const to = fresh();
    const id = `VE${serial}${'0'.repeat(20)}`;
    const external = { id, attemptId: `VL${serial}`, fields: { service: 'VA1' } };
    const { sent, external: view } = await engine.sendCodeWithId({
      tenant: demo,
      channel: 'email',
      to,
      purpose: 'general',
      external,
    });
    expect(view).toMatchObject({ id, attempts: [{ id: external.attemptId, at: now }] });
    expect(await engine.getByExternalId(demo, id, { service: 'VA1' })).toMatchObject({
      id,
      channel: 'email',
      purpose: 'general',
      to,
      fields: { service: 'VA1' },
      state: 'pending',
      expiresAt: sent.expiresAt,
    });
    await expect(engine.getByExternalId(demo, id, { service: 'VA2' })).rejects.toBeInstanceOf(NotFoundError);
    const code = codeIn(mailer.sent[0]?.message);
    expect(await engine.checkByExternalId(demo, id, code)).toMatchObject({
      valid: true,
      status: 'approved',
      verification: { to, channel: 'email' },
    });

    const other = fresh();
    const otherId = `VE${serial}${'1'.repeat(20)}`;
    await engine.sendCodeWithId({
      tenant: demo,
      channel: 'email',
      to: other,
      purpose: 'general',
      external: { id: otherId, attemptId: `VL${serial}x`, fields: {} },
    });
    expect(await engine.endByExternalId(demo, otherId, 'canceled')).toMatchObject({
      id: otherId,
      state: 'canceled',
    });
    const otherCode = codeIn(mailer.sent[1]?.message);
    expect(
      (
        await engine.checkCodeNamed({
          tenant: demo,
          channel: 'email',
          to: other,
          purpose: 'general',
          code: otherCode,
        })
      ).valid,
    ).toBe(false);
  });
});

describe('what a refused request still spends (the engine wiring the dialects use)', () => {
  it("an account-existence answer spends the client IP's send limit, shared with sends", async () => {
    const tenant: Tenant = {
      ...demo,
      id: `edge-ip-${serial}-${Date.now()}`,
      limits: { ...demo.limits, perIp: { limit: 2, windowSeconds: 3600 } },
    };
    const clientIp = `198.51.100.${serial % 250}`;
    await engine.chargeAccountAnswer(tenant, clientIp);
    // Without a client IP there is nothing to charge, however often.
    for (let i = 0; i < 3; i++) await engine.chargeAccountAnswer(tenant, undefined);
    await engine.sendCode({ tenant, channel: 'email', to: fresh(), purpose: 'login', clientIp });
    await expect(engine.chargeAccountAnswer(tenant, clientIp)).rejects.toMatchObject({
      kind: 'rate_limited',
      scope: 'ip',
    });
    await expect(
      engine.sendCode({ tenant, channel: 'email', to: fresh(), purpose: 'login', clientIp }),
    ).rejects.toMatchObject({ kind: 'rate_limited', scope: 'ip' });
    expect(mailer.sent).toHaveLength(1);
  });

  it("a signed request's nonce spent after a refusal cannot carry a send later", async () => {
    const replayKey = { key: `edge-nonce-${serial}-${Date.now()}`, until: now + 300_000 };
    await engine.spendReplayKey(replayKey);
    // Spending it again (a replay of the refused request) is harmless.
    await engine.spendReplayKey(replayKey);
    await expect(
      engine.sendCode({ tenant: demo, channel: 'email', to: fresh(), purpose: 'login', replayKey }),
    ).rejects.toMatchObject({ kind: 'replayed' });
    expect(mailer.sent).toHaveLength(0);
  });
});

describe('a provider that throws something other than an Error', () => {
  it('is a failed delivery whose cause reads "unknown", with nothing left usable', async () => {
    const throwing = {
      sendMail: async () => {
        throw 'refused';
      },
      sendSms: async () => {
        throw 'refused';
      },
    };
    const odd = createEngine({
      store: new VerificationStore(table.db, table.tableName),
      mailer: throwing,
      texter: throwing,
      clock: { now: () => now },
      pepper: PEPPER,
      observe: (event) => events.push(event),
    });
    const to = fresh();
    await expect(
      odd.sendCode({ tenant: demo, channel: 'email', to, purpose: 'login' }),
    ).rejects.toMatchObject({
      kind: 'delivery_failed',
      causeName: 'unknown',
    });
    expect(events).toEqual([
      {
        type: 'delivery_failed',
        tenant: demo.id,
        channel: 'email',
        purpose: 'login',
        to: expect.stringMatching(/\*\*\*@example\.com$/),
        cause: 'unknown',
      },
    ]);
  });
});
