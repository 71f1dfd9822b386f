// Lifecycle events from stream records, one engine write at a time: each write the engine makes stands for at
// most the event it means, and records of other items or of TTL deletions stand for none.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { idOf } from '../lib/engine/keys.ts';
import { enrichRecords, MAX_EVENTS_PER_BATCH } from '../lib/events/enrich.ts';
import { lifecycleEvents } from '../lib/events/lifecycle.ts';

const ADDR_KEY = 'k'.repeat(43);
const PK = `ADDR#demo#email#${ADDR_KEY}`;
const maxAttempts = async () => 5;

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  oldImage?: Record<string, unknown>,
  newImage?: Record<string, unknown>,
): DynamoDBRecord {
  const image = (value?: Record<string, unknown>) =>
    value ? (marshall(value, { removeUndefinedValues: true }) as never) : undefined;
  return {
    eventName,
    dynamodb: {
      ApproximateCreationDateTime: 1_772_359_200,
      OldImage: image(oldImage),
      NewImage: image(newImage),
    },
  };
}

const base = { pk: PK, sk: 'ADDR', m: 'a***@example.com', s0: 1 };
const pending = { ...base, i_login: 'aaaaaaaaaaaaaaaa', h_login: new Set(['hash']), n_login: 0, x_login: 9 };

describe('lifecycle events from stream records', () => {
  it('a send (new nonce) is verification.sent with the id the send answered', async () => {
    const [event, ...rest] = await lifecycleEvents(record('INSERT', undefined, pending), maxAttempts);
    expect(rest).toEqual([]);
    expect(event).toEqual({
      type: 'verification.sent',
      tenant: 'demo',
      channel: 'email',
      purpose: 'login',
      verificationId: idOf('email', 'login', ADDR_KEY, 'aaaaaaaaaaaaaaaa'),
      to: 'a***@example.com',
      occurredAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('a withdrawn code is verification.failed (delivery_failed)', async () => {
    const withdrawn = { ...pending, r_login: 1, h_login: undefined };
    const events = await lifecycleEvents(record('MODIFY', pending, withdrawn), maxAttempts);
    expect(events.map((event) => [event.type, event.reason])).toEqual([
      ['verification.failed', 'delivery_failed'],
    ]);
  });

  it('a counted guess that deleted the hash is approved; a wrong one is news only at the attempt limit', async () => {
    const approved = { ...pending, n_login: 1, h_login: undefined };
    expect(
      (await lifecycleEvents(record('MODIFY', pending, approved), maxAttempts)).map((e) => e.type),
    ).toEqual(['verification.approved']);
    const wrong = (n: number) => ({ ...pending, n_login: n });
    expect(await lifecycleEvents(record('MODIFY', wrong(3), wrong(4)), maxAttempts)).toEqual([]);
    const last = await lifecycleEvents(record('MODIFY', wrong(4), wrong(5)), maxAttempts);
    expect(last.map((event) => [event.type, event.reason])).toEqual([
      ['verification.failed', 'max_attempts'],
    ]);
  });

  it('an app’s status update: a cancellation is verification.canceled, an approval verification.approved', async () => {
    // lib/store/external-ids.ts: a cancellation marks the code withdrawn as canceled; an approval removes its
    // hash without counting a guess.
    const canceled = { ...pending, r_login: 'canceled', h_login: undefined };
    const events = await lifecycleEvents(record('MODIFY', pending, canceled), maxAttempts);
    expect(events.map((event) => [event.type, event.reason])).toEqual([['verification.canceled', undefined]]);
    const approved = { ...pending, h_login: undefined };
    expect(
      (await lifecycleEvents(record('MODIFY', pending, approved), maxAttempts)).map((e) => e.type),
    ).toEqual(['verification.approved']);
  });

  it('a confirmed link is link.confirmed; a redeemed grant is grant.redeemed', async () => {
    const confirmed = { ...pending, h_login: undefined, v_login: 5, g_login: 'grant-hash', gx_login: 99 };
    expect(
      (await lifecycleEvents(record('MODIFY', pending, confirmed), maxAttempts)).map((e) => e.type),
    ).toEqual(['link.confirmed']);
    const redeemed = { ...confirmed, g_login: undefined, gx_login: undefined };
    expect(
      (await lifecycleEvents(record('MODIFY', confirmed, redeemed), maxAttempts)).map((e) => e.type),
    ).toEqual(['grant.redeemed']);
  });

  it('a new suppression is address.suppressed once; a repeated notification is not news', async () => {
    const supp = {
      pk: `SUPP#email#${ADDR_KEY}`,
      sk: 'SUPP',
      reason: 'bounce',
      at: 1,
      m: 'b***@example.com',
      source: 'ses',
      tenant: 'demo',
    };
    const events = await lifecycleEvents(record('INSERT', undefined, supp), maxAttempts);
    expect(events).toEqual([
      {
        type: 'address.suppressed',
        tenant: 'demo',
        channel: 'email',
        to: 'b***@example.com',
        reason: 'bounce',
        occurredAt: '2026-03-01T10:00:00.000Z',
      },
    ]);
    expect(await lifecycleEvents(record('MODIFY', supp, { ...supp, at: 2 }), maxAttempts)).toEqual([]);
  });

  it('counters, nonces, verified marks, failed-check slots and TTL deletions stand for nothing', async () => {
    const none = [
      record('INSERT', undefined, { pk: 'CTR#ip#demo#x#1', sk: 'CTR', c: 1 }),
      record('INSERT', undefined, { pk: 'NONCE#x', sk: 'NONCE', until: 1 }),
      record('INSERT', undefined, { pk: PK, sk: 'VERIFIED#login', verifiedAt: 1 }),
      record('MODIFY', pending, { ...pending, f0: 7 }),
      record('REMOVE', pending, undefined),
    ];
    for (const entry of none) expect(await lifecycleEvents(entry, maxAttempts)).toEqual([]);
  });
});

describe('an enrichment batch stays within what the event bus target takes', () => {
  // Sends to `count` distinct addresses: each INSERT stands for one verification.sent.
  const sends = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      record('INSERT', undefined, { ...pending, pk: `ADDR#demo#email#${String(i).padStart(43, 'k')}` }),
    );

  it(`a full batch of ${MAX_EVENTS_PER_BATCH} records gives ${MAX_EVENTS_PER_BATCH} events, the bus's batch limit`, async () => {
    expect(MAX_EVENTS_PER_BATCH).toBe(10);
    expect(await enrichRecords(sends(MAX_EVENTS_PER_BATCH), maxAttempts)).toHaveLength(10);
  });

  it('a batch standing for more events than the bus takes fails as a whole (the pipe bisects it) instead of being dropped', async () => {
    await expect(enrichRecords(sends(MAX_EVENTS_PER_BATCH + 1), maxAttempts)).rejects.toThrow(
      /11 lifecycle events, over the 10 an event bus takes per batch/,
    );
  });
});
