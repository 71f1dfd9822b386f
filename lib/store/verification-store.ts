// Secondary adapter: every engine rule that must hold under concurrency is one conditional write here.
//
// Layout (single table, all items carry `ttl`, but expiry is always a condition, never assumed):
//   ADDR#{tenant}#{channel}#{addrKey} / ADDR   one item per address: send slots s0..sN-1 (newest first),
//                                              failed-check slots f0..fM-1, and per purpose p:
//                                              h_p (set holding the code's keyed hash), x_p expiry ms,
//                                              n_p attempts, i_p verification nonce, r_p withdrawn flag,
//                                              k_p link-token hash, v_p verified at, g_p/gx_p one-time grant
//                                              hash and expiry (issued by a confirmed link, e.g. reset)
//   ADDR#…(same partition) / VERIFIED#{purpose} when a link last confirmed the address for that purpose;
//                                              kept 90 days, untouched by later sends
//   CTR#{key}#{bucket} / CTR                   fixed-window counters (per IP, per device, daily SMS budget)
//   NONCE#{key} / NONCE                        replay protection for signed requests
//   IDEM#{tenant}#{key} / IDEM                 native API idempotency keys

import { randomInt } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BudgetExhaustedError,
  BusyError,
  IdempotencyConflictError,
  type LimitScope,
  RateLimitedError,
  ReplayedError,
} from '../domain/errors.ts';
import type { Channel, Purpose } from '../domain/vocabulary.ts';
import { dynamoFault } from './client.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Identifies one address item. `addrKey` is a keyed hash of the normalized address, never the address. */
export interface AddressRef {
  tenantId: string;
  channel: Channel;
  addrKey: string;
}

/** A fixed-window counter consulted atomically with the send. */
export interface CounterSpec {
  scope: LimitScope | 'budget';
  key: string;
  limit: number;
  windowSeconds: number;
}

export interface AdmitSendInput {
  address: AddressRef;
  purpose: Purpose;
  masked: string;
  codeHash: string;
  /** Keyed hash of a mailed link token, when the send carries a link. */
  linkHash?: string;
  /** Random part of the verification id; a status lookup must present it. */
  nonce: string;
  now: number;
  expiresAt: number;
  cooldownSeconds: number;
  perAddress: { limit: number; windowSeconds: number };
  /** How long the address item must outlive this write (longest window or validity). */
  retentionSeconds: number;
  counters: CounterSpec[];
  /** Replay protection: this key is accepted once until `until` (ms). */
  replayKey?: { key: string; until: number };
  idempotency?: { key: string; requestHash: string; response: string; until: number };
}

/** An idempotent retry: the stored response of the first request with the same key. */
export interface IdempotentReplay {
  replayed: true;
  response: string;
}

export type CheckOutcome =
  | { outcome: 'approved' }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'refused'; status: 'not_found' | 'expired' | 'max_attempts' | 'already_used' };

export type VerificationState = 'pending' | 'approved' | 'expired' | 'max_attempts' | 'failed';

export interface VerificationView {
  state: VerificationState;
  masked: string;
  expiresAt: number;
}

const addressKey = ({ tenantId, channel, addrKey }: AddressRef) => ({
  pk: `ADDR#${tenantId}#${channel}#${addrKey}`,
  sk: 'ADDR',
});

const names = (purpose: Purpose) => ({
  '#h': `h_${purpose}`,
  '#x': `x_${purpose}`,
  '#n': `n_${purpose}`,
  '#i': `i_${purpose}`,
  '#r': `r_${purpose}`,
  '#k': `k_${purpose}`,
  '#v': `v_${purpose}`,
});

/** `prefix0 … prefix{count-1}`, newest first: shifting by one keeps exact rolling windows in one write. */
function shiftSlots(prefix: string, count: number, newest: string): string[] {
  const parts: string[] = [];
  for (let slot = count - 1; slot >= 1; slot--)
    parts.push(`${prefix}${slot} = if_not_exists(${prefix}${slot - 1}, :zero)`);
  parts.push(`${prefix}0 = ${newest}`);
  return parts;
}

