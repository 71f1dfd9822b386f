// Secondary adapter: the suppression list. One item per suppressed (channel, address), shared by every tenant;
// a send checks it inside its own admission transaction, so suppression costs no extra round trip.
//
//   SUPP#{channel}#{suppression key} / SUPP   reason, at (ms), m (masked address), source, tenant (whose
//                                             message failed, when the event names it); lapsing reasons also
//                                             `until` (ms) and `ttl` — permanent ones stay until removed

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../domain/vocabulary.ts';
import { seconds, type Table, type TransactItem } from './address-item.ts';
import { dynamoFault } from './client.ts';

/**
 * Why an address is suppressed. `bounce`, `complaint` and `operator` stay until removed; the others lapse on
 * their own (`until`): `transient_bounce` (SES), `not_on_whatsapp` (WhatsApp reported the number undeliverable),
 * `unanswered` (a call was busy or never answered) and `call_failed` (a call failed) — their durations are in
 * lib/suppression/messaging-consumer.ts. `operator`: put there with `npm run suppressions -- add` (items
 * written before the rename say `manual` and read as `operator`).
 */
export type SuppressionReason =
  | 'bounce'
  | 'complaint'
  | 'transient_bounce'
  | 'operator'
  | 'not_on_whatsapp'
  | 'unanswered'
  | 'call_failed';

/**
 * Who wrote a suppression: `ses` (a bounce or complaint notification), `sms-voice` (a call outcome from AWS End
 * User Messaging SMS and Voice), `social-messaging` (a WhatsApp status from AWS End User Messaging Social) or
 * `admin` (`npm run suppressions`).
 */
export const SUPPRESSION_SOURCES = ['ses', 'sms-voice', 'social-messaging', 'admin'] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

export interface Suppression {
  channel: Channel;
  /** The keyed hash of the normalized address (see lib/suppression/key.ts). */
  key: string;
  reason: SuppressionReason;
  /** When it was suppressed (ms). */
  at: number;
  /** The masked address, for operators and events. */
  masked: string;
  /** Which feedback loop (or the admin command) wrote it. */
  source: SuppressionSource;
  /** The tenant whose message failed, when known. */
  tenant?: string;
  /** Lapsing reasons only: suppressed until this time (ms). */
  until?: number;
}

const PREFIX = 'SUPP#';

/** The suppression item's key. */
export const suppressionItemKey = (channel: Channel, key: string) => ({
  pk: `${PREFIX}${channel}#${key}`,
  sk: 'SUPP',
});

/**
 * The admission transaction's item for a suppression: it holds only if the address has no suppression
 * item, or a transient one that has lapsed (`until` in the past; TTL deletion is lazy, so the time is
 * the condition). Reads nothing and writes nothing.
 */
export function suppressionCheck(
  tableName: string,
  channel: Channel,
  key: string,
  now: number,
): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: suppressionItemKey(channel, key),
      ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: { ':now': now },
      // The refusal names its reason (an operator's suppression reads differently from a bounce), at no cost.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

function toItem(entry: Suppression) {
  return {
    ...suppressionItemKey(entry.channel, entry.key),
    reason: entry.reason,
    at: entry.at,
    m: entry.masked,
    source: entry.source,
    ...(entry.tenant ? { tenant: entry.tenant } : {}),
    ...(entry.until ? { until: entry.until, ttl: seconds(entry.until) + 3600 } : {}),
  };
}

function fromItem(item: Record<string, unknown>): Suppression | undefined {
  const match = /^SUPP#(email|sms|whatsapp|voice)#(.+)$/.exec(String(item.pk));
  if (!match?.[1] || !match[2]) return undefined;
  return {
    channel: match[1] as Channel,
    key: match[2],
    reason: (item.reason === 'manual' ? 'operator' : String(item.reason)) as SuppressionReason,
    at: Number(item.at),
    masked: String(item.m ?? '***'),
    // Items written before other sources existed all came from SES or the admin command.
    source: (SUPPRESSION_SOURCES as readonly unknown[]).includes(item.source)
      ? (item.source as SuppressionSource)
      : 'ses',
    ...(typeof item.tenant === 'string' ? { tenant: item.tenant } : {}),
    ...(item.until !== undefined ? { until: Number(item.until) } : {}),
  };
}

/** Reads a suppression item image (e.g. from a stream record); undefined for any other item. */
export const suppressionOf = fromItem;

/** Writes, lists and removes suppressions. One instance per container. */
export class SuppressionStore {
  private readonly table: Table;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = { db, tableName };
  }

  /**
   * Records a suppression. Permanent reasons replace whatever is there; a lapsing one (`until`) never replaces a
   * permanent suppression nor shortens a longer lapsing one (a busy call after a failed one, a late duplicate):
   * its write is conditional. Returns false when nothing changed.
   */
  async suppress(entry: Suppression): Promise<boolean> {
    const transient = entry.until !== undefined;
    try {
      await this.table.db.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: toItem(entry),
          ...(transient
            ? {
                ConditionExpression:
                  'attribute_not_exists(pk) OR (attribute_exists(#until) AND #until <= :until)',
                ExpressionAttributeNames: { '#until': 'until' },
                ExpressionAttributeValues: { ':until': entry.until },
              }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw dynamoFault(error);
    }
  }

  /** Removes a suppression; true if there was one. */
  async remove(channel: Channel, key: string): Promise<boolean> {
    try {
      const result = await this.table.db.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: suppressionItemKey(channel, key),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return result.Attributes !== undefined;
    } catch (error) {
      throw dynamoFault(error);
    }
  }

  /**
   * The address's suppression if one is in effect at `now` (ms): a lapsed one reads as none, as a send's admission
   * (`suppressionCheck`) reads it, since TTL deletes lazily. An operator's read, never on a request path.
   */
  async inEffect(channel: Channel, key: string, now: number): Promise<Suppression | undefined> {
    try {
      const { Item } = await this.table.db.send(
        new GetCommand({
          TableName: this.table.tableName,
          Key: suppressionItemKey(channel, key),
          ConsistentRead: true,
        }),
      );
      const entry = Item && fromItem(Item);
      return entry && (entry.until === undefined || entry.until > now) ? entry : undefined;
    } catch (error) {
      throw dynamoFault(error);
    }
  }

  /** Every suppression (a scan: an operator's command, never on a request path). */
  async list(): Promise<Suppression[]> {
    const found: Suppression[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.db
        .send(
          new ScanCommand({
            TableName: this.table.tableName,
            FilterExpression: 'begins_with(pk, :prefix)',
            ExpressionAttributeValues: { ':prefix': PREFIX },
            ExclusiveStartKey: start,
          }),
        )
        .catch((error: unknown) => {
          throw dynamoFault(error);
        });
      for (const item of page.Items ?? []) {
        const entry = fromItem(item);
        if (entry) found.push(entry);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return found.sort((a, b) => b.at - a.at);
  }
}
