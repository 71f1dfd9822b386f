// Twilio Verification Attempts (list with filters and paging, fetch, summary) through the official `twilio` client
// against the local runtime: written by the sends themselves, converted by approvals, one account's only.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../lib/runtime.ts';
import { startService, type TestService } from './helpers/service.ts';
import { DEMO_TWILIO, localTwilio, OTHER_TWILIO } from './helpers/twilio-client.ts';

const OTHER_SERVICE = OTHER_TWILIO.service;

let service: TestService;
let client: twilio.Twilio;
let other: twilio.Twilio;
const started = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);

/** What this file sent through the demo account: sid, address, channel, approved. */
const sent: { sid: string; to: string; channel: 'sms' | 'email'; approved: boolean }[] = [];

beforeAll(async () => {
  service = await startService();
  client = localTwilio(service.url);
  other = localTwilio(service.url, OTHER_TWILIO);
  const demo = client.verify.v2.services(DEMO_TWILIO.service);
  const plan = [
    { to: '+447400623456', channel: 'sms', approve: true },
    { to: 'attempt-a@example.com', channel: 'email', approve: false },
    { to: '+12025550131', channel: 'sms', approve: false },
    { to: 'attempt-b@example.com', channel: 'email', approve: true },
    { to: '+447400723456', channel: 'sms', approve: false },
  ] as const;
  for (const step of plan) {
    const verification = await demo.verifications.create({ to: step.to, channel: step.channel });
    if (step.approve) {
      const check = await demo.verificationChecks.create({ to: step.to, code: service.lastCode(step.to) });
      expect(check.status).toBe('approved');
    }
    sent.push({ sid: verification.sid, to: step.to, channel: step.channel, approved: step.approve });
  }
  // A resend to a pending verification is a second attempt of the same verification.
  await demo.verifications.create({ to: '+12025550131', channel: 'sms' });
  // Another tenant's account sends too: never in the demo account's log.
  await other.verify.v2.services(OTHER_SERVICE).verifications.create({ to: '+12025550177', channel: 'sms' });
});
afterAll(async () => {
  await service?.stop();
});

