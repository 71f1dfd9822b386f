// The SMS pumping guard (engine/pumping-guard.ts) at the engine, on DynamoDB Local, with an injected clock: a
// pumped prefix is blocked after its floor, repeat offences last longer, a verified number and the safe list pass,
// monitor mode blocks nothing, a burst cannot pass the floor, unverified spend has a ceiling, a send stays one call.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage, Texter, VoiceCaller, WhatsAppSender } from '../lib/delivery/types.ts';
import { BudgetExhaustedError, PumpingBlockedError } from '../lib/domain/errors.ts';
import { createEngine, type Engine } from '../lib/engine/engine.ts';
import type { EngineEvent } from '../lib/engine/ports.ts';
import { BLOCKS_MS, binomialCdf, looksPumped, prefixOf } from '../lib/engine/pumping-guard.ts';
import { VerificationStore } from '../lib/store/verification-store.ts';
import { GUARD_DEFAULTS, guardSettings } from '../lib/tenants/guard-settings.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { Tenant } from '../lib/tenants/schema.ts';
import { type GuardSettings, guardSchema } from '../lib/tenants/schema-guard.ts';
import { freshTable, scanAll } from './helpers/table.ts';

class Phones implements Texter, WhatsAppSender, VoiceCaller {
  sent: OutgoingMessage[] = [];
  async sendSms(message: OutgoingMessage) {
    this.sent.push(message);
  }
  async sendWhatsApp(message: OutgoingMessage) {
    this.sent.push(message);
  }
  async call(message: OutgoingMessage) {
    this.sent.push(message);
  }
  async sendMail(message: OutgoingMessage) {
    this.sent.push(message);
  }
  codeFor(to: string) {
    const code = this.sent
      .filter((m) => m.to === to)
      .at(-1)
      ?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no code for ${to}`);
    return code;
  }
}

let demo: Tenant;
let table: Awaited<ReturnType<typeof freshTable>>;
let phones: Phones;
let events: EngineEvent[];
let now: number;
let calls: string[];
let block = 100;

beforeAll(async () => {
  demo = (await loadTenantsFile(DEMO_TENANTS_FILE)).tenants[0] as Tenant;
  table = await freshTable();
  table.db.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
});

beforeEach(() => {
  phones = new Phones();
  events = [];
  calls = [];
  now = Date.UTC(2026, 11, 6, 12, 0, 0);
});

function engineFor(guard: Partial<GuardSettings>, id = `pump${++block}`): { engine: Engine; tenant: Tenant } {
  const tenant = { ...demo, id, sms: { ...demo.sms, guard: { mode: 'enforce', ...guard } } } as Tenant;
  const engine = createEngine({
    store: new VerificationStore(table.db, table.tableName),
    mailer: phones,
    texter: phones,
    whatsapp: phones,
    voice: phones,
    clock: { now: () => now },
    pepper: Buffer.from('test-pepper-test-pepper-test-pepper!'),
    observe: (event) => events.push(event),
  });
  return { engine, tenant };
}

/** A fresh 1,000-number US prefix (`+1202555n`, `+1202556n`, …), distinct per call. */
let prefixes = 0;
const freshPrefix = () => `+1${2_025_550 + ++prefixes}`;
const numberIn = (prefix: string, n: number) => `${prefix}${String(n).padStart(3, '0')}`;

async function sendTo(engine: Engine, tenant: Tenant, to: string) {
  return engine.sendCode({ tenant, channel: 'sms', to, purpose: 'login' }).then(
    () => 'sent' as const,
    (error: unknown) => error,
  );
}

describe('the settings', () => {
  it("the engine's defaults (no zod in a send bundle) are the schema's, nested ones included", () => {
    expect(GUARD_DEFAULTS).toEqual(guardSchema.parse({}));
    expect(guardSettings({ unverifiedSpend: { baseUsd: 9 } } as never)).toEqual(
      guardSchema.parse({ unverifiedSpend: { baseUsd: 9 } }),
    );
  });
});

describe('the statistics', () => {
  it('a binomial tail and the verdict it gives', () => {
    expect(binomialCdf(0, 5, 0.7)).toBeCloseTo(0.3 ** 5, 10);
    expect(binomialCdf(5, 5, 0.7)).toBeCloseTo(1, 10);
    // Five sends, none entered: pumped against real users' 70%, not against a 50% baseline.
    expect(looksPumped(5, 5, 0.7)).toBe(true);
    expect(looksPumped(5, 5, 0.5)).toBe(false);
    // Four of five entered: a real user's prefix.
    expect(looksPumped(5, 1, 0.7)).toBe(false);
    expect(prefixOf('+12025550123')).toEqual({ prefix: '+12025550', shown: '+120255**xxx' });
  });
});

describe('a pumped prefix (enforce)', () => {
  it('is blocked after its floor of unverified sends, before delivery, and longer when it comes back', async () => {
    const { engine, tenant } = engineFor({});
    const prefix = freshPrefix();
    const results = [];
    for (let n = 0; n < 8; n++) results.push(await sendTo(engine, tenant, numberIn(prefix, n)));
    expect(results.slice(0, 5)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    for (const refused of results.slice(5)) {
      expect(refused).toBeInstanceOf(PumpingBlockedError);
      expect((refused as PumpingBlockedError).kind).toBe('pumping_blocked');
    }
    expect(phones.sent).toHaveLength(5);
    expect((results[5] as PumpingBlockedError).retryAfterSeconds).toBe(BLOCKS_MS[0] / 1000);
    expect(events.filter((event) => event.type === 'pumping_blocked')).toMatchObject([
      { mode: 'enforce', country: 'US', prefix: prefixOf(numberIn(prefix, 0)).shown, unverified: 5 },
    ]);

    // After the first block: a new window, the same floor, then the second offence's 12 hours.
    now += BLOCKS_MS[0] + 1000;
    const again = [];
    for (let n = 10; n < 16; n++) again.push(await sendTo(engine, tenant, numberIn(prefix, n)));
    expect(again.slice(0, 5)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect((again[5] as PumpingBlockedError).retryAfterSeconds).toBe(BLOCKS_MS[1] / 1000);
  });

  it('never blocks a number verified in the last 90 days, nor a safe-listed one', async () => {
    const prefix = freshPrefix();
    const { engine, tenant } = engineFor({ safeList: [numberIn(prefix, 999)] });
    const known = numberIn(prefix, 500);
    expect(await sendTo(engine, tenant, known)).toBe('sent');
    const check = await engine.checkCode({
      tenant,
      channel: 'sms',
      to: known,
      purpose: 'login',
      code: phones.codeFor(known),
    });
    expect(check.valid).toBe(true);
    // One entered code of six is no proof (p = 0.011 against 70%): the floor rises to 7, then the prefix is blocked.
    const attack = [];
    for (let n = 0; n < 10; n++) attack.push(await sendTo(engine, tenant, numberIn(prefix, n)));
    expect(attack.filter((result) => result === 'sent')).toHaveLength(7);
    expect(attack.at(-1)).toBeInstanceOf(PumpingBlockedError);
    now += 120_000; // past the cooldown between two codes to one address
    expect(await sendTo(engine, tenant, known)).toBe('sent');
    expect(await sendTo(engine, tenant, numberIn(prefix, 999))).toBe('sent');
    // 91 days later the mark has lapsed: the prefix, pumped again (its old window starts afresh), blocks it too.
    now += 91 * 24 * 3600_000;
    for (let n = 20; n < 29; n++) await sendTo(engine, tenant, numberIn(prefix, n));
    expect(await sendTo(engine, tenant, known)).toBeInstanceOf(PumpingBlockedError);
  });

  it('lets a prefix whose codes are entered keep sending', async () => {
    const { engine, tenant } = engineFor({});
    const prefix = freshPrefix();
    const outcomes = [];
    for (let n = 0; n < 30; n++) {
      const to = numberIn(prefix, n);
      outcomes.push(await sendTo(engine, tenant, to));
      // Four users in five enter their code.
      if (n % 5 !== 4) {
        await engine.checkCode({ tenant, channel: 'sms', to, purpose: 'login', code: phones.codeFor(to) });
      }
    }
    expect(outcomes.filter((outcome) => outcome !== 'sent')).toEqual([]);
  });
});

describe('every phone channel', () => {
  it('WhatsApp and voice count on the same prefix as SMS: an attack spread over them is blocked alike', async () => {
    const { engine, tenant } = engineFor({});
    const prefix = freshPrefix();
    const channels = ['whatsapp', 'voice', 'sms', 'whatsapp', 'voice', 'sms'] as const;
    const results = [];
    for (const [n, channel] of channels.entries()) {
      results.push(
        await engine.sendCode({ tenant, channel, to: numberIn(prefix, n), purpose: 'login' }).then(
          () => 'sent',
          (error: unknown) => error,
        ),
      );
    }
    expect(results.slice(0, 5)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(results[5]).toBeInstanceOf(PumpingBlockedError);
    expect(events.filter((event) => event.type === 'pumping_blocked')).toMatchObject([{ channel: 'sms' }]);
  });
});

describe('monitor mode', () => {
  it('blocks nothing and reports the prefix it would have blocked', async () => {
    const { engine, tenant } = engineFor({ mode: 'monitor' });
    const prefix = freshPrefix();
    const results = [];
    for (let n = 0; n < 12; n++) results.push(await sendTo(engine, tenant, numberIn(prefix, n)));
    expect(results.every((result) => result === 'sent')).toBe(true);
    expect(phones.sent).toHaveLength(12);
    expect(events.filter((event) => event.type === 'pumping_blocked')).toMatchObject([
      { mode: 'monitor', prefix: prefixOf(numberIn(prefix, 0)).shown },
    ]);
  });
});

describe('a burst', () => {
  it('of 50 concurrent sends to one fresh prefix admits no more than the floor', async () => {
    const { engine, tenant } = engineFor({});
    const prefix = freshPrefix();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) => sendTo(engine, tenant, numberIn(prefix, n))),
    );
    const sent = results.filter((result) => result === 'sent').length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(5);
    expect(phones.sent).toHaveLength(sent);
    const items = await scanAll(table.db, table.tableName);
    const counted = items.filter((item) => String(item.pk).startsWith(`GUARD#${tenant.id}#US#`));
    expect(counted.map((item) => Number(item.bu) > now)).toEqual([true]);
  });
});

