// Secondary adapter: admitting a send. Every limit, the replay nonce, the idempotency key and the new code
// are conditions of one transaction; a failed delivery withdraws what the admission wrote (store/withdrawal.ts).

import { randomInt } from 'node:crypto';
import { AddressSuppressedError, RateLimitedError } from '../domain/errors.ts';
import type { Purpose } from '../domain/vocabulary.ts';
import {
  type AddressRef,
  addressKey,
  cancellationReasons,
  growTtl,
  names,
  refusedForTtl,
  seconds,
  shiftSlots,
  type Table,
  type TransactItem,
  writeItems,
} from './address-item.ts';
import { attemptPut } from './attempt-log.ts';
import { dynamoFault } from './client.ts';
import { type ExternalAdmission, externalUpdate, lookupPut } from './external-ids.ts';
import { type IdempotencyRecord, type IdempotentReplay, idempotencyPut } from './idempotency.ts';
import { type CounterSpec, counterUpdate, refusal, type Scope } from './limits.ts';
import { type GuardAdmission, guardRefusal, prefixUpdate, spendUpdate } from './prefix-guard.ts';
import { replayPut } from './spend.ts';
import { suppressionCheck } from './suppressions.ts';

/**
 * How long a send keeps retrying a transaction cancelled only by a conflict on a shared counter, from its
 * first attempt: well inside the function's 10 s timeout, even with one slow last attempt after it.
 */
export const RETRY_BUDGET_MS = 2_000;
/** The longest pause between two such retries (jittered, growing from 20 ms). */
const RETRY_MAX_WAIT_MS = 250;

export type { IdempotentReplay } from './idempotency.ts';
export type { CounterSpec } from './limits.ts';

export interface AdmitSendInput {
  address: AddressRef;
  purpose: Purpose;
  masked: string;
  /** Which spelling of the mailbox this send goes to (engine/keys.ts `spellingOf`); undefined: the mailbox. */
  spelling?: string;
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
  /** The address's suppression key (lib/suppression/key.ts): a suppressed address is refused in the same write. */
  suppressionKey?: string;
  /** Replays answer with the first response; a failed delivery withdraws it (see idempotency.ts). */
  idempotency?: IdempotencyRecord;
  /** A dialect's own id for the verification (a Twilio sid), kept beside the code: see external-ids.ts. */
  external?: ExternalAdmission;
  /** A phone send's pumping-guard items (lib/store/prefix-guard.ts): its number prefix and the day's spend. */
  guard?: GuardAdmission;
}

/**
 * Admits a send and stores the new code in one round trip: the address cooldown and rolling window,
 * every counter, the replay key and the idempotency key are conditions of a single transaction, and
 * the new code supersedes the previous one for the same purpose.
 */