describe('Verification Attempts through the official client', () => {
  it("lists the account's attempts newest first, one per send, never another account's", async () => {
    const attempts = await client.verify.v2.verificationAttempts.list();
    expect(attempts).toHaveLength(6);
    const times = attempts.map((attempt) => attempt.dateCreated.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(attempts[0]?.verificationSid).toBe(sent[2]?.sid);
    expect(attempts.every((attempt) => attempt.sid.match(/^VL[0-9a-f]{32}$/))).toBe(true);
    expect(attempts.every((attempt) => attempt.accountSid === DEMO_TWILIO.account)).toBe(true);
    expect(attempts.map((attempt) => (attempt.channelData as { to: string }).to)).not.toContain(
      '+12025550177',
    );
    const theirs = await other.verify.v2.verificationAttempts.list();
    expect(theirs).toHaveLength(1);
    expect(theirs[0]?.serviceSid).toBe(OTHER_SERVICE);
  });

  it('filters by channel, status, address, verification, service, country and date', async () => {
    const list = (filter: Record<string, unknown>) => client.verify.v2.verificationAttempts.list(filter);
    expect(await list({ channel: 'email' })).toHaveLength(2);
    const converted = await list({ status: 'converted' });
    expect(converted.map((attempt) => attempt.verificationSid).sort()).toEqual(
      sent
        .filter((entry) => entry.approved)
        .map((entry) => entry.sid)
        .sort(),
    );
    expect(converted.every((attempt) => attempt.conversionStatus === 'converted')).toBe(true);
    expect(await list({ status: 'unconverted' })).toHaveLength(4);
    expect(await list({ 'channelData.to': '+12025550131' })).toHaveLength(2);
    expect(await list({ 'channelData.to': 'ATTEMPT-A@example.com' })).toHaveLength(1);
    expect(await list({ verificationSid: sent[0]?.sid })).toHaveLength(1);
    expect(await list({ verifyServiceSid: DEMO_TWILIO.service })).toHaveLength(6);
    expect(await list({ country: 'GB' })).toHaveLength(2);
    expect(await list({ dateCreatedAfter: started })).toHaveLength(6);
    expect(await list({ dateCreatedBefore: started })).toHaveLength(0);
  });

  it('pages with Twilio paging (PageSize 2), each attempt once', async () => {
    const paged = await client.verify.v2.verificationAttempts.list({ pageSize: 2 });
    expect(paged).toHaveLength(6);
    expect(new Set(paged.map((attempt) => attempt.sid)).size).toBe(6);
    const first = await client.verify.v2.verificationAttempts.page({ pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    expect(first.nextPageUrl).toContain('PageToken=PA');
    // A token outside the date range is no error: older than the range leaves nothing, newer is no token.
    const auth = {
      authorization: `Basic ${Buffer.from(`${DEMO_TWILIO.account}:${DEMO_TWILIO.token}`).toString('base64')}`,
    };
    const old = await service.request('GET', '/v2/Attempts', {
      query: { PageToken: `PAVL${'0'.repeat(32)}`, DateCreatedAfter: started.toISOString() },
      headers: auth,
    });
    expect(old.status).toBe(200);
    expect(old.body.attempts).toEqual([]);
    const newer = await service.request('GET', '/v2/Attempts', {
      query: {
        PageToken: `PAVL${'f'.repeat(32)}`,
        DateCreatedBefore: new Date(Date.now() + 60_000).toISOString(),
      },
      headers: auth,
    });
    expect(newer.body.attempts).toHaveLength(6);
  });

  it('fetches one attempt by sid; an unknown sid or another account gets 20404', async () => {
    const [newest] = await client.verify.v2.verificationAttempts.list({ limit: 1 });
    if (!newest) throw new Error('no attempt');
    const fetched = await client.verify.v2.verificationAttempts(newest.sid).fetch();
    expect(fetched).toMatchObject({ sid: newest.sid, channel: 'sms', conversionStatus: 'unconverted' });
    const missing = await client.verify.v2
      .verificationAttempts(`VL${'0'.repeat(32)}`)
      .fetch()
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404, code: 20404 });
    const theirs = await other.verify.v2
      .verificationAttempts(newest.sid)
      .fetch()
      .catch((error: unknown) => error);
    expect(theirs).toMatchObject({ status: 404, code: 20404 });
  });

  it("summarizes the account's conversion: 2 approved of 6 attempts", async () => {
    const summary = await client.verify.v2.verificationAttemptsSummary().fetch();
    expect(summary).toMatchObject({ totalAttempts: 6, totalConverted: 2, totalUnconverted: 4 });
    expect(summary.conversionRatePercentage).toBe('33.33');
    const uk = await client.verify.v2.verificationAttemptsSummary().fetch({ destinationPrefix: '+44' });
    expect(uk).toMatchObject({ totalAttempts: 2, totalConverted: 1, conversionRatePercentage: '50' });
    const mail = await client.verify.v2.verificationAttemptsSummary().fetch({ channel: 'email' });
    expect(mail).toMatchObject({ totalAttempts: 2, totalConverted: 1 });
  });

  it('refuses malformed filters by name (60200), never ignores them', async () => {
    const bad = (params: Record<string, string>) =>
      service.request('GET', '/v2/Attempts', {
        query: params,
        headers: {
          authorization: `Basic ${Buffer.from(`${DEMO_TWILIO.account}:${DEMO_TWILIO.token}`).toString('base64')}`,
        },
      });
    for (const [name, value] of [
      ['Status', 'maybe'],
      ['Channel', 'pigeon'],
      ['Country', 'GBR'],
      ['DateCreatedAfter', 'yesterday'],
      ['ChannelData.To', 'nobody'],
      ['PageToken', 'PAnope'],
    ] as const) {
      const answer = await bad({ [name]: value });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain(name);
    }
  });

  it('keeps no address in clear in the table', async () => {
    const { Items = [] } = await (documentClient as NonNullable<typeof documentClient>).send(
      new ScanCommand({ TableName: service.tableName }),
    );
    const logged = Items.filter((item) => String(item.pk).includes('#attempts#'));
    expect(logged.length).toBeGreaterThanOrEqual(7);
    const dump = JSON.stringify(logged);
    for (const entry of sent) expect(dump).not.toContain(entry.to.replace('+', ''));
    expect(dump).not.toContain('attempt-a');
  });
});
