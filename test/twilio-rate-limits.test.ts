// Twilio Service Rate Limits and Buckets through the official `twilio` client against the local runtime: CRUD with
// Twilio's validation, and `RateLimits` on a verification counting in every matching bucket, atomically.
import { readFileSync } from 'node:fs';
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../lib/routes.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';
import { DEMO_TWILIO, localTwilio, OTHER_TWILIO, restError } from './helpers/twilio-client.ts';

let service: TestService;
let client: twilio.Twilio;
let other: twilio.Twilio;

beforeAll(async () => {
  service = await startService();
  client = localTwilio(service.url);
  other = localTwilio(service.url, OTHER_TWILIO);
});
afterAll(async () => {
  await service?.stop();
});

let phone = 20;
const nextPhone = () => `+120255508${String(++phone).padStart(2, '0').slice(-2)}`;

const demo = () => client.verify.v2.services(DEMO_TWILIO.service);

/**
 * Buckets count in fixed windows aligned to the epoch (docs/dialects/twilio.md): a test that expects one window's
 * count starts with at least 20 s of its window left, so a loaded machine cannot carry it across an edge.
 */
async function earlyInWindow(intervalSeconds: number) {
  const left = intervalSeconds * 1000 - (Date.now() % (intervalSeconds * 1000));
  if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe('Rate Limits and Buckets through the official client', () => {
  it('creates, lists, fetches, updates and deletes a rate limit and its buckets', async () => {
    const limit = await demo().rateLimits.create({ uniqueName: 'crud_key', description: 'first' });
    expect(limit.sid).toMatch(/^RK[0-9a-f]{32}$/);
    expect(limit).toMatchObject({
      serviceSid: DEMO_TWILIO.service,
      accountSid: DEMO_TWILIO.account,
      uniqueName: 'crud_key',
      description: 'first',
    });
    expect(limit.dateCreated).toBeInstanceOf(Date);
    expect((await demo().rateLimits.list()).map((entry) => entry.sid)).toContain(limit.sid);
    expect((await demo().rateLimits(limit.sid).fetch()).uniqueName).toBe('crud_key');
    expect((await demo().rateLimits(limit.sid).update({ description: 'second' })).description).toBe('second');

    const bucket = await demo().rateLimits(limit.sid).buckets.create({ max: 3, interval: 60 });
    expect(bucket.sid).toMatch(/^BL[0-9a-f]{32}$/);
    expect(bucket).toMatchObject({ rateLimitSid: limit.sid, max: 3, interval: 60 });
    const updated = await demo().rateLimits(limit.sid).buckets(bucket.sid).update({ max: 7 });
    expect(updated).toMatchObject({ max: 7, interval: 60 });
    expect((await demo().rateLimits(limit.sid).buckets.list()).map((entry) => entry.max)).toEqual([7]);
    expect(await demo().rateLimits(limit.sid).buckets(bucket.sid).remove()).toBe(true);
    expect((await restError(demo().rateLimits(limit.sid).buckets(bucket.sid).fetch())).code).toBe(20404);

    await demo().rateLimits(limit.sid).buckets.create({ max: 1, interval: 10 });
    expect(await demo().rateLimits(limit.sid).remove()).toBe(true);
    expect((await restError(demo().rateLimits(limit.sid).fetch())).code).toBe(20404);
    // Its name is free again.
    const again = await demo().rateLimits.create({ uniqueName: 'crud_key' });
    expect(await demo().rateLimits(again.sid).remove()).toBe(true);
  });

  it("refuses Twilio's invalid values by name: unique_name format and clashes, max, interval", async () => {
    const bad = await restError(demo().rateLimits.create({ uniqueName: 'has space' }));
    expect(bad).toMatchObject({ status: 400, code: 60200 });
    expect(bad.message).toContain('UniqueName');
    await demo().rateLimits.create({ uniqueName: 'taken' });
    const clash = await restError(demo().rateLimits.create({ uniqueName: 'taken' }));
    expect(clash.message).toContain('already exists');
    const limit = (await demo().rateLimits.list()).find((entry) => entry.uniqueName === 'taken');
    if (!limit) throw new Error('the rate limit was not listed');
    for (const [max, interval, name] of [
      [0, 60, 'Max'],
      [2, 0, 'Interval'],
      [2, 31_536_001, 'Interval'],
    ] as const) {
      const error = await restError(demo().rateLimits(limit.sid).buckets.create({ max, interval }));
      expect(error.code).toBe(60200);
      expect(error.message).toContain(name);
    }
    // At most five buckets per rate limit.
    for (let n = 0; n < 5; n++) await demo().rateLimits(limit.sid).buckets.create({ max: 10, interval: 60 });
    const sixth = await restError(demo().rateLimits(limit.sid).buckets.create({ max: 10, interval: 60 }));
    expect(sixth.message).toContain('at most 5 buckets');
  });

  it("are the creating account's: another account of the tenant neither sees nor uses them", async () => {
    const limit = await demo().rateLimits.create({ uniqueName: 'mine_only' });
    const theirs = other.verify.v2.services(DEMO_TWILIO.service);
    // The other account cannot use the demo tenant's file service at all: 20404 for the service first.
    expect((await restError(theirs.rateLimits(limit.sid).fetch())).code).toBe(20404);
    expect((await restError(theirs.rateLimits.list())).code).toBe(20404);
  });
});

describe('the caps and the unique name under concurrency (conditional writes)', () => {
  it('15 concurrent creates on a fresh service make exactly 10 rate limits; 8 concurrent buckets make exactly 5; 6 creates of one name make one', async () => {
    const fresh = await client.verify.v2.services.create({ friendlyName: 'Caps' });
    const limits = client.verify.v2.services(fresh.sid).rateLimits;
    const made = await Promise.allSettled(
      Array.from({ length: 15 }, (_, n) => limits.create({ uniqueName: `cap_${n}` })),
    );
    expect(made.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    const refused = made.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refused.map((result) => result.reason.message)).toEqual(
      Array(5).fill('Invalid parameter `UniqueName`: a service has at most 10 rate limits'),
    );
    expect(await limits.list()).toHaveLength(10);

    const [first] = await limits.list({ limit: 1 });
    if (!first) throw new Error('no rate limit');
    const buckets = await Promise.allSettled(
      Array.from({ length: 8 }, () => limits(first.sid).buckets.create({ max: 1, interval: 60 })),
    );
    expect(buckets.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    expect(await limits(first.sid).buckets.list()).toHaveLength(5);

    // One name, six at once, on a service with room: one wins, the others are told the name is taken.
    const other = client.verify.v2.services(
      (await client.verify.v2.services.create({ friendlyName: 'Names' })).sid,
    );
    const same = await Promise.allSettled(
      Array.from({ length: 6 }, () => other.rateLimits.create({ uniqueName: 'one_name' })),
    );
    expect(same.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await other.rateLimits.list()).toHaveLength(1);
  });
});

describe('RateLimits on a verification', () => {
  it('counts in every bucket of the named limit: max 2 per 60 s sends two, refuses the third with the header', async () => {
    const limit = await demo().rateLimits.create({ uniqueName: 'end_user_ip_address' });
    await demo().rateLimits(limit.sid).buckets.create({ max: 2, interval: 60 });
    await earlyInWindow(60);
    const rateLimits = { end_user_ip_address: '1.2.3.4' };
    for (let n = 0; n < 2; n++) {
      const verification = await demo().verifications.create({ to: nextPhone(), channel: 'sms', rateLimits });
      expect(verification.status).toBe('pending');
    }
    const to = nextPhone();
    const third = await twilioPost(service, '/Verifications', {
      To: to,
      Channel: 'sms',
      RateLimits: JSON.stringify(rateLimits),
    });
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 20429, status: 429 });
    expect(third.headers.get('twilio-reached-rate-limit')).toBe('end_user_ip_address');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(service.messages(to)).toEqual([]);
    // Another value of the key has its own count.
    const elsewhere = nextPhone();
    await demo().verifications.create({
      to: elsewhere,
      channel: 'sms',
      rateLimits: { end_user_ip_address: '5.6.7.8' },
    });
    expect(service.messages(elsewhere)).toHaveLength(1);
  });

  it('refuses an unknown name (60200, naming it) and sends nothing', async () => {
    const to = nextPhone();
    const error = await restError(
      demo().verifications.create({ to, channel: 'sms', rateLimits: { no_such_limit: 'x' } }),
    );
    expect(error).toMatchObject({ status: 400, code: 60200 });
    expect(error.message).toContain('no_such_limit');
    expect(service.messages(to)).toEqual([]);
  });

  it('a rate limit without buckets counts nothing; a value that is not text is refused', async () => {
    await demo().rateLimits.create({ uniqueName: 'no_buckets' });
    const to = nextPhone();
    await demo().verifications.create({ to, channel: 'sms', rateLimits: { no_buckets: 'a' } });
    expect(service.messages(to)).toHaveLength(1);
    const nested = await twilioPost(service, '/Verifications', {
      To: nextPhone(),
      Channel: 'sms',
      RateLimits: JSON.stringify({ no_buckets: { deep: 1 } }),
    });
    expect(nested.body).toMatchObject({ code: 60200 });
  });

  it('a burst of 10 concurrent sends under max 3 sends exactly 3', async () => {
    const limit = await demo().rateLimits.create({ uniqueName: 'burst_key' });
    await demo().rateLimits(limit.sid).buckets.create({ max: 3, interval: 3600 });
    await earlyInWindow(3600);
    const numbers = Array.from({ length: 10 }, nextPhone);
    const answers = await Promise.all(
      numbers.map((to) =>
        twilioPost(service, '/Verifications', {
          To: to,
          Channel: 'sms',
          RateLimits: JSON.stringify({ burst_key: 'same' }),
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(3);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(7);
    expect(numbers.filter((to) => service.messages(to).length > 0)).toHaveLength(3);
  });
});

describe("Twilio's definition of these resources", () => {
  const spec = JSON.parse(
    readFileSync('test/fixtures/twilio-verify-v2-resource-parameters.json', 'utf8'),
  ) as {
    operations: Record<
      string,
      { method: string; path: string; query_parameters: string[]; body_parameters: string[] }
    >;
  };
  const doc = readFileSync('docs/dialects/twilio.md', 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| (\w+) \| ((?:`[\w.]+`(?:, )?)*) ?\|$/gm)].map((match) => [
      match[1],
      [...(match[2] ?? '').matchAll(/`([\w.]+)`/g)].map((name) => name[1]),
    ]),
  );

  it('has a route for every operation (method and path)', () => {
    for (const operation of Object.values(spec.operations)) {
      expect(ROUTES.some((route) => route.method === operation.method && route.path === operation.path)).toBe(
        true,
      );
    }
  });

  it("lists every operation's query and body parameters in the doc's table, and no other", () => {
    expect(Object.keys(spec.operations).length).toBe(13);
    for (const [name, operation] of Object.entries(spec.operations)) {
      expect(rows.get(name), name).toEqual([...operation.query_parameters, ...operation.body_parameters]);
    }
  });
});
