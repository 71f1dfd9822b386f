// Secondary adapter: what a refused request still spends, outside a send's admission — a per-IP counter
// for answers that reveal whether an account exists, a signed request's nonce on first sight.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BudgetExhaustedError, RateLimitedError } from '../domain/errors.ts';
import { seconds, type Table } from './address-item.ts';
import { dynamoFault } from './client.ts';
import { type CounterSpec, counterUpdate } from './limits.ts';

/** A signed request's nonce: accepted once until `until` (ms). */
export interface ReplayKey {
  key: string;
  until: number;
}

/** The conditional Put that takes a nonce: only if it is new (or its window is over). */
export function replayPut(tableName: string, replayKey: ReplayKey, now: number) {
  return {
    TableName: tableName,
    Item: {
      pk: `NONCE#${replayKey.key}`,
      sk: 'NONCE',
      until: replayKey.until,
      ttl: seconds(replayKey.until) + 3600,
    },
    ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
    ExpressionAttributeNames: { '#until': 'until' },
    ExpressionAttributeValues: { ':now': now },
  };
}

/**
 * Spends one from a fixed-window counter in one conditional write, as a send would; a full window
 * refuses with the same domain error (and Retry-After) as a send refused by that counter.
 */
export async function spendCounter(table: Table, counter: CounterSpec, now: number): Promise<void> {
  try {
    await table.db.send(new UpdateCommand(counterUpdate(table.tableName, counter, now)));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
    const resetAt = Number(error.Item?.resetAt?.N ?? now + 1000);
    const retryAfter = Math.max(1, seconds(resetAt - now));
    if (counter.scope === 'budget') throw new BudgetExhaustedError(retryAfter);
    throw new RateLimitedError(counter.scope, retryAfter);
  }
}

/** Takes a nonce outside a send; false when it was already taken (whoever took it, it is used up). */
export async function spendReplayKey(table: Table, replayKey: ReplayKey, now: number): Promise<boolean> {
  try {
    await table.db.send(new PutCommand(replayPut(table.tableName, replayKey, now)));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw dynamoFault(error);
  }
}
