// The pumping attack of `npm run simulate:pumping`, smaller, through the local runtime over real HTTP: the issue's
// thresholds hold in enforce mode, monitor mode blocks nothing and reports the same prefixes; a blocked prefix reads
// as Twilio's 60410 and the native sms_blocked; the operator's command lists, unblocks and safe-lists; the
// lifecycle event is derived from the prefix item's stream record.

import { readFileSync } from 'node:fs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSmsGuard } from '../infra/admin/sms-guard.ts';
import { lifecycleEvents } from '../lib/events/lifecycle.ts';
import {
  ATTACKED,
  formatReport,
  SIMULATED,
  type SimulationReport,
  simulatePumping,
  simulationTenants,
} from '../scripts/pumping-simulation.ts';
import { missedThresholds } from '../scripts/simulate-pumping.ts';
import { startService, type TestService } from './helpers/service.ts';
import { DEMO_TWILIO } from './helpers/twilio-client.ts';

let service: TestService;
let enforce: SimulationReport;
let monitor: SimulationReport;
const SIZE = { warmup: 40, legitPerRound: 2, rounds: 11 };

beforeAll(async () => {
  service = await startService({ tenants: await simulationTenants() });
  const where = { url: service.url, table: service.tableName, endpoint: service.endpoint };
  enforce = await simulatePumping({ ...where, ...SIMULATED.enforce, ...SIZE });
  monitor = await simulatePumping({ ...where, ...SIMULATED.monitor, ...SIZE });
}, 120_000);
afterAll(async () => {
  await service?.stop();
});

const admin = (...args: string[]) =>
  runSmsGuard([...args, '--table', service.tableName, '--endpoint', service.endpoint]);

describe('the simulated attack', () => {
  it('blocks every attacked prefix within 10 sends and 60 s, keeps legitimate users and verified numbers', () => {
    expect(missedThresholds(enforce, monitor)).toEqual([]);
    expect(enforce.prefixes.map((prefix) => prefix.blocked)).toEqual([true, true, true, true, true]);
    expect(enforce.legit.accepted).toBe(enforce.legit.sent);
    expect(enforce.verifiedEarlier).toEqual({ sent: 5, accepted: 5 });
  });

  it('in monitor mode blocks nothing and the operator sees the same five prefixes', () => {
    expect(monitor.prefixes.every((prefix) => !prefix.blocked && prefix.accepted === SIZE.rounds)).toBe(true);
    expect(monitor.reported.monitor).toHaveLength(5);
    expect(monitor.reported.monitor).toEqual(enforce.reported.enforce);
    expect(monitor.reported.enforce).toEqual([]);
  });
});

describe('the documented run (docs/architecture.md)', () => {
  it('is a report of the shape the script prints, for the five attacked prefixes, every threshold held', () => {
    const doc = readFileSync(new URL('../docs/architecture.md', import.meta.url), 'utf8');
    const start = doc.indexOf('guard: "enforce": per attacked prefix');
    const block = doc.slice(start, doc.indexOf('```', start)).trimEnd().split('\n');
    const printed = formatReport('guard: "enforce"', enforce).split('\n');
    expect(block.slice(0, 2)).toEqual(printed.slice(0, 2));
    for (const prefix of ATTACKED) expect(block.some((line) => line.startsWith(`  ${prefix} `))).toBe(true);
    expect(block.at(-1)).toBe('every threshold held');
  });
});

