// Stored lifetimes (issue 14 item 3): every item a send, a failed check, a link, a grant and a verified mark
// write carries a `ttl` (epoch seconds) that covers every window or validity the item holds. DynamoDB Local
// never expires items, so a lifetime shorter than its window would only show on AWS — where counters,
// attempt records, links and grants would vanish early. Hence these checks read `ttl` directly.
import { createHmac } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMessage, Texter } from '../lib/delivery/types.ts';
import { createEngine, type Engine } from '../lib/engine/engine.ts';
import { BLOCKS_MS, OFFENCE_MEMORY_MS, WINDOW_MS } from '../lib/engine/pumping-guard.ts';
import { VerificationStore } from '../lib/store/verification-store.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { Tenant } from '../lib/tenants/schema.ts';
import { freshTable, scanAll } from './helpers/table.ts';

type Item = Record<string, unknown>;

class Recorder implements Mailer, Texter {
  sent: OutgoingMessage[] = [];
  async sendMail(message: OutgoingMessage) {
    this.sent.push(message);
  }
  async sendSms(message: OutgoingMessage) {
    this.sent.push(message);
  }
  last(to: string) {
    const message = this.sent.filter((m) => m.to === to).at(-1);
    if (!message) throw new Error(`nothing sent to ${to}`);
    return message;
  }
  code(to: string) {
    return this.last(to).text.match(/\b(\d{6})\b/)?.[1] ?? 'missing';
  }
  token(to: string) {
    return this.last(to).text.match(/token=([A-Za-z0-9_-]{43})/)?.[1] ?? 'missing';
  }
}

const DAY = 86_400;
const PEPPER = Buffer.from('lifetime-pepper-lifetime-pepper!');
const VERIFIED_MARK_MS = 90 * DAY * 1000;
let tenant: Tenant;
let table: Awaited<ReturnType<typeof freshTable>>;
let engine: Engine;
let recorder: Recorder;
let now: number;
let serial = 0;

beforeAll(async () => {
  const file = await loadTenantsFile(DEMO_TENANTS_FILE);
  // Its own tenant id, so this file's items are told apart from nothing else's, and one limit per device.
  tenant = { ...(file.tenants[0] as Tenant), id: `life-${Date.now()}` };
  table = await freshTable();
});

beforeEach(() => {
  recorder = new Recorder();
  now = Date.UTC(2026, 10, 22, 12, 0, 0) + ++serial * 7 * DAY * 1000;
  engine = createEngine({
    store: new VerificationStore(table.db, table.tableName),
    mailer: recorder,
    texter: recorder,
    clock: { now: () => now },
    pepper: PEPPER,
  });
});

const fresh = () => `life${++serial}-${Date.now()}@example.com`;
const link = { url: (token: string) => `https://app.test/confirm?token=${token}` };

/** Numbers stored under `prefix0`, `prefix1`, … (send slots `s`, failed-check slots `f`). */
const slots = (item: Item, prefix: string) =>
  Object.keys(item)
    .filter((name) => new RegExp(`^${prefix}\\d+$`).test(name))
    .map((name) => Number(item[name]))
    .filter((value) => value > 0);

/**
 * The last instant (ms) at which something the item holds still matters, read from the item itself:
 * send slots for the rolling window and the cooldown, failed-check slots for the failure cap, a live
 * code or link until it expires, a grant until it expires, a verified mark for 90 days, a counter
 * until its window resets, a nonce or idempotency key until it may be reused.
 */