export async function admitSend(table: Table, input: AdmitSendInput): Promise<IdempotentReplay | undefined> {
  const { now, perAddress } = input;
  const { tableName } = table;
  const last = perAddress.limit - 1;
  const items: TransactItem[] = [];
  const scopes: Scope[] = [];

  if (input.idempotency) {
    items.push(idempotencyPut(tableName, input.address.tenantId, input.idempotency, now));
    scopes.push('idempotency');
  }

  const external = input.external && externalUpdate(input.external, input.purpose, input.spelling);
  const keepCode = input.external?.reuse === true && input.external.keepCode;
  const addressUpdate = {
    TableName: tableName,
    Key: addressKey(input.address),
    UpdateExpression: `SET ${[
      ...shiftSlots('s', perAddress.limit, ':now'),
      // A resend that delivers the pending code again keeps its hash, expiry and attempts.
      ...(keepCode ? [] : ['#h = :hset', '#x = :exp', '#n = :zero']),
      '#i = :nonce',
      'm = :masked',
      ...(input.linkHash ? ['#k = :link'] : []),
      ...(input.spelling ? ['#e = :spelling'] : []),
      // What the pumping guard charged the day's spend: the approving check moves that much to verified.
      ...(input.guard ? ['#g = :charged'] : []),
      ...(external?.set ?? []),
    ].join(
      ', ',
    )} REMOVE ${['#r', '#v', ...(input.linkHash ? [] : ['#k']), ...(input.spelling ? [] : ['#e']), ...(input.guard ? [] : ['#g']), ...(external?.remove ?? [])].join(', ')}`,
    ConditionExpression: `(attribute_not_exists(s0) OR s0 <= :coolEdge) AND (attribute_not_exists(s${last}) OR s${last} <= :windowEdge)${external ? ` AND ${external.condition}` : ''}`,
    ExpressionAttributeNames: { ...names(input.purpose), '#g': `g_${input.purpose}`, ...external?.names },
    ExpressionAttributeValues: {
      ':now': now,
      ...(input.guard ? { ':charged': input.guard.spend.micros } : {}),
      ...(keepCode && perAddress.limit < 2 ? {} : { ':zero': 0 }),
      ...(keepCode ? {} : { ':hset': new Set([input.codeHash]), ':exp': input.expiresAt }),
      ':nonce': input.nonce,
      ':masked': input.masked,
      ':coolEdge': now - input.cooldownSeconds * 1000,
      ':windowEdge': now - perAddress.windowSeconds * 1000,
      ...(input.linkHash ? { ':link': input.linkHash } : {}),
      ...(input.spelling ? { ':spelling': input.spelling } : {}),
      ...external?.values,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  const ttl = seconds(now) + input.retentionSeconds;
  const addressAt = items.push({ Update: growTtl(addressUpdate, ttl) }) - 1;
  scopes.push('address');

  if (input.external?.lookup) {
    items.push(lookupPut(table, input.address.tenantId, input.external));
    scopes.push('external');
  }

  if (input.external?.log) {
    // The attempt log's record rides in the same transaction: no second write on a send.
    const { scope, record, ttl: logTtl } = input.external.log;
    items.push(attemptPut(table, input.address.tenantId, scope, record, logTtl));
    scopes.push('external');
  }

  const counterNames: (string | undefined)[] = [];
  for (const counter of input.counters) {
    counterNames[items.push({ Update: counterUpdate(tableName, counter, now) }) - 1] = counter.name;
    scopes.push(counter.scope);
  }

  if (input.replayKey) {
    items.push({ Put: replayPut(tableName, input.replayKey, now) });
    scopes.push('replay');
  }

  if (input.suppressionKey) {
    // A read-free condition on the suppression item: a bounced address costs no extra round trip to refuse.
    items.push(suppressionCheck(tableName, input.address.channel, input.suppressionKey, now));
    scopes.push('suppression');
  }

  if (input.guard) {
    // Last, so that any other limit that also refused names the refusal (store/prefix-guard.ts guardRefusal).
    items.push(
      { Update: prefixUpdate(tableName, input.guard, now) },
      { Update: spendUpdate(tableName, input.guard) },
    );
    scopes.push('guard', 'spend');
  }

  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await writeItems(table, items);
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error, items.length);
      if (!reasons) throw dynamoFault(error);
      const address = reasons[addressAt];
      const withTtl = items[addressAt]?.Update !== addressUpdate;
      if (withTtl && address?.code === 'ConditionalCheckFailed' && refusedForTtl(address.item, ttl)) {
        // The item already lives longer than this send needs: admit it without touching its ttl.
        items[addressAt] = { Update: addressUpdate };
        continue;
      }
      if (suppressedIn(reasons, scopes)) {
        const suppression = reasons[scopes.indexOf('suppression')]?.item;
        throw new AddressSuppressedError(
          typeof suppression?.reason === 'string' ? suppression.reason : undefined,
        );
      }
      const guarded = guardRefusal(reasons, scopes);
      if (guarded) throw guarded;
      const refused = refusal(input, reasons, scopes, counterNames);
      if (refused === 'retry') {
        // Only shared counters (per-IP, per-device, budget) conflicted: the whole transaction was
        // cancelled, so a retry is safe. Retries stop at a time budget, not a count: a burst makes each
        // retry slower, and a fixed count of them let contended requests run into the client timeout.
        const wait = randomInt(5, Math.min(RETRY_MAX_WAIT_MS, 20 * 2 ** attempt) + 6);
        if (performance.now() - started + wait < RETRY_BUDGET_MS) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        // Still contended: answer "too frequent, retry in a second", never a 5xx.
        throw new RateLimitedError('address', 1);
      }
      if ('replayed' in refused) return refused;
      throw refused;
    }
  }
}

/**
 * The suppression refused the send. It outranks every limit (no wait makes the address deliverable), but
 * not an idempotent replay: a retried request still gets its first answer.
 */
function suppressedIn(reasons: { code: string }[], scopes: Scope[]): boolean {
  const failed = (scope: Scope) => reasons[scopes.indexOf(scope)]?.code === 'ConditionalCheckFailed';
  return failed('suppression') && !failed('idempotency');
}
