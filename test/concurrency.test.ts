// Every limit holds under real parallel requests through the local runtime to DynamoDB Local.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedHash } from '../lib/crypto.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { cnNumbers, PATH as SEED_002_PATH, signed } from './helpers/acceleronix-sms.ts';
import { startService, type TestService } from './helpers/service.ts';
import { scanAll } from './helpers/table.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

const AUTH = { authorization: 'Bearer demo-api-key' };
const sendEmail = (email: string, ip: string) =>
  service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
    query: { email, emailType: '1', userDomain: 'C.DM.5903.1' },
    headers: { 'x-forwarded-for': ip },
  });
const check = (to: string, code: string) =>
  service.request('POST', '/v1/verifications/check', {
    headers: AUTH,
    json: { channel: 'email', to, purpose: 'register', code },
  });

describe('under concurrency', () => {
  it('50 concurrent sends to one address deliver exactly one mail', async () => {
    const to = 'burst@example.com';
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sendEmail(to, `198.51.100.${i}`)),
    );
    const codes = responses.map((response) => response.body.code);
    expect(codes.filter((code) => code === 200)).toHaveLength(1);
    expect(codes.filter((code) => code === 5058)).toHaveLength(49);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(service.messages(to)).toHaveLength(1);
  });

  it('50 concurrent wrong checks: at most 5 are evaluated, then the right code is refused', async () => {
    const to = 'guesser@example.com';
    expect((await sendEmail(to, '198.51.100.200')).body.code).toBe(200);
    const code = service.lastCode(to);
    const guesses = Array.from({ length: 50 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    );
    const responses = await Promise.all(guesses.map((guess) => check(to, guess)));
    expect(responses.every((response) => response.status === 200 && response.body.valid === false)).toBe(
      true,
    );
    // Evaluated checks counted attempts on the code's item; refused ones never touched it.
    const pending = responses.filter((response) => response.body.status === 'pending');
    expect(pending.length).toBeLessThanOrEqual(4);

    const db = createDocumentClient(service.endpoint);
    const items = await scanAll(db, service.tableName);
    const item = items.find(
      (entry) =>
        String(entry.pk).startsWith('ADDR#demo#email#') &&
        entry.n_register !== undefined &&
        entry.m === 'g***@example.com',
    );
    expect(item?.n_register).toBe(5);
    const failures = Object.keys(item ?? {}).filter((key) => /^f\d+$/.test(key) && Number(item?.[key]) > 0);
    expect(failures).toHaveLength(5);
    db.destroy();

    expect((await check(to, code)).body).toEqual({ valid: false, status: 'max_attempts' });
  });

  it('50 concurrent right checks approve exactly once', async () => {
    const to = 'racer@example.com';
    expect((await sendEmail(to, '198.51.100.201')).body.code).toBe(200);
    const code = service.lastCode(to);
    const responses = await Promise.all(Array.from({ length: 50 }, () => check(to, code)));
    const approved = responses.filter((response) => response.body.valid === true);
    expect(approved).toHaveLength(1);
    expect(responses.filter((response) => response.body.status === 'already_used')).toHaveLength(49);
  });

  it('a per-IP limit admits exactly its quota under 40 concurrent sends to distinct addresses', async () => {
    // The demo tenant allows 1000 per hour per IP; spend all but 10 of a fresh IP's quota first.
    const db = createDocumentClient(service.endpoint);
    const ip = '203.0.113.250';
    const untilNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (untilNextHour < 10_000) await new Promise((resolve) => setTimeout(resolve, untilNextHour + 50));
    const bucket = Math.floor(Date.now() / 3_600_000);
    // Counter keys hold a keyed hash of the IP, never the IP itself.
    const ipKey = keyedHash(Buffer.from(process.env.PEPPER ?? '', 'utf8'), 'ip', 'demo', ip);
    await db.send(
      new UpdateCommand({
        TableName: service.tableName,
        Key: { pk: `CTR#ip#demo#${ipKey}#${bucket}`, sk: 'CTR' },
        UpdateExpression: 'SET c = :c',
        ExpressionAttributeValues: { ':c': 990 },
      }),
    );
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => sendEmail(`ip${i}@example.com`, ip)),
    );
    const admitted = responses.filter((response) => response.body.code === 200).length;
    expect(admitted).toBe(10);
    const counter = await db.send(
      new GetCommand({
        TableName: service.tableName,
        Key: { pk: `CTR#ip#demo#${ipKey}#${bucket}`, sk: 'CTR' },
      }),
    );
    expect(counter.Item?.c).toBe(1000);
    db.destroy();
  });
});

// Bursts: a burst's losers are refused by the limit they lost to, never answered "busy" (SPEC §3: no 5xx for
// contention). Generous timeouts, no timing assertions: these run on a loaded 2-core machine.
describe('bursts get no 5xx', () => {
  it('200 concurrent native sends to one address: one accepted, one message, every other answer rate_limited', {
    timeout: 180_000,
  }, async () => {
    const to = 'native-burst@example.com';
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        service.request('POST', '/v1/verifications', {
          headers: { ...AUTH, 'x-forwarded-for': `198.18.${i >> 8}.${i & 255}` },
          json: { channel: 'email', to, purpose: 'login' },
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    const refused = responses.filter((response) => response.status === 429);
    expect(refused).toHaveLength(199);
    expect(refused.every((response) => response.body.error.code === 'rate_limited')).toBe(true);
    expect(service.messages(to)).toHaveLength(1);
  });

  it('200 concurrent checks of one right code: one approval, no 5xx, every other answer already_used', {
    timeout: 180_000,
  }, async () => {
    const to = 'check-burst@example.com';
    expect((await sendEmail(to, '198.51.100.202')).body.code).toBe(200);
    const code = service.lastCode(to);
    const responses = await Promise.all(Array.from({ length: 200 }, () => check(to, code)));
    expect(responses.filter((response) => response.status >= 500)).toEqual([]);
    expect(responses.filter((response) => response.body.valid === true)).toHaveLength(1);
    expect(responses.filter((response) => response.body.status === 'already_used')).toHaveLength(199);
  });

  it('100 concurrent replays of one signed seed-002 request: one SMS, every other answer a refusal code', {
    timeout: 180_000,
  }, async () => {
    const phone = cnNumbers('1391')();
    const request = signed({ phone });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        service.request('POST', SEED_002_PATH, {
          query: request,
          headers: { 'x-forwarded-for': '10.77.0.1' },
        }),
      ),
    );
    expect(responses.filter((response) => response.status >= 500)).toEqual([]);
    const codes = responses.map((response) => response.body.code);
    expect(codes.filter((value) => value === 200)).toHaveLength(1);
    // 5032: the nonce was already used; 5058: the number's cooldown. Never 50000 ("busy").
    expect(codes.filter((value) => value !== 200 && value !== 5032 && value !== 5058)).toEqual([]);
    expect(service.messages(`+86${phone}`)).toHaveLength(1);
  });
});
