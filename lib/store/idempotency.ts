// Secondary adapter: native idempotency keys. The record is written with the admission, marked sent after
// delivery, and withdrawn with the code when delivery fails, so a replay never answers for a code that
// does not exist.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyConflictError, RateLimitedError } from '../domain/errors.ts';
import { type Item, seconds, type Table, type TransactItem } from './address-item.ts';
import { dynamoFault } from './client.ts';

/** What a send with an idempotency key stores: its key's keyed hash, the request's hash, the response. */
export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  response: string;
  until: number;
}

/** An idempotent retry: the stored response of the first request with the same key. */
export interface IdempotentReplay {
  replayed: true;
  response: string;
}

/**
 * How long a record not yet marked sent counts as in flight: longer than any function may run (10 s),
 * so a request that died between admission and marking is taken as delivered after it.
 */
export const IN_FLIGHT_MS = 30_000;

const keyOf = (tenantId: string, record: IdempotencyRecord) => ({
  pk: `IDEM#${tenantId}#${record.key}`,
  sk: 'IDEM',
});

/** The admission's Put: succeeds only if the key is new (or its 24 h are over). */
export function idempotencyPut(tableName: string, tenantId: string, record: IdempotencyRecord, now: number) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keyOf(tenantId, record),
        requestHash: record.requestHash,
        response: record.response,
        until: record.until,
        sent: false,
        settleBy: now + IN_FLIGHT_MS,
        ttl: seconds(record.until) + 3600,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':now': now },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  } satisfies TransactItem;
}

/** The withdrawal's Delete: only this send's own record (its response names its verification id). */
export function idempotencyDelete(tableName: string, tenantId: string, record: IdempotencyRecord) {
  return {
    Delete: {
      TableName: tableName,
      Key: keyOf(tenantId, record),
      ConditionExpression: '#response = :response',
      ExpressionAttributeNames: { '#response': 'response' },
      ExpressionAttributeValues: { ':response': record.response },
    },
  } satisfies TransactItem;
}

/**
 * What a second request with a taken key gets: the first response once that send was delivered (or
 * can no longer be in flight); "retry shortly" while it may still fail; a conflict for another body.
 * A send whose delivery failed has no record left, so its retry is admitted as a new send.
 */
export function replayOf(
  record: IdempotencyRecord | undefined,
  stored: Item | undefined,
  now: number,
): IdempotentReplay | Error {
  if (stored?.requestHash !== record?.requestHash) return new IdempotencyConflictError();
  const settleBy = Number(stored?.settleBy ?? 0);
  if (stored?.sent === false && settleBy > now) {
    return new RateLimitedError('address', Math.max(1, seconds(settleBy - now)));
  }
  return { replayed: true, response: String(stored?.response) };
}

/**
 * Marks the record sent after delivery, so replays answer at once. A failure here is not the
 * caller's: the record then counts as sent when its in-flight time is over.
 */
export async function settleIdempotency(table: Table, tenantId: string, record: IdempotencyRecord) {
  try {
    await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keyOf(tenantId, record),
        UpdateExpression: 'SET sent = :true',
        ConditionExpression: '#response = :response',
        ExpressionAttributeNames: { '#response': 'response' },
        ExpressionAttributeValues: { ':true': true, ':response': record.response },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
  }
}