describe('the spend ceiling', () => {
  it('refuses unverified texts past baseUsd (one message of overshoot at most), each prefix fresh', async () => {
    // GB is not in the cited table: $0.15 a text. A ceiling of $0.25 admits two ($0.30 ≤ $0.25 + $0.15).
    const { engine, tenant } = engineFor({ unverifiedSpend: { baseUsd: 0.25, share: 0.5 } });
    const results = [];
    for (let n = 0; n < 5; n++) results.push(await sendTo(engine, tenant, `+4474001${n}0123`));
    expect(results.slice(0, 2)).toEqual(['sent', 'sent']);
    expect(results[2]).toBeInstanceOf(BudgetExhaustedError);
    expect((results[2] as Error).message).toBe('daily ceiling on unverified SMS spend reached');
    expect(phones.sent).toHaveLength(2);
  });
});

describe('a burst against the spend ceiling', () => {
  it('of 30 concurrent unverified texts, each to a fresh prefix, admits no more than the ceiling plus one text', async () => {
    const { engine, tenant } = engineFor({ unverifiedSpend: { baseUsd: 0.25, share: 0.5 } });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        sendTo(engine, tenant, `+4474002${String(n).padStart(2, '0')}123`),
      ),
    );
    // $0.15 each (GB is not in the cited table): admitted while under $0.25, so two, $0.30.
    expect(results.filter((result) => result === 'sent')).toHaveLength(2);
    expect(results.filter((result) => result instanceof BudgetExhaustedError).length).toBeGreaterThan(20);
  });
});

