// Use case: lifecycle events for apps, derived from DynamoDB stream records (NEW_AND_OLD_IMAGES) of the items
// the engine already writes — so publishing them adds no call and no latency to any request.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { CHANNELS, type Channel, PURPOSES, type Purpose } from '../domain/vocabulary.ts';
import { idOf } from '../engine/keys.ts';
import { CANCELED } from '../store/external-ids.ts';
import { suppressionOf } from '../store/suppressions.ts';
import { EVENT_TYPES, type LifecycleEvent } from './event-types.ts';
import { guardEvents } from './guard-events.ts';

export {
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  EVENT_TYPES,
  type LifecycleEvent,
  type LifecycleType,
} from './event-types.ts';

type Item = Record<string, unknown>;

/** Reads the tenant's attempt limit (cached by the caller); only asked when a wrong guess was counted. */
export type MaxAttemptsOf = (tenantId: string) => Promise<number | undefined>;

function image(raw: Record<string, unknown> | undefined): Item {
  return raw ? unmarshall(raw as Record<string, AttributeValue>) : {};
}

const ADDRESS_PK = new RegExp(`^ADDR#([a-z0-9][a-z0-9-]*)#(${CHANNELS.join('|')})#([A-Za-z0-9_-]{43})$`);

/**
 * `occurredAt` to the second (docs/events.md): DynamoDB Streams give `ApproximateCreationDateTime` in epoch
 * seconds, rounded down to the second; a fraction, should one come, is dropped so every event reads alike.
 */
export function occurredAtOf(approximateCreationDateTime: number | undefined, now = Date.now()): string {
  const seconds = approximateCreationDateTime ?? now / 1000;
  return new Date(Math.floor(seconds) * 1000).toISOString();
}

/** The events one stream record stands for (usually none or one). REMOVE records (TTL) stand for none. */
export async function lifecycleEvents(
  record: DynamoDBRecord,
  maxAttemptsOf: MaxAttemptsOf,
): Promise<LifecycleEvent[]> {
  const stream = record.dynamodb;
  if (!stream || record.eventName === 'REMOVE') return [];
  const next = image(stream.NewImage);
  const prev = image(stream.OldImage);
  const occurredAt = occurredAtOf(stream.ApproximateCreationDateTime);
  if (next.sk === 'SUPP') return suppressionEvents(next, prev, occurredAt);
  if (next.sk === 'GUARD') return guardEvents(next, prev, occurredAt, EVENT_TYPES.pumpingBlocked);
  const address = next.sk === 'ADDR' ? ADDRESS_PK.exec(String(next.pk)) : null;
  if (!address) return [];
  const [, tenant = '', channel = 'email', addrKey = ''] = address;
  const events: LifecycleEvent[] = [];
  for (const purpose of PURPOSES) {
    const nonce = next[`i_${purpose}`];
    if (typeof nonce !== 'string') continue;
    const change = await purposeChange(next, prev, purpose, () => maxAttemptsOf(tenant));
    if (!change) continue;
    events.push({
      type: EVENT_TYPES[change.type],
      tenant,
      channel: channel as Channel,
      purpose,
      verificationId: idOf(channel as Channel, purpose, addrKey, nonce),
      to: String(next.m ?? '***'),
      ...(change.reason ? { reason: change.reason } : {}),
      occurredAt,
    });
  }
  return events;
}

/** What happened to one purpose's verification between the two images, read from the engine's writes. */
async function purposeChange(
  next: Item,
  prev: Item,
  purpose: Purpose,
  maxAttempts: () => Promise<number | undefined>,
): Promise<{ type: keyof typeof EVENT_TYPES; reason?: string } | undefined> {
  const field = (item: Item, name: string) => item[`${name}_${purpose}`];
  const appeared = (name: string) => field(next, name) !== undefined && field(prev, name) === undefined;
  // Admission writes a fresh nonce with the new code.
  if (field(next, 'i') !== field(prev, 'i')) return { type: 'sent' };
  // A failed delivery withdraws the code (r_p = 1); so does a cancellation by the app (Twilio's status update).
  if (appeared('r')) {
    return field(next, 'r') === CANCELED
      ? { type: 'canceled' }
      : { type: 'failed', reason: 'delivery_failed' };
  }
  // A confirmed link records v_p (and removes the code with it).
  if (appeared('v')) return { type: 'linkConfirmed' };
  // A grant is removed by its one redemption (a new link replaces it, which sets v_p first).
  if (field(prev, 'g') !== undefined && field(next, 'g') === undefined) return { type: 'grantRedeemed' };
  const removedCode = field(prev, 'h') !== undefined && field(next, 'h') === undefined;
  const attempts = Number(field(next, 'n') ?? 0);
  // The code's hash removed with no guess counted: the app approved it (Twilio's status update).
  if (attempts <= Number(field(prev, 'n') ?? 0)) return removedCode ? { type: 'approved' } : undefined;
  // A counted guess: approved iff it deleted the code's hash; otherwise maybe the last attempt.
  if (removedCode) return { type: 'approved' };
  const max = await maxAttempts();
  return max !== undefined && attempts === max ? { type: 'failed', reason: 'max_attempts' } : undefined;
}

function suppressionEvents(next: Item, prev: Item, occurredAt: string): LifecycleEvent[] {
  const now = suppressionOf(next);
  if (!now) return [];
  const before = suppressionOf(prev);
  // Repeated notifications for a suppressed address rewrite the item; only a new suppression is news.
  if (before && before.reason === now.reason && before.until === undefined) return [];
  return [
    {
      type: EVENT_TYPES.suppressed,
      ...(now.tenant ? { tenant: now.tenant } : {}),
      channel: now.channel,
      to: now.masked,
      reason: now.reason,
      occurredAt,
    },
  ];
}
