// `npm run bench` (warm section): what Codegate adds over the raw DynamoDB operation it wraps. A native send
// is compared with a raw transaction of the same item count (bench.ts records the count the sends wrote:
// the address item, the per-IP counter and the suppression ConditionCheck), an approving check with a raw
// conditional update — each plus one trivial HTTP round trip through the local runtime.
import { randomBytes } from 'node:crypto';
import { TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/store/client.ts';
import { measure, N } from './measure.ts';

/** Issue 11's budget: warm latency within this ratio of the raw operation plus an HTTP round trip. */
const MAX_RATIO = 1.3;

export interface RawBaselines {
  /** p50 of a conditional transaction as many items as a native send writes. */
  transaction: number;
  /** Its item count. */
  items: number;
  /** p50 of one conditional UpdateItem returning the old values (what an approving check is). */
  update: number;
  /** p50 of a request the local runtime answers without touching DynamoDB. */
  http: number;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Measures the raw operations against the same DynamoDB the service uses. The transaction has `items`
 * items, shaped like a send's: a conditional update of an address item, conditional counter increments, and
 * a ConditionCheck that an item is absent (the suppression check) as the last. Each request has its own
 * items, as the bench's sends do (distinct addresses and client IPs): no contention on either side.
 */
export async function rawBaselines(
  service: { url: string; endpoint: string; tableName: string },
  items: number,
) {
  if (items < 2) throw new Error(`a send transaction of ${items} items? expected at least 2`);
  const db = createDocumentClient(service.endpoint);
  const TableName = service.tableName;
  const run = randomBytes(4).toString('hex');
  const none = { n: 0 };
  try {
    const transaction = await measure(
      `raw: ${items}-item transaction`,
      N,
      async (i) => {
        const counters = Array.from(
          { length: items - 2 },
          (_, c): TransactItem => ({
            Update: {
              TableName,
              Key: { pk: `RAWCTR#${run}#${c}#${i}`, sk: 'CTR' },
              UpdateExpression: 'ADD c :one SET #ttl = :ttl',
              ConditionExpression: 'attribute_not_exists(c) OR c < :limit',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: { ':one': 1, ':limit': 1_000_000, ':ttl': 2_000_000_000 },
            },
          }),
        );
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName,
                  Key: { pk: `RAW#${run}#${i}`, sk: 'ADDR' },
                  UpdateExpression:
                    'SET s1 = if_not_exists(s0, :zero), s0 = :now, h = :h, x = :x, #ttl = :ttl',
                  ConditionExpression: 'attribute_not_exists(s0) OR s0 <= :edge',
                  ExpressionAttributeNames: { '#ttl': 'ttl' },
                  ExpressionAttributeValues: {
                    ':zero': 0,
                    ':now': Date.now(),
                    ':h': new Set([randomBytes(32).toString('base64url')]),
                    ':x': Date.now() + 600_000,
                    ':ttl': Math.ceil(Date.now() / 1000) + 3600,
                    ':edge': Date.now() - 60_000,
                  },
                },
              },
              ...counters,
              {
                ConditionCheck: {
                  TableName,
                  Key: { pk: `RAWSUP#${run}#${i}`, sk: 'SUP' },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      },
      none,
    );
    const update = await measure(
      'raw: conditional update',
      N,
      async (i) => {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: { pk: `RAW#${run}#${i}`, sk: 'ADDR' },
            UpdateExpression: 'ADD n :one DELETE h :guess',
            ConditionExpression: 'attribute_exists(h) AND x > :now',
            ExpressionAttributeValues: {
              ':one': 1,
              ':guess': new Set([randomBytes(32).toString('base64url')]),
              ':now': Date.now(),
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
      },
      none,
    );
    const http = await measure(
      'trivial HTTP round trip',
      N,
      async () => {
        await fetch(new URL('/_local/outbox?to=nobody@bench.invalid', service.url)).then((r) => r.text());
      },
      none,
    );
    return { transaction, items, update, http } satisfies RawBaselines;
  } finally {
    db.destroy();
  }
}

/** Prints each Codegate operation's p50 as a ratio of its raw equivalent plus one HTTP round trip. */
export function compareWithRaw(raw: RawBaselines, send: number, check: number): void {
  const rows = [
    ['native send', send, raw.transaction + raw.http, `raw ${raw.items}-item transaction + HTTP`],
    ['approving check', check, raw.update + raw.http, 'raw conditional update + HTTP'],
  ] as const;
  process.stdout.write('\nwarm latency against the raw operation (p50):\n');
  for (const [name, ours, base, what] of rows) {
    const ratio = ours / base;
    process.stdout.write(
      `  ${name.padEnd(18)} ${ours.toFixed(1).padStart(6)} ms vs ${base.toFixed(1).padStart(6)} ms (${what}) = ` +
        `${ratio.toFixed(2)}×  ${ratio <= MAX_RATIO ? 'within' : 'OVER'} the ${MAX_RATIO}× budget\n`,
    );
  }
}
