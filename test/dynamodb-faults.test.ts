// SPEC §7: a throttled or failing DynamoDB becomes the dialect's busy code, never a 5xx from a bug, and
// leaves no half-written state: the same request succeeds once DynamoDB answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, getRuntime } from '../lib/runtime.ts';
import { leaks } from './helpers/leaks.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
let failing: string | undefined;

beforeAll(async () => {
  service = await startService();
  await getRuntime();
  documentClient?.middlewareStack.add(
    (next, context) => async (args) => {
      if (failing && context.commandName === failing) {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectFault' },
  );
});
afterAll(async () => {
  await service?.stop();
});

async function withFailing<T>(command: string, body: () => Promise<T>): Promise<T> {
  failing = command;
  try {
    return await body();
  } finally {
    failing = undefined;
  }
}

const native = (method: string, path: string, json?: unknown) =>
  service.request(method, path, { json, headers: { authorization: 'Bearer demo-api-key' } });

describe('DynamoDB faults', () => {
  it('seed 000: 50000 while the send transaction fails, then a normal send', async () => {
    const send = () =>
      service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
        query: { email: 'throttled@example.com', emailType: '1', userDomain: 'C.DM.5903.1' },
      });
    const busy = await withFailing('TransactWriteItemsCommand', send);
    expect(busy.status).toBe(200);
    expect(busy.body).toMatchObject({ code: 50000 });
    expect(service.messages('throttled@example.com')).toHaveLength(0);
    // Nothing was admitted: no cooldown was started by the failed request.
    expect((await send()).body.code).toBe(200);
  });

  it('native: 503 unavailable for a failing tenant lookup, send and check, with no stack or input echoed', async () => {
    const lookup = await withFailing('GetItemCommand', () => native('GET', '/v1/verifications/vf_x'));
    expect(lookup.status).toBe(503);
    expect(lookup.body).toEqual({
      error: { code: 'unavailable', message: 'The service is busy; retry later.' },
    });

    const body = { channel: 'email', to: 'busy@example.com', purpose: 'login' };
    expect(
      (await withFailing('TransactWriteItemsCommand', () => native('POST', '/v1/verifications', body)))
        .status,
    ).toBe(503);
    expect((await native('POST', '/v1/verifications', body)).status).toBe(201);

    const code = service.lastCode('busy@example.com');
    const check = () => native('POST', '/v1/verifications/check', { ...body, code });
    const failed = await withFailing('UpdateItemCommand', check);
    expect(failed.status).toBe(503);
    expect(leaks(failed.text, code)).toBe(false);
    // The failed check consumed nothing: the code still verifies, once.
    expect((await check()).body).toEqual({ valid: true, status: 'approved' });
  });
});
