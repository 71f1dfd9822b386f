// Lifecycle events end to end: the local runtime polls the table's stream with the same enrichment the deployed
// pipe runs, and `GET /_local/events` shows them — masked addresses only, never a code, token or full address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaks } from './helpers/leaks.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

let ip = 0;
const headers = () => ({ authorization: 'Bearer demo-api-key', 'x-forwarded-for': `203.0.113.${++ip}` });

interface BusEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown> & { type: string };
}

/** Polls `/_local/events` until `wanted` types have arrived for the address (the stream is asynchronous). */
async function eventsFor(masked: string, wanted: string[], deadlineMs = 10_000): Promise<BusEvent[]> {
  const started = Date.now();
  for (;;) {
    const answer = await service.request('GET', '/_local/events', { query: { tenant: 'demo' } });
    const events = (answer.body.events as BusEvent[]).filter((event) => event.detail.to === masked);
    const types = events.map((event) => event.detail.type);
    if (wanted.every((type) => types.includes(type)) || Date.now() - started > deadlineMs) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('lifecycle events at /_local/events', () => {
  it('a native send and its approving check produce verification.sent and verification.approved', async () => {
    const sent = await service.request('POST', '/v1/verifications', {
      json: { channel: 'email', to: 'Events.One@example.com', purpose: 'login' },
      headers: headers(),
    });
    expect(sent.status).toBe(201);
    const code = service.lastCode('events.one@example.com');
    const checked = await service.request('POST', '/v1/verifications/check', {
      json: { channel: 'email', to: 'events.one@example.com', purpose: 'login', code },
      headers: headers(),
    });
    expect(checked.body).toEqual({ valid: true, status: 'approved' });

    const events = await eventsFor('E***@example.com', ['verification.sent', 'verification.approved']);
    expect(events.map((event) => event.detail.type).sort()).toEqual([
      'verification.approved',
      'verification.sent',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ source: 'codegate', 'detail-type': 'Codegate Lifecycle Event' });
      expect(event.detail).toMatchObject({
        tenant: 'demo',
        channel: 'email',
        purpose: 'login',
        verificationId: sent.body.id,
        to: 'E***@example.com',
      });
      const text = JSON.stringify(event).toLowerCase();
      expect(text).not.toContain('events.one@example.com');
      expect(leaks(text, code)).toBe(false);
    }
  });

  it('a wrong guess up to the attempt limit produces verification.failed (max_attempts)', async () => {
    await service.request('POST', '/v1/verifications', {
      json: { channel: 'email', to: 'events.two@example.com', purpose: 'mfa' },
      headers: headers(),
    });
    const code = service.lastCode('events.two@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt++) {
      await service.request('POST', '/v1/verifications/check', {
        json: { channel: 'email', to: 'events.two@example.com', purpose: 'mfa', code: wrong },
        headers: headers(),
      });
    }
    const events = await eventsFor('e***@example.com', ['verification.failed']);
    const failed = events.filter((event) => event.detail.type === 'verification.failed');
    expect(failed.map((event) => event.detail.reason)).toEqual(['max_attempts']);
  });

  it('a Twilio verification canceled or approved by a status update produces verification.canceled or .approved', async () => {
    // The demo tenant's Twilio service, through the wire (test/helpers/service.ts).
    const twilio = (path: string, form: Record<string, string>) => twilioPost(service, path, form);
    for (const status of ['canceled', 'approved'] as const) {
      const to = `ended@${status}.example.com`;
      const created = await twilio('/Verifications', { To: to, Channel: 'email' });
      expect(created.status).toBe(201);
      expect((await twilio(`/Verifications/${created.body.sid}`, { Status: status })).body.status).toBe(
        status,
      );
      const events = await eventsFor(`e***@${status}.example.com`, [`verification.${status}`]);
      // Not a failed delivery, nor anything else: the send, and how the app ended it.
      expect(events.map((event) => [event.detail.type, event.detail.reason]).sort()).toEqual(
        [
          ['verification.sent', undefined],
          [`verification.${status}`, undefined],
        ].sort(),
      );
    }
  });

  it('a confirmed AnqiCMS link produces link.confirmed, with no token in the event', async () => {
    const sent = await service.request('POST', '/api/verify/email', {
      json: { email: 'events.three@example.com', state: 'plain' },
      headers: { 'x-forwarded-for': `203.0.113.${++ip}` },
    });
    expect(sent.body.code).toBe(0);
    const [mail] = service.messages('events.three@example.com');
    const link = new URL(mail?.text.match(/https?:\/\/\S+\/api\/verify\/email\?\S+/)?.[0] ?? '');
    const token = link.searchParams.get('token') ?? '';
    const confirmed = await service.request('GET', `${link.pathname}${link.search}&return=json`);
    expect(confirmed.body.code).toBe(0);

    const events = await eventsFor('e***@example.com', ['link.confirmed']);
    const confirmation = events.find((event) => event.detail.type === 'link.confirmed');
    expect(confirmation?.detail).toMatchObject({ tenant: 'demo', channel: 'email', purpose: 'general' });
    expect(leaks(JSON.stringify(events), token)).toBe(false);
    expect(JSON.stringify(events)).not.toContain('events.three@example.com');
  });

  it('a bounce from the mailbox simulator produces address.suppressed for the tenant that mailed it', async () => {
    const sent = await service.request('POST', '/v1/verifications', {
      json: { channel: 'email', to: 'bounce@simulator.amazonses.com', purpose: 'register' },
      headers: headers(),
    });
    expect(sent.status).toBe(201);
    const events = await eventsFor('b***@simulator.amazonses.com', ['address.suppressed']);
    const suppressed = events.filter((event) => event.detail.type === 'address.suppressed');
    expect(suppressed.map((event) => event.detail)).toEqual([
      {
        type: 'address.suppressed',
        tenant: 'demo',
        channel: 'email',
        to: 'b***@simulator.amazonses.com',
        reason: 'bounce',
        occurredAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('bounce@simulator.amazonses.com');
  });
});
