// Secondary adapter, shared by the store's parts: the address item's keys and attribute names, and how
// a stored item or a cancelled write reads back as a domain state.
//
// Layout (single table, all items carry `ttl`, but expiry is always a condition, never assumed):
//   ADDR#{tenant}#{channel}#{addrKey} / ADDR   one item per address: send slots s0..sN-1 (newest first),
//                                              failed-check slots f0..fM-1, and per purpose p:
//                                              h_p (set holding the code's keyed hash), x_p expiry ms,
//                                              n_p attempts, i_p verification nonce, r_p withdrawn flag,
//                                              k_p link-token hash, v_p verified at, g_p/gx_p one-time grant
//                                              hash and expiry (issued by a confirmed link, e.g. reset),
//                                              e_p which spelling of the mailbox the send went to (absent:
//                                              the mailbox itself; see engine/keys.ts spellingOf)
//   ADDR#…(same partition) / VERIFIED#{purpose} when a link last confirmed the address for that purpose;
//                                              kept 90 days, untouched by later sends
//   CTR#{key}#{bucket} / CTR                   fixed-window counters (per IP, per device, daily SMS budget)
//   NONCE#{key} / NONCE                        replay protection for signed requests
//   IDEM#{tenant}#{key} / IDEM                 native API idempotency keys

import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Channel, Purpose } from '../domain/vocabulary.ts';

export type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The client and table every part of the store writes to. */
export interface Table {
  db: DynamoDBDocumentClient;
  tableName: string;
}

/** Identifies one address item. `addrKey` is a keyed hash of the canonical mailbox, never the address. */
export interface AddressRef {
  tenantId: string;
  channel: Channel;
  addrKey: string;
}

export type CheckOutcome =
  /** `charged`: what the send charged the pumping guard's day (micro-USD), if it was guarded. */
  | { outcome: 'approved'; charged?: number }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'refused'; status: 'not_found' | 'expired' | 'max_attempts' | 'already_used' };

export type VerificationState = 'pending' | 'approved' | 'expired' | 'max_attempts' | 'failed';

export interface VerificationView {
  state: VerificationState;
  masked: string;
  expiresAt: number;
}

export const addressKey = ({ tenantId, channel, addrKey }: AddressRef) => ({
  pk: `ADDR#${tenantId}#${channel}#${addrKey}`,
  sk: 'ADDR',
});

/** Expression attribute names of one purpose's fields on the address item. */
export const names = (purpose: Purpose) => ({
  '#h': `h_${purpose}`,
  '#x': `x_${purpose}`,
  '#n': `n_${purpose}`,
  '#i': `i_${purpose}`,
  '#r': `r_${purpose}`,
  '#k': `k_${purpose}`,
  '#v': `v_${purpose}`,
  '#e': `e_${purpose}`,
});

/**
 * The condition that the purpose's latest send went to this spelling of the mailbox (`#e` as in
 * {@link names}; `:spelling` bound by the caller when defined).
 */
export const sameSpelling = (spelling: string | undefined) =>
  spelling === undefined ? 'attribute_not_exists(#e)' : '#e = :spelling';

/** `prefix0 … prefix{count-1}`, newest first: shifting by one keeps exact rolling windows in one write. */
export function shiftSlots(prefix: string, count: number, newest: string): string[] {
  const parts: string[] = [];
  for (let slot = count - 1; slot >= 1; slot--)
    parts.push(`${prefix}${slot} = if_not_exists(${prefix}${slot - 1}, :zero)`);
  parts.push(`${prefix}0 = ${newest}`);
  return parts;
}

/** Milliseconds to whole seconds, rounded up (TTL attributes are epoch seconds). */
export const seconds = (ms: number) => Math.ceil(ms / 1000);

/** The parts of an UpdateItem that `growTtl` extends. */
export interface UpdateSpec {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * The same update, also setting `ttl` (epoch seconds) — but only where that does not shorten it: the
 * item may hold something that lives longer than this write knows of (a 7-day link, a grant, a window
 * of another purpose). DynamoDB has no max(), so the growth is a condition; when an update is refused
 * and {@link refusedForTtl} says the stored ttl was the larger, the caller repeats it without `ttl`.
 */
export function growTtl<T extends UpdateSpec>(update: T, ttl: number): T {
  const expression = update.UpdateExpression.startsWith('SET ')
    ? update.UpdateExpression.replace(/^SET /, 'SET #ttl = :ttl, ')
    : `SET #ttl = :ttl ${update.UpdateExpression}`;
  const grows = '(attribute_not_exists(#ttl) OR #ttl <= :ttl)';
  return {
    ...update,
    UpdateExpression: expression,
    ConditionExpression: update.ConditionExpression ? `(${update.ConditionExpression}) AND ${grows}` : grows,
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#ttl': 'ttl' },
    ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':ttl': ttl },
  };
}

/** Whether a refused {@link growTtl} update may have been refused only for its ttl (the item's is later). */
export function refusedForTtl(item: Item | undefined, ttl: number): boolean {
  return Number(item?.ttl ?? 0) > ttl;
}

/** How long a link confirmation stays on record (the `VERIFIED#{purpose}` item). */
export const VERIFIED_RETENTION_SECONDS = 90 * 24 * 3600;

export interface Reason {
  code: string;
  item?: Item;
}

/** Normalizes a cancelled transaction or a failed single conditional write to per-item reasons. */
export function cancellationReasons(error: unknown, count: number): Reason[] | undefined {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).map((reason) => ({
      code: reason.Code ?? 'None',
      item: reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined,
    }));
  }
  if (error instanceof ConditionalCheckFailedException && count === 1) {
    return [{ code: 'ConditionalCheckFailed', item: error.Item ? unmarshall(error.Item) : undefined }];
  }
  return undefined;
}

/** Why a check's conditional write refused, read from the item as it was. */
export function refusedStatus(item: Item | undefined, purpose: Purpose, now: number) {
  if (!item || item[`i_${purpose}`] === undefined || item[`r_${purpose}`] !== undefined) return 'not_found';
  if (item[`h_${purpose}`] === undefined || item[`v_${purpose}`] !== undefined) return 'already_used';
  if (Number(item[`x_${purpose}`] ?? 0) <= now) return 'expired';
  // Out of attempts for this code, or the address is locked by too many failed checks.
  return 'max_attempts';
}

/** The state of the latest verification for a purpose, read from the address item. */
export function stateOf(item: Item, purpose: Purpose, now: number, maxAttempts: number): VerificationState {
  if (item[`r_${purpose}`] !== undefined) return 'failed';
  if (item[`v_${purpose}`] !== undefined) return 'approved';
  if (item[`h_${purpose}`] === undefined) return 'approved';
  if (Number(item[`x_${purpose}`] ?? 0) <= now) return 'expired';
  if (Number(item[`n_${purpose}`] ?? 0) >= maxAttempts) return 'max_attempts';
  return 'pending';
}

/** One item is a plain conditional update (cheaper than a transaction); more are one transaction. */
export async function writeItems(table: Table, items: TransactItem[]) {
  const [only] = items;
  if (items.length === 1 && only?.Update) {
    await table.db.send(new UpdateCommand(only.Update as UpdateCommandInput));
    return;
  }
  if (items.length === 1 && only?.Delete) {
    await table.db.send(new DeleteCommand(only.Delete as DeleteCommandInput));
    return;
  }
  await table.db.send(new TransactWriteCommand({ TransactItems: items }));
}