const seconds = (ms: number) => Math.ceil(ms / 1000);

/** How long a link confirmation stays on record (the `VERIFIED#{purpose}` item). */
const VERIFIED_RETENTION_SECONDS = 90 * 24 * 3600;

/** The DynamoDB side of the engine. One instance per container. */
export class VerificationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Admits a send and stores the new code in one round trip: the address cooldown and rolling window,
   * every counter, the replay key and the idempotency key are conditions of a single transaction, and
   * the new code supersedes the previous one for the same purpose.
   */
  async admitSend(input: AdmitSendInput): Promise<IdempotentReplay | undefined> {
    const { now, perAddress } = input;
    const last = perAddress.limit - 1;
    const items: TransactItem[] = [];
    const scopes: (CounterSpec['scope'] | 'replay' | 'idempotency')[] = [];

    if (input.idempotency) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: `IDEM#${input.address.tenantId}#${input.idempotency.key}`,
            sk: 'IDEM',
            requestHash: input.idempotency.requestHash,
            response: input.idempotency.response,
            until: input.idempotency.until,
            ttl: seconds(input.idempotency.until) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
      scopes.push('idempotency');
    }

    items.push({
      Update: {
        TableName: this.tableName,
        Key: addressKey(input.address),
        UpdateExpression: `SET ${[
          ...shiftSlots('s', perAddress.limit, ':now'),
          '#h = :hset',
          '#x = :exp',
          '#n = :zero',
          '#i = :nonce',
          'm = :masked',
          '#ttl = :ttl',
          ...(input.linkHash ? ['#k = :link'] : []),
        ].join(', ')} REMOVE #r, #v${input.linkHash ? '' : ', #k'}`,
        ConditionExpression: `(attribute_not_exists(s0) OR s0 <= :coolEdge) AND (attribute_not_exists(s${last}) OR s${last} <= :windowEdge)`,
        ExpressionAttributeNames: { ...names(input.purpose), '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':now': now,
          ':zero': 0,
          ':hset': new Set([input.codeHash]),
          ':exp': input.expiresAt,
          ':nonce': input.nonce,
          ':masked': input.masked,
          ':ttl': seconds(now) + input.retentionSeconds,
          ':coolEdge': now - input.cooldownSeconds * 1000,
          ':windowEdge': now - perAddress.windowSeconds * 1000,
          ...(input.linkHash ? { ':link': input.linkHash } : {}),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    scopes.push('address');

    for (const counter of input.counters) {
      items.push({ Update: this.counterUpdate(counter, now) });
      scopes.push(counter.scope);
    }

    if (input.replayKey) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: `NONCE#${input.replayKey.key}`,
            sk: 'NONCE',
            until: input.replayKey.until,
            ttl: seconds(input.replayKey.until) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        },
      });
      scopes.push('replay');
    }

    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(items);
        return undefined;
      } catch (error) {
        const reasons = cancellationReasons(error, items.length);
        if (!reasons) throw dynamoFault(error);
        const refusal = this.refusal(input, reasons, scopes);
        if (refusal === 'retry' && attempt < 5) {
          // Only shared counters conflicted: the whole transaction was cancelled, so a retry is safe.
          await new Promise((resolve) => setTimeout(resolve, randomInt(10, 60 * (attempt + 1))));
          continue;
        }
        // Still contended after the retries: answer "too frequent, retry in a second", never a 5xx (SPEC §3).
        if (refusal === 'retry') throw new RateLimitedError('address', 1);
        if ('replayed' in refusal) return refusal;
        throw refusal;
      }
    }
  }

  /**
   * Withdraws a code whose delivery failed: the code can no longer verify, and the recipient's send slot
   * is given back so they may try again at once. The per-IP, per-device and budget counters stay spent:
   * a failing provider must not switch the limits off (a flood of bad numbers would otherwise sustain
   * itself), and a timed-out SMS may have been billed.
   */
  async withdrawSend(input: AdmitSendInput): Promise<void> {
    const slots = input.perAddress.limit;
    const back: string[] = [];
    for (let slot = 0; slot < slots - 1; slot++) back.push(`s${slot} = if_not_exists(s${slot + 1}, :zero)`);
    back.push(`s${slots - 1} = :zero`);
    const base = {
      TableName: this.tableName,
      Key: addressKey(input.address),
      ExpressionAttributeNames: {
        '#h': `h_${input.purpose}`,
        '#i': `i_${input.purpose}`,
        '#r': `r_${input.purpose}`,
      },
    };
    try {
      await this.db.send(
        new UpdateCommand({
          ...base,
          UpdateExpression: `SET ${back.join(', ')}, #r = :one REMOVE #h`,
          ConditionExpression: '#i = :nonce AND s0 = :now',
          ExpressionAttributeValues: { ':nonce': input.nonce, ':now': input.now, ':zero': 0, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
      // Another send moved the slots since; still make sure our code is dead.
      await this.db
        .send(
          new UpdateCommand({
            ...base,
            UpdateExpression: 'SET #r = :one REMOVE #h',
            ConditionExpression: '#i = :nonce',
            ExpressionAttributeValues: { ':nonce': input.nonce, ':one': 1 },
          }),
        )
        .catch((inner: unknown) => {
          if (!(inner instanceof ConditionalCheckFailedException)) throw dynamoFault(inner);
        });
    }
  }

  /**
   * Evaluates one guess atomically with counting it: the write adds an attempt and deletes the guessed
   * hash from the code's set, under the conditions that the code is live, has attempts left and the
   * address is not locked by failed checks. The code was right iff the old set held the guess, so
   * concurrent checks can neither exceed the attempt limit nor approve twice.
   */
  async consumeCode(input: {
    address: AddressRef;
    purpose: Purpose;
    codeHash: string;
    now: number;
    maxAttempts: number;
    failureCap: { limit: number; windowSeconds: number };
    retentionSeconds: number;
    matches: (stored: string, given: string) => boolean;
  }): Promise<CheckOutcome> {
    const oldest = `f${input.failureCap.limit - 1}`;
    const failEdge = input.now - input.failureCap.windowSeconds * 1000;
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: addressKey(input.address),
          UpdateExpression: 'ADD #n :one DELETE #h :guess',
          ConditionExpression: `attribute_exists(#h) AND #n < :max AND #x > :now AND (attribute_not_exists(${oldest}) OR ${oldest} <= :failEdge)`,
          ExpressionAttributeNames: {
            '#h': `h_${input.purpose}`,
            '#n': `n_${input.purpose}`,
            '#x': `x_${input.purpose}`,
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':guess': new Set([input.codeHash]),
            ':max': input.maxAttempts,
            ':now': input.now,
            ':failEdge': failEdge,
          },
          ReturnValues: 'UPDATED_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const old = result.Attributes ?? {};
      const stored = old[`h_${input.purpose}`];
      const hashes = stored instanceof Set ? [...stored].map(String) : [];
      if (hashes.some((hash) => input.matches(hash, input.codeHash))) return { outcome: 'approved' };
      const used = Number(old[`n_${input.purpose}`] ?? 0) + 1;
      await this.recordFailure(input.address, input.now, input.failureCap.limit, input.retentionSeconds);
      return { outcome: 'wrong', attemptsLeft: Math.max(0, input.maxAttempts - used) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
      const item = error.Item ? unmarshall(error.Item) : undefined;
      return { outcome: 'refused', status: refusedStatus(item, input.purpose, input.now) };
    }
  }

  /**
   * Confirms a link: one conditional write that requires the live link hash, then removes link and code
   * and records when the address was verified. Returns the verification nonce, or undefined if refused.
   * Link tokens carry 256 bits, so comparing their keyed hashes inside DynamoDB leaks nothing useful.
   */
  async consumeLink(input: {
    address: AddressRef;
    purpose: Purpose;
    linkHash: string;
    now: number;
    retentionSeconds: number;
    /** Also store a one-time grant's keyed hash, valid until `expiresAt` ms (replaces an earlier one). */
    grant?: { hash: string; expiresAt: number };
  }): Promise<boolean> {
    const grant = input.grant;
    const key = addressKey(input.address);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: key,
                UpdateExpression: `SET #v = :now, #ttl = :ttl${grant ? ', #g = :grant, #gx = :gexp' : ''} REMOVE #k, #h`,
                // The code's hash must still be there: a code already approved has spent the link with it.
                ConditionExpression:
                  '#k = :link AND attribute_exists(#h) AND #x > :now AND attribute_not_exists(#r)',
                ExpressionAttributeNames: {
                  '#v': `v_${input.purpose}`,
                  '#k': `k_${input.purpose}`,
                  '#h': `h_${input.purpose}`,
                  '#x': `x_${input.purpose}`,
                  '#r': `r_${input.purpose}`,
                  '#ttl': 'ttl',
                  ...(grant ? { '#g': `g_${input.purpose}`, '#gx': `gx_${input.purpose}` } : {}),
                },
                ExpressionAttributeValues: {
                  ':now': input.now,
                  ':link': input.linkHash,
                  ':ttl': seconds(input.now) + input.retentionSeconds,
                  ...(grant ? { ':grant': grant.hash, ':gexp': grant.expiresAt } : {}),
                },
              },
            },
            {
              // The durable mark: later sends for this purpose replace the verification, not this.
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: key.pk,
                  sk: `VERIFIED#${input.purpose}`,
                  verifiedAt: input.now,
                  ttl: seconds(input.now) + VERIFIED_RETENTION_SECONDS,
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationReasons(error, 2)) return false;
      throw dynamoFault(error);
    }
  }

  /**
   * The latest verification for (address, purpose) and when a link last confirmed the address for that
   * purpose, in one Query over the address's partition. Undefined when neither exists.
   */
  async findVerification(address: AddressRef, purpose: Purpose, now: number, maxAttempts: number) {
    const { Items = [] } = await this.db
      .send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': addressKey(address).pk },
        }),
      )
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
    const item = Items.find((entry) => entry.sk === 'ADDR');
    const mark = Items.find((entry) => entry.sk === `VERIFIED#${purpose}`);
    const nonce = item?.[`i_${purpose}`];
    const verifiedAt = typeof mark?.verifiedAt === 'number' ? mark.verifiedAt : undefined;
    if (typeof nonce !== 'string' && verifiedAt === undefined) return undefined;
    const latest =
      item && typeof nonce === 'string'
        ? {
            nonce,
            state: stateOf(item, purpose, now, maxAttempts),
            masked: String(item.m ?? ''),
            expiresAt: Number(item[`x_${purpose}`] ?? 0),
          }
        : undefined;
    return { latest, verifiedAt };
  }

  /**
   * Redeems a one-time grant: one conditional write removes it if its keyed hash matches and it is
   * live, so it succeeds once. Grant tokens carry 256 bits, like link tokens.
   */
  async redeemGrant(input: {
    address: AddressRef;
    purpose: Purpose;
    grantHash: string;
    now: number;
  }): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: addressKey(input.address),
          UpdateExpression: 'REMOVE #g, #gx',
          ConditionExpression: '#g = :grant AND #gx > :now',
          ExpressionAttributeNames: { '#g': `g_${input.purpose}`, '#gx': `gx_${input.purpose}` },
          ExpressionAttributeValues: { ':grant': input.grantHash, ':now': input.now },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw dynamoFault(error);
    }
  }

  /** Reads one verification for the status API; undefined when the nonce does not match (superseded or unknown). */
  async getVerification(
    address: AddressRef,
    purpose: Purpose,
    nonce: string,
    now: number,
    maxAttempts: number,
  ) {
    const { Item } = await this.db
      .send(new GetCommand({ TableName: this.tableName, Key: addressKey(address) }))
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
    if (!Item || Item[`i_${purpose}`] !== nonce) return undefined;
    const view: VerificationView = {
      state: stateOf(Item, purpose, now, maxAttempts),
      masked: String(Item.m ?? ''),
      expiresAt: Number(Item[`x_${purpose}`] ?? 0),
    };
    return view;
  }

  private async recordFailure(address: AddressRef, now: number, slots: number, retentionSeconds: number) {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: addressKey(address),
          UpdateExpression: `SET ${shiftSlots('f', slots, ':now').join(', ')}, #ttl = :ttl`,
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':now': now,
            ':ttl': seconds(now) + retentionSeconds,
            // A single slot needs no shifting, and DynamoDB refuses unused values.
            ...(slots > 1 ? { ':zero': 0 } : {}),
          },
        }),
      )
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
  }

  /** One more in the counter's current fixed window, if the window has room. */
  private counterUpdate(counter: CounterSpec, now: number) {
    const windowMs = counter.windowSeconds * 1000;
    const bucket = Math.floor(now / windowMs);
    return {
      TableName: this.tableName,
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

  private async write(items: TransactItem[]) {
    const [only] = items;
    if (items.length === 1 && only?.Update) {
      await this.db.send(new UpdateCommand(only.Update as UpdateCommandInput));
      return;
    }
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /** Turns the cancellation reasons of a refused send into the domain error of the limit that refused it. */
  private refusal(
    input: AdmitSendInput,
    reasons: Reason[],
    scopes: (CounterSpec['scope'] | 'replay' | 'idempotency')[],
  ): Error | IdempotentReplay | 'retry' {
    const idem = scopes.indexOf('idempotency');
    const idemReason = idem >= 0 ? reasons[idem] : undefined;
    if (idemReason?.code === 'ConditionalCheckFailed') {
      if (idemReason.item?.requestHash === input.idempotency?.requestHash) {
        return { replayed: true, response: String(idemReason.item?.response) };
      }
      return new IdempotencyConflictError();
    }
    const failed = reasons.findIndex((reason) => reason.code === 'ConditionalCheckFailed');
    if (failed >= 0) {
      const scope = scopes[failed];
      const item = reasons[failed]?.item;
      if (scope === 'replay') return new ReplayedError();
      if (scope === 'address') return new RateLimitedError('address', addressRetryAfter(input, item));
      const resetAt = Number(item?.resetAt ?? input.now + 1000);
      const retryAfter = Math.max(1, seconds(resetAt - input.now));
      if (scope === 'budget') return new BudgetExhaustedError(retryAfter);
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
}

interface Reason {
  code: string;
  item?: Item;
}

/** Normalizes a cancelled transaction or a failed single conditional write to per-item reasons. */
function cancellationReasons(error: unknown, count: number): Reason[] | undefined {
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

function addressRetryAfter(input: AdmitSendInput, item: Item | undefined): number {
  const newest = Number(item?.s0 ?? 0);
  const oldest = Number(item?.[`s${input.perAddress.limit - 1}`] ?? 0);
  const cooldownEnd = newest + input.cooldownSeconds * 1000;
  const windowEnd = oldest + input.perAddress.windowSeconds * 1000;
  const waits = [cooldownEnd, windowEnd].filter((end) => end > input.now).map((end) => end - input.now);
  return Math.max(1, seconds(Math.max(0, ...waits)));
}

function refusedStatus(item: Item | undefined, purpose: Purpose, now: number) {
  if (!item || item[`i_${purpose}`] === undefined || item[`r_${purpose}`] !== undefined) return 'not_found';
  if (item[`h_${purpose}`] === undefined || item[`v_${purpose}`] !== undefined) return 'already_used';
  if (Number(item[`x_${purpose}`] ?? 0) <= now) return 'expired';
  // Out of attempts for this code, or the address is locked by too many failed checks.
  return 'max_attempts';
}

function stateOf(item: Item, purpose: Purpose, now: number, maxAttempts: number): VerificationState {
  if (item[`r_${purpose}`] !== undefined) return 'failed';
  if (item[`v_${purpose}`] !== undefined) return 'approved';
  if (item[`h_${purpose}`] === undefined) return 'approved';
  if (Number(item[`x_${purpose}`] ?? 0) <= now) return 'expired';
  if (Number(item[`n_${purpose}`] ?? 0) >= maxAttempts) return 'max_attempts';
  return 'pending';
}