describe('round trips', () => {
  it('a guarded send is one TransactWriteItems; an approving check one write more', async () => {
    const { engine, tenant } = engineFor({});
    const to = numberIn(freshPrefix(), 1);
    calls = [];
    expect(await sendTo(engine, tenant, to)).toBe('sent');
    expect(calls).toEqual(['TransactWriteItemsCommand']);
    calls = [];
    await engine.checkCode({ tenant, channel: 'sms', to, purpose: 'login', code: phones.codeFor(to) });
    expect(calls).toEqual(['UpdateItemCommand', 'TransactWriteItemsCommand']);
    // Each guard item stays under 1 KB, so each costs 2 WRU in the transaction: +4 WRU per send. (DynamoDB's item
    // size: attribute names plus values, a number at most 21 bytes; DynamoDB Local reports no per-item capacity.)
    const size = (item: Record<string, unknown>) =>
      Object.entries(item).reduce(
        (sum, [name, value]) =>
          sum + Buffer.byteLength(name) + (typeof value === 'number' ? 21 : Buffer.byteLength(String(value))),
        0,
      );
    const guardItems = (await scanAll(table.db, table.tableName)).filter((item) =>
      String(item.pk).startsWith(`GUARD#${tenant.id}#`),
    );
    expect(guardItems.map((item) => item.sk).sort()).toEqual(['GUARD', 'SPEND']);
    for (const item of guardItems) expect(size(item)).toBeLessThan(1024);
  });
});
