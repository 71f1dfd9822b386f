// Counts DynamoDB calls per request with SDK middleware on the runtime's own client (SPEC §3 "one round trip").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, getRuntime } from '../lib/runtime.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';

let service: TestService;
const calls: string[] = [];

beforeAll(async () => {
  service = await startService();
  await getRuntime();
  documentClient?.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  // Warm the tenant cache, as a warm container would be.
  await service.request('GET', '/v1/verifications/vf_warmup', {
    headers: { authorization: 'Bearer demo-api-key' },
  });
});
afterAll(async () => {
  await service?.stop();
});

async function counted(request: () => Promise<unknown>) {
  calls.length = 0;
  await request();
  return [...calls];
}

const native = (method: string, path: string, json?: unknown) =>
  service.request(method, path, { json, headers: { authorization: 'Bearer demo-api-key' } });

describe('DynamoDB round trips per request', () => {
  it('a native send is one transaction before delivery; checks are one (approve) or two (reject)', async () => {
    const sent = await counted(() =>
      native('POST', '/v1/verifications', { channel: 'email', to: 'count@example.com', purpose: 'login' }),
    );
    expect(sent).toEqual(['TransactWriteItemsCommand']);

    const code = service.lastCode('count@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    const body = (value: string) => ({
      channel: 'email',
      to: 'count@example.com',
      purpose: 'login',
      code: value,
    });

    const rejected = await counted(() => native('POST', '/v1/verifications/check', body(wrong)));
    expect(rejected).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    const approved = await counted(() => native('POST', '/v1/verifications/check', body(code)));
    expect(approved).toEqual(['UpdateItemCommand']);
    const refused = await counted(() => native('POST', '/v1/verifications/check', body(code)));
    expect(refused).toEqual(['UpdateItemCommand']);
  });

  it('seed 000 sends cost one transaction too once the tenant is cached', async () => {
    const send = () =>
      service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
        query: { email: 'count2@example.com', emailType: '1', userDomain: 'C.DM.5903.1' },
      });
    await counted(() =>
      service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
        query: { email: 'warm@example.com', emailType: '1', userDomain: 'C.DM.5903.1' },
        headers: { 'x-forwarded-for': '192.0.2.99' },
      }),
    );
    expect(await counted(send)).toEqual(['TransactWriteItemsCommand']);
  });

  it('a Twilio send is one transaction (its sid and attempt written with the code); an approval converts its attempt', async () => {
    // The demo tenant's Twilio service, through the wire (test/helpers/service.ts).
    const twilio = (path: string, form: Record<string, string>) => twilioPost(service, path, form);
    // Warm the tenant cache for the account alias, as a warm container would be.
    await twilio('/VerificationCheck', { To: 'warm-twilio@example.com', Code: '123456' });

    const sent = await counted(() =>
      twilio('/Verifications', { To: 'count3@example.com', Channel: 'email' }),
    );
    expect(sent).toEqual(['TransactWriteItemsCommand']);
    const code = service.lastCode('count3@example.com');
    const approved = await counted(() =>
      twilio('/VerificationCheck', { To: 'count3@example.com', Code: code }),
    );
    // The check's one conditional write, then the approval marks the attempt converted (Verification Attempts).
    expect(approved).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
  });

  it("a Twilio send with RateLimits is still one transaction: the buckets' counts are items of it", async () => {
    const twilio = (path: string, form: Record<string, string>) => twilioPost(service, path, form);
    const limit = await twilio('/RateLimits', { UniqueName: 'counted_key' });
    expect(limit.status).toBe(201);
    await twilio(`/RateLimits/${limit.body.sid}/Buckets`, { Max: '100', Interval: '3600' });
    const form = (to: string) => ({ To: to, Channel: 'email', RateLimits: '{"counted_key":"v1"}' });
    // The first send reads the service's rate limits (one Query); the container keeps them for seconds.
    expect(await counted(() => twilio('/Verifications', form('count4@example.com')))).toEqual([
      'QueryCommand',
      'TransactWriteItemsCommand',
    ]);
    expect(await counted(() => twilio('/Verifications', form('count5@example.com')))).toEqual([
      'TransactWriteItemsCommand',
    ]);
  });
});