describe('a blocked prefix', () => {
  it("answers Twilio's own Fraud Guard code, 60410, and sends nothing", async () => {
    const to = `${ATTACKED[0]}444`;
    const response = await service.request('POST', `/v2/Services/${DEMO_TWILIO.service}/Verifications`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO_TWILIO.account}:${DEMO_TWILIO.token}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: to, Channel: 'sms' }).toString(),
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe(60410);
    expect(service.messages(to)).toEqual([]);
  });

  it('answers the native sms_blocked, naming the cause and the end of the block', async () => {
    const response = await service.request('POST', '/v1/verifications', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'sms', to: `${ATTACKED[1]}444`, purpose: 'login' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('sms_blocked');
    expect(response.body.error.message).toMatch(
      /blocked until \d{4}-.*not being entered \(SMS pumping guard\)/,
    );
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('is listed, unblocked and safe-listed by the operator (npm run sms-guard)', async () => {
    expect(await admin('--help')).toMatch(/^usage: npm run sms-guard -- <command>/);
    expect(await admin('list')).toMatch(/demo\tUS\t\+120655\*\*xxx\tblocked until /);
    expect(await admin('unblock', '--tenant', 'demo', '--prefix', ATTACKED[0])).toBe(
      'unblocked +120655**xxx (demo, US)',
    );
    const send = (to: string) =>
      service.request('POST', '/v1/verifications', {
        headers: { authorization: 'Bearer demo-api-key' },
        json: { channel: 'sms', to, purpose: 'login' },
      });
    expect((await send(`${ATTACKED[0]}445`)).status).toBe(201);
    expect(await admin('safelist', 'add', '--tenant', 'demo', '--prefix', `${ATTACKED[2]}000`)).toBe(
      'safe-listed: +4474001**xxx (demo, GB)',
    );
    expect((await send(`${ATTACKED[2]}446`)).status).toBe(201);
    expect(await admin('list')).toMatch(/demo\tGB\t\+4474001\*\*xxx\tsafe-listed prefix/);
    await expect(admin('unblock', '--tenant', 'demo')).rejects.toThrow(/usage/);
  });
});

describe('the spend ceiling', () => {
  it('names its cause in the native answer (budget_exhausted, until the next UTC day)', async () => {
    const send = (to: string) =>
      service.request('POST', '/v1/verifications', {
        headers: { authorization: 'Bearer other-api-key' },
        json: { channel: 'sms', to, purpose: 'login' },
      });
    // The monitoring tenant never refuses for spend; the enforcing one does once its day's unverified spend is
    // past $5 + half of what was verified: 60 unverified GB texts at $0.10 more than cover it.
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    for (let n = 0; n < 120 && !refused; n++) {
      const answer = await service.request('POST', '/v1/verifications', {
        headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': `203.0.113.${n % 250}` },
        json: { channel: 'sms', to: `+447400${String(300 + n).padStart(3, '0')}123`, purpose: 'login' },
      });
      if (answer.status !== 201) refused = answer;
    }
    expect(refused?.status).toBe(429);
    expect(refused?.body.error.code).toBe('budget_exhausted');
    expect(refused?.body.error.message).toMatch(/ceiling on unverified SMS spend/);
    expect((await send('+12025550177')).status).toBe(201);
  });
});

describe('the lifecycle event', () => {
  it('pumping.blocked is derived from a prefix item whose block moved later, once', async () => {
    const old = { pk: 'GUARD#demo#US#k', sk: 'GUARD', u: 5, s: 5, shown: '+120655**xxx' };
    const blocked = { ...old, u: 0, s: 0, bu: Date.UTC(2026, 11, 6, 12, 15), ch: 'sms' };
    const record = (oldImage: object, newImage: object): DynamoDBRecord => ({
      eventName: 'MODIFY',
      dynamodb: {
        OldImage: marshall(oldImage) as never,
        NewImage: marshall(newImage) as never,
        ApproximateCreationDateTime: Date.UTC(2026, 11, 6, 12) / 1000,
      },
    });
    const none = async () => undefined;
    expect(await lifecycleEvents(record(old, blocked), none)).toEqual([
      {
        type: 'pumping.blocked',
        tenant: 'demo',
        channel: 'sms',
        to: '+120655**xxx',
        reason: 'enforce',
        until: '2026-12-06T12:15:00.000Z',
        occurredAt: '2026-12-06T12:00:00.000Z',
      },
    ]);
    expect(await lifecycleEvents(record(blocked, { ...blocked, u: 1, s: 1 }), none)).toEqual([]);
  });
});
