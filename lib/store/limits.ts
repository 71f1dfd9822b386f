// Secondary adapter: the send limits as DynamoDB writes and reads — fixed-window counters, and which limit
// refused a cancelled admission (its domain error and Retry-After).

import {
  type AddressRule,
  BudgetExhaustedError,
  BusyError,
  type LimitScope,
  RateLimitedError,
  ReplayedError,
} from '../domain/errors.ts';
import { type Item, type Reason, seconds } from './address-item.ts';
import { externalRefusal, type SendWindow } from './external-ids.ts';
import { type IdempotencyRecord, type IdempotentReplay, replayOf } from './idempotency.ts';

/** What the refusal of a send reads of its admission (store/admission.ts `AdmitSendInput`). */
interface RefusedSend extends SendWindow {
  idempotency?: IdempotencyRecord;
}

/** A fixed-window counter consulted atomically with the send. */
export interface CounterSpec {
  scope: LimitScope | 'budget';
  key: string;
  limit: number;
  windowSeconds: number;
  /** The bucket scope's limit name, for the refusal (a Twilio rate limit's unique name). */
  name?: string;
}

/** What each item of an admission transaction stands for, in order. */
/** `guard` and `spend`: the pumping guard's prefix and spend items (store/prefix-guard.ts). */
export type Scope =
  | CounterSpec['scope']
  | 'replay'
  | 'idempotency'
  | 'external'
  | 'suppression'
  | 'guard'
  | 'spend';

/** One more in the counter's current fixed window, if the window has room. */
export function counterUpdate(tableName: string, counter: CounterSpec, now: number) {
  const windowMs = counter.windowSeconds * 1000;
  const bucket = Math.floor(now / windowMs);
  return {
    TableName: tableName,
    Key: { pk: `CTR#${counter.key}#${bucket}`, sk: 'CTR' },
    UpdateExpression: 'ADD c :one SET #ttl = :ttl, resetAt = :resetAt',
    ConditionExpression: 'attribute_not_exists(c) OR c < :limit',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: {
      ':one': 1,
      ':limit': counter.limit,
      ':ttl': seconds((bucket + 1) * windowMs) + 60,
      ':resetAt': (bucket + 1) * windowMs,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** Turns the cancellation reasons of a refused send into the domain error of the limit that refused it. */
export function refusal(
  input: RefusedSend,
  reasons: Reason[],
  scopes: Scope[],
  /** The counters' names, aligned with `scopes` (undefined for every other item). */
  names: (string | undefined)[] = [],
): Error | IdempotentReplay | 'retry' {
  const idem = scopes.indexOf('idempotency');
  const idemReason = idem >= 0 ? reasons[idem] : undefined;
  if (idemReason?.code === 'ConditionalCheckFailed') {
    return replayOf(input.idempotency, idemReason.item, input.now);
  }
  const failed = reasons.findIndex((reason) => reason.code === 'ConditionalCheckFailed');
  if (failed >= 0) {
    const scope = scopes[failed];
    const item = reasons[failed]?.item;
    if (scope === 'replay') return new ReplayedError();
    if (scope === 'address') {
      const { wait, rule } = addressRetryAfter(input, item);
      return externalRefusal(input, item) ?? new RateLimitedError('address', wait, rule);
    }
    const resetAt = Number(item?.resetAt ?? input.now + 1000);
    const retryAfter = Math.max(1, seconds(resetAt - input.now));
    if (scope === 'budget') return new BudgetExhaustedError(retryAfter);
    if (scope === 'bucket') return new RateLimitedError('bucket', retryAfter, undefined, names[failed]);
    return new RateLimitedError(scope === 'ip' || scope === 'device' ? scope : 'address', retryAfter);
  }
  const conflicted = reasons.findIndex((reason) => reason.code === 'TransactionConflict');
  if (conflicted >= 0) {
    // A concurrent send for the same address got there first; shared counters are worth a retry.
    const scope = scopes[conflicted];
    if (scope === 'address' || scope === 'replay' || scope === 'idempotency') {
      return scope === 'replay'
        ? new ReplayedError()
        : new RateLimitedError('address', input.cooldownSeconds);
    }
    return 'retry';
  }
  return new BusyError(`transaction cancelled: ${reasons.map((reason) => reason.code).join(',')}`);
}

/** How long until the address may be sent to again, and which per-address limit that wait is (the longer one). */
function addressRetryAfter(input: RefusedSend, item: Item | undefined): { wait: number; rule: AddressRule } {
  const newest = Number(item?.s0 ?? 0);
  const oldest = Number(item?.[`s${input.perAddress.limit - 1}`] ?? 0);
  const cooldownEnd = newest + input.cooldownSeconds * 1000;
  const windowEnd = oldest + input.perAddress.windowSeconds * 1000;
  const waits = [cooldownEnd, windowEnd].filter((end) => end > input.now).map((end) => end - input.now);
  const rule = windowEnd > input.now && windowEnd >= cooldownEnd ? 'window' : 'cooldown';
  return { wait: Math.max(1, seconds(Math.max(0, ...waits))), rule };
}