function carriedUntil(item: Item): { kind: string; until: number } {
  const pk = String(item.pk);
  if (pk.startsWith('CTR#')) return { kind: 'counter', until: Number(item.resetAt) };
  if (pk.startsWith('NONCE#')) return { kind: 'nonce', until: Number(item.until) };
  if (pk.startsWith('IDEM#')) return { kind: 'idempotency', until: Number(item.until) };
  // The pumping guard's day of spend until the day ends; a prefix while its window, a block or its offences matter.
  if (pk.startsWith('GUARD#') && item.sk === 'SPEND')
    return { kind: 'guard spend', until: Number(item.resetAt) };
  if (pk.startsWith('GUARD#')) {
    const lastBlock = Number(item.lb ?? 0);
    const block = Math.max(Number(item.bu ?? 0), Number(item.mbu ?? 0));
    const offences = lastBlock ? lastBlock + OFFENCE_MEMORY_MS + (BLOCKS_MS.at(-1) ?? 0) : 0;
    return { kind: 'guard prefix', until: Math.max(Number(item.w) + WINDOW_MS, block, offences) };
  }
  if (String(item.sk).startsWith('VERIFIED#')) {
    return { kind: 'verified mark', until: Number(item.verifiedAt) + VERIFIED_MARK_MS };
  }
  const ends = [
    ...slots(item, 's').map((at) => at + tenant.limits.perAddress.windowSeconds * 1000),
    ...slots(item, 's').map((at) => at + tenant.limits.cooldownSeconds * 1000),
    ...slots(item, 'f').map((at) => at + tenant.codes.failureCap.windowSeconds * 1000),
  ];
  for (const [name, value] of Object.entries(item)) {
    const purpose = name.match(/^x_(\w+)$/)?.[1];
    // A code or link is carried while its hash is stored; its expiry is x_<purpose>.
    if (purpose && (item[`h_${purpose}`] !== undefined || item[`k_${purpose}`] !== undefined)) {
      ends.push(Number(value));
    }
    const granted = name.match(/^gx_(\w+)$/)?.[1];
    if (granted && item[`g_${granted}`] !== undefined) ends.push(Number(value));
  }
  return { kind: 'address', until: Math.max(...ends) };
}

/** This file's items (everything but tenant records), each checked: ttl covers what the item carries. */
async function expectLifetimesCover(): Promise<Map<string, number>> {
  const kinds = new Map<string, number>();
  const items = (await scanAll(table.db, table.tableName)).filter((item) =>
    String(item.pk).includes(tenant.id),
  );
  for (const item of items) {
    const { kind, until } = carriedUntil(item);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    expect(typeof item.ttl, `${kind} item has a ttl`).toBe('number');
    expect(
      Number(item.ttl) * 1000,
      `${kind} item ${String(item.pk)} ${String(item.sk)}`,
    ).toBeGreaterThanOrEqual(until);
  }
  return kinds;
}

/** The one address item of `to` on the email channel (there is one per address and channel). */
async function addressItem(channel: 'email' | 'sms') {
  const items = (await scanAll(table.db, table.tableName)).filter(
    (item) => String(item.pk).startsWith(`ADDR#${tenant.id}#${channel}#`) && item.sk === 'ADDR',
  );
  return items.sort((a, b) => Number(b.s0) - Number(a.s0))[0] ?? {};
}

