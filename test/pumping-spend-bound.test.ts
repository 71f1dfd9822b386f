// The pumping guard's spend ceiling is a bound in dollars: a text is charged its country's price per part times its
// parts (lib/delivery/sms-parts.ts), and the real SNS client (aws-sdk-client-mock) is told AWS.SNS.SMS.MaxPrice no
// higher than that charge, so SNS delivers no text dearer than the ceiling counted it. The approving check moves the
// whole charge from unverified to verified spend. Engine on DynamoDB Local.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { smsParts } from '../lib/delivery/sms-parts.ts';
import { SnsTexter } from '../lib/delivery/sns-texter.ts';
import type { OutgoingMessage } from '../lib/delivery/types.ts';
import { createEngine, type Engine } from '../lib/engine/engine.ts';
import type { EngineEvent } from '../lib/engine/ports.ts';
import { smsMaxPrice } from '../lib/engine/pumping-guard.ts';
import { SMS_PRICES, UNLISTED_USD } from '../lib/engine/sms-prices.ts';
import { spendKey } from '../lib/store/prefix-guard.ts';
import { VerificationStore } from '../lib/store/verification-store.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { Tenant } from '../lib/tenants/schema.ts';
import type { GuardSettings } from '../lib/tenants/schema-guard.ts';
import { freshTable } from './helpers/table.ts';

const sns = mockClient(SNSClient);

let demo: Tenant;
let table: Awaited<ReturnType<typeof freshTable>>;
let texts: OutgoingMessage[];
let events: EngineEvent[];
let count = 0;
const now = Date.UTC(2026, 11, 6, 12, 0, 0);

beforeAll(async () => {
  demo = (await loadTenantsFile(DEMO_TENANTS_FILE)).tenants[0] as Tenant;
  table = await freshTable();
});
afterAll(() => sns.restore());
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  texts = [];
  events = [];
});

function engineFor(
  guard: Partial<GuardSettings>,
  sms: Partial<Tenant['sms']> = {},
  extra: Partial<Tenant> = {},
) {
  const tenant = {
    ...demo,
    ...extra,
    id: `bound${++count}`,
    sms: { ...demo.sms, allowedCountries: ['GB', 'US', 'JP'], ...sms, guard: { mode: 'enforce', ...guard } },
  } as Tenant;
  const real = new SnsTexter(
    new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );
  const texter = {
    async sendSms(message: OutgoingMessage, sender: Parameters<SnsTexter['sendSms']>[1]) {
      texts.push(message);
      await real.sendSms(message, sender);
    },
  };
  const engine: Engine = createEngine({
    store: new VerificationStore(table.db, table.tableName),
    mailer: { sendMail: async () => undefined },
    texter,
    clock: { now: () => now },
    pepper: Buffer.from('test-pepper-test-pepper-test-pepper!'),
    observe: (event) => events.push(event),
  });
  return { engine, tenant };
}

/** The MaxPrice attribute of every Publish so far (undefined where none was set). */
const maxPrices = () =>
  sns.commandCalls(PublishCommand).map((call) => {
    const attribute = call.args[0].input.MessageAttributes?.['AWS.SNS.SMS.MaxPrice'];
    return attribute && `${attribute.DataType} ${attribute.StringValue}`;
  });

async function spendOf(tenant: Tenant) {
  const out = await table.db.send(
    new GetCommand({ TableName: table.tableName, Key: spendKey(tenant.id, Math.floor(now / 86_400_000)) }),
  );
  return { unverified: Number(out.Item?.uu ?? 0), verified: Number(out.Item?.vu ?? 0) };
}

describe('SMS parts', () => {
  it('160 GSM septets are one part, then 153 a part; an extension character takes two', () => {
    expect(smsParts('a'.repeat(160))).toBe(1);
    expect(smsParts('a'.repeat(161))).toBe(2);
    expect(smsParts('a'.repeat(306))).toBe(2);
    expect(smsParts('a'.repeat(307))).toBe(3);
    expect(smsParts(`${'a'.repeat(159)}€`)).toBe(2);
    expect(smsParts(`${'a'.repeat(158)}€`)).toBe(1);
    expect(smsParts('Ünïcödé? No: GSM has ü, not ï.')).toBe(1);
    expect(smsParts('§'.repeat(160))).toBe(1);
  });

  it('a character outside GSM makes the text UCS-2: 70 units, then 67 a part; an emoji takes two', () => {
    expect(smsParts('验'.repeat(70))).toBe(1);
    expect(smsParts('验'.repeat(71))).toBe(2);
    expect(smsParts('验'.repeat(134))).toBe(2);
    expect(smsParts('验'.repeat(135))).toBe(3);
    expect(smsParts(`${'a'.repeat(68)}🙂`)).toBe(1);
    expect(smsParts(`${'a'.repeat(69)}🙂`)).toBe(2);
  });
});

