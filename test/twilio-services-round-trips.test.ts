// What a table service costs: DynamoDB calls per Twilio request (SDK middleware on the runtime's own client), for a
// tenants-file service (the send stays one transaction) and a service made through the Services API (one GetItem more).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, getRuntime } from '../lib/runtime.ts';
import { startService, type TestService } from './helpers/service.ts';

const FILE_SERVICE = 'VA0123456789abcdef0123456789abcdef';
const headers = {
  authorization: `Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:demo-twilio-auth-token').toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
};

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
    { step: 'initialize', name: 'countServiceCalls' },
  );
});
afterAll(async () => {
  await service?.stop();
});

const post = (path: string, form: Record<string, string>) =>
  service.request('POST', path, { headers, body: new URLSearchParams(form).toString() });

async function counted(request: () => Promise<unknown>) {
  calls.length = 0;
  await request();
  return [...calls];
}

describe('DynamoDB round trips through Twilio services', () => {
  it('a send through a tenants-file service is one transaction; through a table service, one GetItem first', async () => {
    // Warm the tenant cache, as a warm container would be.
    await post(`/v2/Services/${FILE_SERVICE}/VerificationCheck`, {
      To: 'warm-svc@example.com',
      Code: '123456',
    });
    const made = await post('/v2/Services', { FriendlyName: 'Counted' });
    expect(made.status).toBe(201);

    const viaFile = await counted(() =>
      post(`/v2/Services/${FILE_SERVICE}/Verifications`, { To: 'svc-file@example.com', Channel: 'email' }),
    );
    expect(viaFile).toEqual(['TransactWriteItemsCommand']);
    const viaTable = await counted(() =>
      post(`/v2/Services/${made.body.sid}/Verifications`, { To: 'svc-table@example.com', Channel: 'email' }),
    );
    expect(viaTable).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
  });

  it('fetch is one GetItem, list one Query, update and delete one conditional write each (tenant cached)', async () => {
    const made = await post('/v2/Services', { FriendlyName: 'Counted Two' });
    const auth = { headers: { authorization: headers.authorization } };
    expect(await counted(() => service.request('GET', `/v2/Services/${made.body.sid}`, auth))).toEqual([
      'GetItemCommand',
    ]);
    expect(await counted(() => service.request('GET', '/v2/Services', auth))).toEqual(['QueryCommand']);
    expect(await counted(() => post(`/v2/Services/${made.body.sid}`, { CodeLength: '5' }))).toEqual([
      'UpdateItemCommand',
    ]);
    expect(await counted(() => service.request('DELETE', `/v2/Services/${made.body.sid}`, auth))).toEqual([
      'DeleteItemCommand',
    ]);
  });
});
