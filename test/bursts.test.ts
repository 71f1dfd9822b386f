// How a send answers a cancelled transaction: a conflict on the address item is the rate limit at once; a
// conflict on a shared counter is retried within a time budget, then the rate limit — never "busy". The
// conflicts are injected into the real client (DynamoDB Local cannot be made to conflict on demand).
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, getRuntime } from '../lib/runtime.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
/** Which item of the next send transactions conflicts: the address item, or a per-IP/per-device counter. */
let conflictOn: 'ADDR' | 'CTR' | undefined;
let transactions = 0;

const pkOf = (item: Record<string, { Key?: { pk?: unknown } } | undefined>) => {
  const pk = Object.values(item)[0]?.Key?.pk;
  return typeof pk === 'object' && pk !== null && 'S' in pk ? String(pk.S) : String(pk);
};

beforeAll(async () => {
  service = await startService();
  await getRuntime();
  documentClient?.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TransactItems?: Record<string, { Key?: { pk?: unknown } }>[] };
      if (context.commandName !== 'TransactWriteItemsCommand' || !conflictOn || !input.TransactItems) {
        return next(args);
      }
      transactions++;
      const prefix = conflictOn === 'ADDR' ? 'ADDR#' : 'CTR#';
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: input.TransactItems.map((item) => ({
          Code: pkOf(item).startsWith(prefix) ? 'TransactionConflict' : 'None',
        })),
      });
    },
    { step: 'initialize', name: 'injectConflict' },
  );
});
afterAll(async () => {
  await service?.stop();
});

async function sendWhileConflicting(on: 'ADDR' | 'CTR', to: string) {
  conflictOn = on;
  transactions = 0;
  try {
    return await service.request('POST', '/v1/verifications', {
      headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': '198.18.200.1' },
      json: { channel: 'email', to, purpose: 'login' },
    });
  } finally {
    conflictOn = undefined;
  }
}

describe('a send whose transaction conflicts', () => {
  it('answers rate_limited at once when the address item conflicted: one transaction, no retry', async () => {
    const response = await sendWhileConflicting('ADDR', 'address-conflict@example.com');
    expect(response.status).toBe(429);
    expect(response.body.error.code).toBe('rate_limited');
    expect(transactions).toBe(1);
    expect(service.messages('address-conflict@example.com')).toHaveLength(0);
  });

  it('retries a conflict on a shared counter, then answers rate_limited with Retry-After 1, not busy', async () => {
    const response = await sendWhileConflicting('CTR', 'counter-conflict@example.com');
    expect(response.status).toBe(429);
    expect(response.body.error.code).toBe('rate_limited');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(transactions).toBeGreaterThan(1);
    expect(service.messages('counter-conflict@example.com')).toHaveLength(0);
  });

  it('sends normally once the conflicts are gone (nothing was admitted by the cancelled attempts)', async () => {
    const response = await service.request('POST', '/v1/verifications', {
      headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': '198.18.200.1' },
      json: { channel: 'email', to: 'counter-conflict@example.com', purpose: 'login' },
    });
    expect(response.status).toBe(201);
    expect(service.messages('counter-conflict@example.com')).toHaveLength(1);
  });
});