describe("the text's MaxPrice", () => {
  it('is what the guard charged: the cited price, the tenant’s own, or the unlisted one', async () => {
    const { engine, tenant } = engineFor({ pricesUsd: { JP: 0.05 } });
    await engine.sendCode({ tenant, channel: 'sms', to: '+12025550100', purpose: 'login' });
    await engine.sendCode({ tenant, channel: 'sms', to: '+447400123456', purpose: 'login' });
    await engine.sendCode({ tenant, channel: 'sms', to: '+819012345678', purpose: 'login' });
    expect(texts.map((text) => smsParts(text.text))).toEqual([1, 1, 1]);
    expect(maxPrices()).toEqual([
      `Number ${SMS_PRICES.US?.usd}`,
      `Number ${UNLISTED_USD}`,
      'Number 0.05', // the tenant's price beats the table's
    ]);
    const spend = await spendOf(tenant);
    expect(spend.unverified).toBe(Math.round(((SMS_PRICES.US?.usd ?? 0) + UNLISTED_USD + 0.05) * 1e6));
    // The Spend metric (lib/observe.ts) and the WhatsApp and voice spend alarms read the same charge.
    expect(events.filter((event) => event.type === 'code_sent').map((event) => event.spendUsd)).toEqual([
      SMS_PRICES.US?.usd,
      UNLISTED_USD,
      0.05,
    ]);
  });

  it("is the tenant's sms.maxPrice when that is lower; without an enforcing guard, the tenant's or none", async () => {
    const lower = engineFor({}, { maxPrice: '0.02' });
    await lower.engine.sendCode({
      tenant: lower.tenant,
      channel: 'sms',
      to: '+447400123457',
      purpose: 'login',
    });
    const monitor = engineFor({ mode: 'monitor' });
    await monitor.engine.sendCode({
      tenant: monitor.tenant,
      channel: 'sms',
      to: '+447400123458',
      purpose: 'login',
    });
    const off = engineFor({ mode: 'off' }, { maxPrice: '0.50' });
    await off.engine.sendCode({ tenant: off.tenant, channel: 'sms', to: '+447400123459', purpose: 'login' });
    expect(maxPrices()).toEqual(['Number 0.02', undefined, 'Number 0.50']);
    // The Spend metric reports every send's charge, the guard enforcing, monitoring or off.
    expect(events.filter((event) => event.type === 'code_sent').map((event) => event.spendUsd)).toEqual([
      UNLISTED_USD,
      UNLISTED_USD,
      UNLISTED_USD,
    ]);
    // Mail costs the guard nothing: no Spend.
    await off.engine.sendCode({
      tenant: off.tenant,
      channel: 'email',
      to: 'a@example.com',
      purpose: 'login',
    });
    expect(events.at(-1)).toMatchObject({ type: 'code_sent', channel: 'email' });
    expect(events.at(-1)).not.toHaveProperty('spendUsd');
  });

  it('of a text in two parts is twice the price, charged and moved to verified whole when its code is entered', async () => {
    const long = `Your {app} code is {code}. ${'Never share it with anyone, not even with us. '.repeat(3)}`;
    const { engine, tenant } = engineFor({}, {}, {
      templates: { en: { login: { text: long } } },
    } as Partial<Tenant>);
    await engine.sendCode({ tenant, channel: 'sms', to: '+447400123460', purpose: 'login' });
    const text = texts[0]?.text ?? '';
    expect(smsParts(text)).toBe(2);
    expect(maxPrices()).toEqual([`Number ${UNLISTED_USD * 2}`]);
    expect(await spendOf(tenant)).toEqual({ unverified: UNLISTED_USD * 2 * 1e6, verified: 0 });
    const code = text.match(/\b(\d{6})\b/)?.[1] ?? '';
    const check = await engine.checkCode({
      tenant,
      channel: 'sms',
      to: '+447400123460',
      purpose: 'login',
      code,
    });
    expect(check.valid).toBe(true);
    expect(await spendOf(tenant)).toEqual({ unverified: 0, verified: UNLISTED_USD * 2 * 1e6 });
  });

  it('is unit-consistent: a guard charge formats as SNS reads a Number', () => {
    const guard = { mode: 'enforce', spend: { micros: 8830, day: 0, baseMicros: 0 } } as Parameters<
      typeof smsMaxPrice
    >[1];
    expect(smsMaxPrice(undefined, guard)).toBe('0.00883');
    expect(smsMaxPrice('0.01', guard)).toBe('0.00883');
    expect(smsMaxPrice('0.008', guard)).toBe('0.008');
    expect(smsMaxPrice('0.5', undefined)).toBe('0.5');
  });
});
