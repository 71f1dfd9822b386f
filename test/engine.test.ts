// The engine's rules (SPEC §3) against DynamoDB Local, with a controllable clock and recording mailers.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMessage, Texter } from '../lib/delivery/types.ts';
import { DeliveryFailedError, RateLimitedError } from '../lib/domain/errors.ts';
import { createEngine, type Engine } from '../lib/engine/engine.ts';
import { VerificationStore } from '../lib/store/verification-store.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { Tenant } from '../lib/tenants/schema.ts';
import { leaks } from './helpers/leaks.ts';
import { freshTable, scalars, scanAll } from './helpers/table.ts';

class RecordingMailer implements Mailer, Texter {
  sent: OutgoingMessage[] = [];
  failNext = false;
  async sendMail(message: OutgoingMessage) {
    this.record(message);
  }
  async sendSms(message: OutgoingMessage) {
    this.record(message);
  }
  private record(message: OutgoingMessage) {
    this.sent.push(message);
    if (this.failNext) {
      this.failNext = false;
      const error = new Error('provider refused');
      error.name = 'MessageRejected';
      throw error;
    }
  }
  codeFor(to: string) {
    const message = this.sent.filter((m) => m.to === to).at(-1);
    const code = message?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no code for ${to}`);
    return code;
  }
}

let demo: Tenant;
let other: Tenant;
let table: Awaited<ReturnType<typeof freshTable>>;
let engine: Engine;
let mailer: RecordingMailer;
let now: number;
let ip = 0;

beforeAll(async () => {
  const file = await loadTenantsFile(DEMO_TENANTS_FILE);
  [demo, other] = file.tenants as [Tenant, Tenant];
  table = await freshTable();
});

beforeEach(() => {
  mailer = new RecordingMailer();
  now = Date.UTC(2026, 10, 22, 12, 0, 0);
  engine = createEngine({
    store: new VerificationStore(table.db, table.tableName),
    mailer,
    texter: mailer,
    clock: { now: () => now },
    pepper: Buffer.from('test-pepper-test-pepper-test-pepper!'),
  });
});

let counter = 0;
const fresh = () => `user${++counter}-${Date.now()}@example.com`;
const send = (to: string, purpose: 'register' | 'reset_password' | 'login' = 'register', tenant = demo) =>
  engine.sendCode({ tenant, channel: 'email', to, purpose, clientIp: `10.1.0.${++ip % 250}` });
const check = (
  to: string,
  code: string,
  purpose: 'register' | 'reset_password' | 'login' = 'register',
  tenant = demo,
) => engine.checkCode({ tenant, channel: 'email', to, purpose, code });

describe('codes', () => {
  it('are 6 digits from the whole range and verify once', async () => {
    const to = fresh();
    const sent = await send(to);
    const code = mailer.codeFor(to);
    expect(code).toMatch(/^\d{6}$/);
    expect(sent.to).toMatch(/^u\*\*\*@example\.com$/);
    expect(await check(to, code)).toEqual({ valid: true, status: 'approved' });
    expect(await check(to, code)).toEqual({ valid: false, status: 'already_used' });
  });

  it('are bound to purpose, address and tenant', async () => {
    const to = fresh();
    await send(to, 'register');
    const code = mailer.codeFor(to);
    expect((await check(to, code, 'reset_password')).valid).toBe(false);
    expect((await check(fresh(), code, 'register')).valid).toBe(false);
    expect((await check(to, code, 'register', other)).valid).toBe(false);
    expect(await check(to, code, 'register')).toEqual({ valid: true, status: 'approved' });
  });

  it('match the address case-insensitively and after trimming', async () => {
    const to = fresh();
    await send(`  ${to.toUpperCase()} `);
    expect((await check(to, mailer.codeFor(to.toUpperCase()))).valid).toBe(true);
  });

  it('expire after the tenant validity (600 s for email)', async () => {
    const to = fresh();
    await send(to);
    now += 600_000;
    expect(await check(to, mailer.codeFor(to))).toEqual({ valid: false, status: 'expired' });
  });

  it('are superseded by a new send for the same scope: the last code is the valid one', async () => {
    const to = fresh();
    await send(to);
    const first = mailer.codeFor(to);
    now += 61_000;
    await send(to);
    const second = mailer.codeFor(to);
    if (first !== second) expect((await check(to, first)).valid).toBe(false);
    expect((await check(to, second)).valid).toBe(true);
  });

  it('die after 5 wrong attempts, even for the right code', async () => {
    const to = fresh();
    await send(to);
    const code = mailer.codeFor(to);
    const wrong = code === '000000' ? '000001' : '000000';
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await check(to, wrong)).status);
    expect(statuses).toEqual(['pending', 'pending', 'pending', 'pending', 'max_attempts']);
    expect(await check(to, code)).toEqual({ valid: false, status: 'max_attempts' });
  });

  it('count failed checks per address over a rolling hour, so re-sending does not reset brute force', async () => {
    const to = fresh();
    for (let round = 0; round < 4; round++) {
      await send(to, 'login');
      const code = mailer.codeFor(to);
      const wrong = code === '999999' ? '999998' : '999999';
      for (let i = 0; i < 5; i++) await check(to, wrong, 'login');
      now += 61_000;
    }
    now += 600_000; // past the 10-minute send window, well inside the failure hour
    await send(to, 'login');
    const code = mailer.codeFor(to);
    expect(await check(to, code, 'login')).toEqual({ valid: false, status: 'max_attempts' });
    now += 3_600_000;
    await send(to, 'login');
    expect(await check(to, mailer.codeFor(to), 'login')).toEqual({ valid: true, status: 'approved' });
  });

  it('report not_found for an address that never got a code', async () => {
    expect(await check(fresh(), '123456')).toEqual({ valid: false, status: 'not_found' });
  });
});

describe('send limits', () => {
  it('allow 1 per 60 s and 5 per rolling 10 minutes per address, across purposes', async () => {
    const to = fresh();
    await send(to, 'register');
    await expect(send(to, 'login')).rejects.toBeInstanceOf(RateLimitedError);
    for (let i = 0; i < 4; i++) {
      now += 60_000;
      await send(to, i % 2 ? 'login' : 'reset_password');
    }
    now += 60_000; // 5 sends in the last 5 minutes: the window is full
    await expect(send(to)).rejects.toMatchObject({ kind: 'rate_limited', scope: 'address' });
    now += 5 * 60_000 - 1; // 1 ms before the first send leaves the 10-minute window
    await expect(send(to)).rejects.toMatchObject({ scope: 'address' });
    now += 1;
    await send(to);
    expect(mailer.sent.filter((m) => m.to === to)).toHaveLength(6);
  });

  it('tell how long to wait', async () => {
    const to = fresh();
    await send(to);
    now += 20_000;
    await expect(send(to)).rejects.toMatchObject({ retryAfterSeconds: 40 });
  });

  it('limit sends per client IP', async () => {
    const tenant: Tenant = { ...demo, limits: { ...demo.limits, perIp: { limit: 2, windowSeconds: 3600 } } };
    const viaIp = (to: string) =>
      engine.sendCode({ tenant, channel: 'email', to, purpose: 'register', clientIp: '192.0.2.77' });
    await viaIp(fresh());
    await viaIp(fresh());
    await expect(viaIp(fresh())).rejects.toMatchObject({ kind: 'rate_limited', scope: 'ip' });
  });

  it('spend the daily SMS budget atomically and refuse countries the tenant does not allow', async () => {
    const tenant: Tenant = { ...demo, id: `budget-${Date.now()}`, sms: { ...demo.sms, dailyBudget: 2 } };
    const sms = (to: string) => engine.sendCode({ tenant, channel: 'sms', to, purpose: 'login' });
    await sms('+8613800138001');
    await sms('+8613800138002');
    await expect(sms('+8613800138003')).rejects.toMatchObject({ kind: 'budget_exhausted' });
    await expect(sms('+33612345678')).rejects.toMatchObject({ kind: 'country_not_allowed' });
    expect(mailer.sent.filter((m) => m.channel === 'sms')).toHaveLength(2);
  });
});

describe('delivery failure', () => {
  it('withdraws the code and lets the address send again at once', async () => {
    const to = fresh();
    mailer.failNext = true;
    await expect(send(to)).rejects.toBeInstanceOf(DeliveryFailedError);
    const undelivered = mailer.codeFor(to);
    expect(await check(to, undelivered)).toEqual({ valid: false, status: 'not_found' });
    await send(to);
    expect((await check(to, mailer.codeFor(to))).valid).toBe(true);
  });
});

describe('a failing provider', () => {
  it('does not switch the per-IP limit or the SMS budget off: failed sends stay counted', async () => {
    const tenant: Tenant = {
      ...demo,
      id: `failing-${Date.now()}`,
      limits: { ...demo.limits, perIp: { limit: 2, windowSeconds: 3600 } },
      sms: { ...demo.sms, dailyBudget: 2 },
    };
    const viaIp = (to: string) =>
      engine.sendCode({ tenant, channel: 'email', to, purpose: 'login', clientIp: '192.0.2.99' });
    for (let i = 0; i < 2; i++) {
      mailer.failNext = true;
      await expect(viaIp(fresh())).rejects.toBeInstanceOf(DeliveryFailedError);
    }
    await expect(viaIp(fresh())).rejects.toMatchObject({ kind: 'rate_limited', scope: 'ip' });

    const sms = (to: string) => engine.sendCode({ tenant, channel: 'sms', to, purpose: 'login' });
    for (const to of ['+8613800138011', '+8613800138012']) {
      mailer.failNext = true;
      await expect(sms(to)).rejects.toBeInstanceOf(DeliveryFailedError);
    }
    await expect(sms('+8613800138013')).rejects.toMatchObject({ kind: 'budget_exhausted' });
  });
});

describe('at rest', () => {
  it('no attribute in the table holds a sent code or a full address', async () => {
    for (let i = 0; i < 5; i++) await send(fresh());
    await engine.sendCode({ tenant: demo, channel: 'sms', to: '+8613800138000', purpose: 'login' });
    const values = (await scanAll(table.db, table.tableName))
      .filter((item) => !String(item.pk).startsWith('TENANT#'))
      .flatMap(scalars);
    expect(values.length).toBeGreaterThan(20);
    for (const message of mailer.sent) {
      const code = message.text.match(/\b(\d{6})\b/)?.[1] ?? 'missing';
      expect(values.some((value) => leaks(value, code))).toBe(false);
      expect(values.some((value) => value.toLowerCase().includes(message.to.toLowerCase()))).toBe(false);
    }
  });
});

describe('status by id', () => {
  it('follows a verification from pending to approved', async () => {
    const to = fresh();
    const sent = await send(to);
    expect((await engine.getVerification(demo, sent.id)).status).toBe('pending');
    await check(to, mailer.codeFor(to));
    const after = await engine.getVerification(demo, sent.id);
    expect(after).toMatchObject({ status: 'approved', channel: 'email', purpose: 'register', to: sent.to });
    await expect(engine.getVerification(other, sent.id)).rejects.toMatchObject({ kind: 'not_found' });
    const tampered = `${sent.id.slice(0, -1)}${sent.id.endsWith('0') ? '1' : '0'}`;
    await expect(engine.getVerification(demo, tampered)).rejects.toMatchObject({
      kind: 'not_found',
    });
  });
});
