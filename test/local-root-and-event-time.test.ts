// The local runtime's front door and its events' clock: `GET /` leads to the outbox page, a mail's HTML part is
// served for the page to frame, and `occurredAt` is to the second on both paths (the deployed pipe's records carry
// seconds; DynamoDB Local's are rounded down to the minute, which the local poller corrects).
import { request } from 'node:http';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTheSecond } from '../infra/local/streams.ts';
import { lifecycleEvents, occurredAtOf } from '../lib/events/lifecycle.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

describe('GET / on the local runtime', () => {
  it('answers 302 to /_local/, and following it reaches the outbox page', async () => {
    const root = await fetch(`${service.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/_local/');
    const followed = await fetch(`${service.url}/`);
    expect(followed.url).toBe(`${service.url}/_local/`);
    expect(await followed.text()).toContain('<h1>Local outbox</h1>');
  });

  it('is, like the page, refused to a host that is not loopback', async () => {
    const url = new URL(service.url);
    const status = await new Promise<number>((resolve, reject) => {
      const call = request(
        { hostname: url.hostname, port: url.port, path: '/', headers: { host: 'rebound.example' } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      call.on('error', reject);
      call.end();
    });
    expect(status).toBe(403);
  });
});

describe('GET /_local/outbox/html', () => {
  it("serves a mail's HTML part under a policy that runs nothing and lets only the page frame it", async () => {
    const to = 'framed@example.com';
    const sent = await service.request('POST', '/v1/verifications', {
      json: { channel: 'email', to, purpose: 'login' },
      headers: { authorization: 'Bearer demo-api-key' },
    });
    expect(sent.status).toBe(201);
    const [mail] = service.messages(to);
    const answer = await fetch(
      `${service.url}/_local/outbox/html?to=${encodeURIComponent(to)}&sentAt=${encodeURIComponent(mail?.sentAt ?? '')}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain('sandbox');
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).not.toContain('script-src');
    expect(await answer.text()).toBe(mail?.html);
  });

  it('answers 404 for a mail the outbox does not hold', async () => {
    const answer = await fetch(`${service.url}/_local/outbox/html?to=nobody@example.com&sentAt=x`);
    expect(answer.status).toBe(404);
  });
});

const record = (seconds: number): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    ApproximateCreationDateTime: seconds,
    NewImage: {
      pk: { S: 'SUPP#email#abc' },
      sk: { S: 'SUPP' },
      reason: { S: 'manual' },
      at: { N: String(seconds * 1000) },
      m: { S: 'a***@example.com' },
      channel: { S: 'email' },
    },
  },
});

describe('occurredAt to the second', () => {
  it('the deployed path keeps the second of ApproximateCreationDateTime (and drops a fraction)', () => {
    expect(occurredAtOf(1_772_359_261)).toBe('2026-03-01T10:01:01.000Z');
    expect(occurredAtOf(1_772_359_261.75)).toBe('2026-03-01T10:01:01.000Z');
  });

  it("the local poller gives a minute-rounded record the second it saw it in, within that record's minute", () => {
    const minute = 1_772_359_260; // 10:01:00, as DynamoDB Local stamps a write made at 10:01:37
    const [seen] = toTheSecond([record(minute)], minute + 37.4);
    expect(seen?.dynamodb?.ApproximateCreationDateTime).toBe(minute + 37);
  });

  it('the local poller leaves alone a stamp that already has seconds, or one it sees after its minute is over', () => {
    const [withSeconds] = toTheSecond([record(1_772_359_261)], 1_772_359_262);
    expect(withSeconds?.dynamodb?.ApproximateCreationDateTime).toBe(1_772_359_261);
    const [old] = toTheSecond([record(1_772_359_260)], 1_772_359_260 + 600);
    expect(old?.dynamodb?.ApproximateCreationDateTime).toBe(1_772_359_260);
  });

  it('an event derived from a corrected record carries that second', async () => {
    const [corrected] = toTheSecond([record(1_772_359_260)], 1_772_359_260 + 42);
    const events = await lifecycleEvents(corrected as DynamoDBRecord, async () => undefined);
    expect(events.map((event) => event.occurredAt)).toEqual(['2026-03-01T10:01:42.000Z']);
  });

  it('end to end on the local runtime, a send’s event is stamped no earlier than the second the request began', async () => {
    const before = Date.now();
    const sent = await service.request('POST', '/v1/verifications', {
      json: { channel: 'email', to: 'clock@example.com', purpose: 'register' },
      headers: { authorization: 'Bearer demo-api-key' },
    });
    expect(sent.status).toBe(201);
    let occurredAt: string | undefined;
    for (let tries = 0; tries < 100 && !occurredAt; tries++) {
      const answer = await service.request('GET', '/_local/events', {
        query: { tenant: 'demo', type: 'verification.sent' },
      });
      const events = answer.body.events as { detail: { to: string; purpose: string; occurredAt: string } }[];
      occurredAt = events.find(
        (event) => event.detail.purpose === 'register' && event.detail.to.startsWith('c'),
      )?.detail.occurredAt;
      if (!occurredAt) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    // Rounded down to the minute (the bug), it would precede the request unless the request began in second :00.
    expect(Date.parse(occurredAt ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(occurredAt ?? '')).toBeLessThanOrEqual(Date.now());
  });
});