describe('stored lifetimes', () => {
  it('a send: the address item, every counter, the nonce and the idempotency key outlive their windows', async () => {
    await engine.sendCode({
      tenant,
      channel: 'email',
      to: fresh(),
      purpose: 'register',
      clientIp: '203.0.113.9',
      deviceId: 'device-1',
      replayKey: { key: `sig#${tenant.id}#r-${serial}`, until: now + 21 * 60_000 },
      idempotency: { key: `idem-${serial}`, requestHash: 'h' },
    });
    now += 1000;
    await engine.sendCode({ tenant, channel: 'sms', to: '+8613800138021', purpose: 'login' });
    const kinds = await expectLifetimesCover();
    expect(Object.fromEntries(kinds)).toMatchObject({ address: 2, nonce: 1, idempotency: 1 });
    // Per IP, per device, and the SMS budget; IP and device keyed like every other hash ("|"-joined).
    expect(kinds.get('counter')).toBeGreaterThanOrEqual(3);
    const keyed = (text: string) => createHmac('sha256', PEPPER).update(text).digest('base64url');
    const counters = (await scanAll(table.db, table.tableName)).map((item) => String(item.pk));
    for (const prefix of [
      `CTR#ip#${tenant.id}#${keyed(`ip|${tenant.id}|203.0.113.9`)}#`,
      `CTR#dev#${tenant.id}#${keyed(`device|${tenant.id}|device-1`)}#`,
      `CTR#sms#${tenant.id}#`,
      `IDEM#${tenant.id}#${keyed(`idem|idem-${serial}`)}`,
    ]) {
      expect(
        counters.some((pk) => pk.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    // The address item outlives its longest window (the failure cap's hour) itself, not just its code.
    const item = await addressItem('email');
    expect(Number(item.ttl) * 1000).toBeGreaterThanOrEqual(
      Number(item.s0) + tenant.codes.failureCap.windowSeconds * 1000,
    );
  });

  it('a send whose validity outlasts every window (a 7-day link) keeps its item until it expires', async () => {
    const to = fresh();
    const sent = await engine.sendCode({
      tenant,
      channel: 'email',
      to,
      purpose: 'register',
      validitySeconds: 7 * DAY,
      link,
    });
    expect(sent.expiresAt).toBe(now + 7 * DAY * 1000);
    await expectLifetimesCover();
    expect(Number((await addressItem('email')).ttl) * 1000).toBeGreaterThanOrEqual(sent.expiresAt);
  });

  it('a failed check: the failure slot is kept for the whole failure-cap window from the check', async () => {
    const to = fresh();
    await engine.sendCode({ tenant, channel: 'email', to, purpose: 'login' });
    const code = recorder.code(to);
    // Late in the code's life, so the failure's window ends well after what the send alone needed.
    now += 590_000;
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await engine.checkCode({ tenant, channel: 'email', to, purpose: 'login', code: wrong })).toEqual({
      valid: false,
      status: 'pending',
    });
    await expectLifetimesCover();
    const item = await addressItem('email');
    expect(Number(item.f0)).toBe(now);
    expect(Number(item.ttl) * 1000).toBeGreaterThanOrEqual(
      now + tenant.codes.failureCap.windowSeconds * 1000,
    );
  });

  it('a confirmed link: the address item and the 90-day verified mark', async () => {
    const to = fresh();
    await engine.sendCode({ tenant, channel: 'email', to, purpose: 'register', link });
    now += 5_000;
    expect(await engine.confirmLink({ tenant, to, purpose: 'register', token: recorder.token(to) })).toEqual({
      confirmed: true,
    });
    const kinds = await expectLifetimesCover();
    expect(kinds.get('verified mark')).toBeGreaterThanOrEqual(1);
    const marks = (await scanAll(table.db, table.tableName)).filter(
      (item) => String(item.pk).includes(tenant.id) && item.sk === 'VERIFIED#register',
    );
    const mark = marks.find((item) => item.verifiedAt === now);
    expect(Number(mark?.ttl) * 1000).toBeGreaterThanOrEqual(now + VERIFIED_MARK_MS);
  });

  it('a grant issued by a confirmed link keeps its item until the grant expires', async () => {
    const to = fresh();
    await engine.sendCode({ tenant, channel: 'email', to, purpose: 'reset_password', link });
    now += 5_000;
    const confirmed = await engine.confirmLink({
      tenant,
      to,
      purpose: 'reset_password',
      token: recorder.token(to),
      grant: { validitySeconds: 2 * DAY },
    });
    expect(confirmed.grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expectLifetimesCover();
    const item = await addressItem('email');
    expect(Number(item.gx_reset_password)).toBe(now + 2 * DAY * 1000);
    expect(Number(item.ttl) * 1000).toBeGreaterThanOrEqual(now + 2 * DAY * 1000);
    // Redeemable while it lives, once.
    now += DAY * 1000;
    const redeem = () =>
      engine.redeemGrant({ tenant, to, purpose: 'reset_password', token: confirmed.grant ?? '' });
    expect(await redeem()).toBe(true);
    expect(await redeem()).toBe(false);
  });

  it('a later send for another purpose and a failed check do not shorten a live 7-day link', async () => {
    const to = fresh();
    const sent = await engine.sendCode({
      tenant,
      channel: 'email',
      to,
      purpose: 'register',
      validitySeconds: 7 * DAY,
      link,
    });
    now += 61_000;
    await engine.sendCode({ tenant, channel: 'email', to, purpose: 'login' });
    const code = recorder.code(to);
    now += 1_000;
    const wrong = code === '000000' ? '000001' : '000000';
    await engine.checkCode({ tenant, channel: 'email', to, purpose: 'login', code: wrong });
    await expectLifetimesCover();
    expect(Number((await addressItem('email')).ttl) * 1000).toBeGreaterThanOrEqual(sent.expiresAt);
  });
});
