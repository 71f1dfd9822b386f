// Native idempotency keys respect failure: a failed delivery withdraws the key with the code, so the retry
// sends a new code; a replay answers with the first response only once that send was delivered.
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.ts';
import { rememberSecret } from './setup/log-guard.ts';

const ses = mockClient(SESClient);
let service: TestService;

beforeAll(async () => {
  service = await startService({ delivery: 'aws' });
});
afterAll(async () => {
  ses.restore();
  await service?.stop();
});
beforeEach(() => {
  ses.reset();
});

const send = (to: string, key: string) =>
  service.request('POST', '/v1/verifications', {
    headers: { authorization: 'Bearer demo-api-key', 'idempotency-key': key },
    json: { channel: 'email', to, purpose: 'login' },
  });
const check = (to: string, code: string) =>
  service.request('POST', '/v1/verifications/check', {
    headers: { authorization: 'Bearer demo-api-key' },
    json: { channel: 'email', to, purpose: 'login', code },
  });
const mailedCode = (call: number) =>
  rememberSecret(
    ses
      .commandCalls(SendEmailCommand)
      [call]?.args[0].input.Message?.Body?.Text?.Data?.match(/\b(\d{6})\b/)?.[1] ?? 'missing',
  );

describe('idempotency keys and failed deliveries', () => {
  it('SES fails the first call; the retry with the same Idempotency-Key delivers a new code that checks valid', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .resolves({ MessageId: 'm-ok' });
    const failed = await send('retry@example.com', 'key-retry-1');
    expect(failed.status).toBe(503);

    const retried = await send('retry@example.com', 'key-retry-1');
    expect(retried.status).toBe(201);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    const code = mailedCode(1);
    expect((await check('retry@example.com', code)).body).toEqual({ valid: true, status: 'approved' });
  });

  it('a replay after a delivered send answers with the first response and sends nothing', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const first = await send('replay@example.com', 'key-replay-1');
    expect(first.status).toBe(201);
    const replay = await send('replay@example.com', 'key-replay-1');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('a replay while the first send is still delivering is told to retry shortly, never handed a success', async () => {
    let release: () => void = () => undefined;
    const delivering = new Promise<void>((resolve) => {
      release = resolve;
    });
    ses.on(SendEmailCommand).callsFakeOnce(async () => {
      await delivering;
      throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    });
    const first = send('inflight@example.com', 'key-inflight-1');
    // Wait until the first request has been admitted and is delivering.
    while (ses.commandCalls(SendEmailCommand).length === 0) await new Promise((r) => setTimeout(r, 10));
    const early = await send('inflight@example.com', 'key-inflight-1');
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    release();
    expect((await first).status).toBe(503);

    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    const retried = await send('inflight@example.com', 'key-inflight-1');
    expect(retried.status).toBe(201);
    expect((await check('inflight@example.com', mailedCode(1))).body.valid).toBe(true);
  });

  it('the same key with another body is still a conflict (409)', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-3' });
    expect((await send('one@example.com', 'key-conflict-1')).status).toBe(201);
    expect((await send('two@example.com', 'key-conflict-1')).status).toBe(409);
  });
});
