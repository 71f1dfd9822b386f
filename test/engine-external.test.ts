// Verifications named by a dialect's own id (lib/engine/external.ts, the engine wiring the Twilio dialect
// uses) against DynamoDB Local: the lookup item as stored (its lifetime, the sealed address), the resend
// retry loop, ids that another send replaced, and stored items that lack or garble what this version
// writes. Mutation testing found each of these untested (docs/architecture.md, "Test strength").
import { createDecipheriv, createHmac } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMessage, Texter } from '../lib/delivery/types.ts';
import { DeliveryFailedError, NotFoundError } from '../lib/domain/errors.ts';
import { createEngine, type Engine, type EngineEvent, type FullEnginePorts } from '../lib/engine/engine.ts';
import { maskAddress } from '../lib/mask.ts';
import { ExternalIdPendingError } from '../lib/store/external-ids.ts';
import { type AdmitSendInput, VerificationStore } from '../lib/store/verification-store.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { Tenant } from '../lib/tenants/schema.ts';
import { freshTable, scalars } from './helpers/table.ts';

type Item = Record<string, unknown>;

class Recorder implements Mailer, Texter {
  sent: OutgoingMessage[] = [];
  failNext = false;
  /** Runs while a message is being delivered (a slow provider moves the clock). */
  during?: () => void;
  async sendMail(message: OutgoingMessage) {
    this.deliver(message);
  }
  async sendSms(message: OutgoingMessage) {
    this.deliver(message);
  }
  private deliver(message: OutgoingMessage) {
    this.during?.();
    this.sent.push(message);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('provider refused');
    }
  }
  code(to: string) {
    const message = this.sent.filter((m) => m.to === to).at(-1);
    return message?.text.match(/\b(\d{6})\b/)?.[1] ?? 'missing';
  }
}

/**
 * The real store, refusing the next `refusals` admissions the way it refuses a send that raced another
 * one to the same address (a pending id appeared, or ours ended meanwhile). Every admission is counted.
 */
class RacedStore extends VerificationStore {
  refusals = 0;
  admissions = 0;
  override admitSend(input: AdmitSendInput) {
    this.admissions++;
    if (this.refusals > 0) {
      this.refusals--;
      return Promise.reject(new ExternalIdPendingError(undefined));
    }
    return super.admitSend(input);
  }
}

const DAY = 86_400;
const PEPPER = Buffer.from('external-pepper-external-pepper!');
let tenant: Tenant;
let table: Awaited<ReturnType<typeof freshTable>>;
let store: RacedStore;
let ports: FullEnginePorts;
let engine: Engine;
let recorder: Recorder;
let now: number;
let serial = 0;

beforeAll(async () => {
  const file = await loadTenantsFile(DEMO_TENANTS_FILE);
  tenant = { ...(file.tenants[0] as Tenant), id: `ext-${Date.now()}` };
  table = await freshTable();
});

beforeEach(() => {
  recorder = new Recorder();
  now = Date.UTC(2026, 10, 22, 12, 0, 0) + ++serial * DAY * 1000;
  store = new RacedStore(table.db, table.tableName);
  ports = { store, mailer: recorder, texter: recorder, clock: { now: () => now }, pepper: PEPPER };
  engine = createEngine(ports);
});

const fresh = () => `ext${++serial}-${Date.now()}@example.com`;
const sid = (tag: string) => `VE${tag}${serial}`.padEnd(34, '0');

async function send(to: string, id: string, attemptId = `VL${id.slice(2)}`) {
  return engine.sendCodeWithId({
    tenant,
    channel: 'email',
    to,
    purpose: 'general',
    external: { id, attemptId, fields: { service: 'VA1' } },
  });
}

const lookupKey = (id: string) => ({ pk: `EXT#${tenant.id}#${id}`, sk: 'EXT' });

async function read(key: Item): Promise<Item> {
  const { Item: item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: key }));
  if (!item) throw new Error(`no item ${JSON.stringify(key)}`);
  return item;
}

/** The address item the lookup of `id` leads to, read from the table. */
async function addressKeyOf(id: string) {
  const lookup = await read(lookupKey(id));
  return { pk: `ADDR#${tenant.id}#${String(lookup.channel)}#${String(lookup.addrKey)}`, sk: 'ADDR' };
}

async function update(key: Item, expression: string, values?: Item) {
  await table.db.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: key,
      UpdateExpression: expression,
      ExpressionAttributeValues: values,
    }),
  );
}

/** The outcome of checking the address's newest code by name (the native path, not the external id). */
const statusByName = async (to: string) =>
  (await engine.checkCodeNamed({ tenant, channel: 'email', to, purpose: 'general', code: recorder.code(to) }))
    .status;
describe('the lookup item', () => {
  it('is kept a day past the code it was issued with expires, in epoch seconds', async () => {
    const id = sid('L');
    const { sent } = await send(fresh(), id);
    const lookup = await read(lookupKey(id));
    expect(sent.expiresAt).toBe(now + 600_000);
    expect(lookup.ttl).toBe(Math.ceil(sent.expiresAt / 1000) + DAY);
  });

  it('holds the address only sealed, under a key derived from the pepper and bound to the id', async () => {
    // Items already written must stay readable after a deploy: the derivation and layout are fixed.
    const to = fresh();
    const id = sid('S');
    await send(to, id);
    const lookup = await read(lookupKey(id));
    expect(
      scalars(lookup).some((value) => value.includes(to) || value.includes(to.split('@')[0] ?? to)),
    ).toBe(false);
    const raw = Buffer.from(String(lookup.sealed), 'base64url');
    const key = createHmac('sha256', PEPPER).update('seal|external-address').digest();
    const open = (aad: string) => {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(Buffer.from(aad));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    };
    expect(open(id)).toBe(to);
    expect(() => open(sid('other'))).toThrow();
  });

  it('is written by the first send of an id only: a resend keeps the pending id and writes none', async () => {
    const to = fresh();
    const first = sid('R');
    await send(to, first);
    const issued = now;
    now += 61_000;
    const second = sid('Q');
    const resent = await send(to, second, 'VLresend');
    expect(resent.external).toMatchObject({
      id: first,
      createdAt: issued,
      updatedAt: now,
      attempts: [
        { id: `VL${first.slice(2)}`, at: issued },
        { id: 'VLresend', at: now },
      ],
    });
    // The pending code is kept sealed beside its hash, for this resend; the dialect's echo stays the first's.
    expect(typeof resent.external.sealedCode).toBe('string');
    const { Item: none } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: lookupKey(second) }),
    );
    expect(none).toBeUndefined();
    // The refusal that named the pending id cost one more admission, no more.
    expect(store.admissions).toBe(3);
    const found = await engine.getByExternalId(tenant, first);
    expect(found).toMatchObject({ createdAt: issued, updatedAt: now, state: 'pending' });
    expect(found.attempts.map((attempt) => attempt.at)).toEqual([issued, now]);
  });
});

describe('a send that keeps meeting a refusal', () => {
  it('is retried three times, and the fourth refusal surfaces as a one-second rate limit', async () => {
    store.refusals = 10;
    const error = await send(fresh(), sid('F')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExternalIdPendingError);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 1 });
    expect(store.admissions).toBe(4);
    expect(recorder.sent).toHaveLength(0);
  });

  it('sends on the fourth try after three refusals', async () => {
    store.refusals = 3;
    const to = fresh();
    const id = sid('T');
    const { external } = await send(to, id);
    expect(external.id).toBe(id);
    expect(store.admissions).toBe(4);
    expect(recorder.sent.map((message) => message.to)).toEqual([to]);
  });

  it('is not retried for any other failure: a failed delivery is tried once and surfaces', async () => {
    recorder.failNext = true;
    const to = fresh();
    await expect(send(to, sid('D'))).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(store.admissions).toBe(1);
    expect(recorder.sent).toHaveLength(1);
  });
});

describe('an id that is no longer current', () => {
  it('is not found once a new id replaced it after approval', async () => {
    const to = fresh();
    const first = sid('A');
    await send(to, first);
    expect((await engine.checkByExternalId(tenant, first, recorder.code(to))).status).toBe('approved');
    now += 61_000;
    const second = sid('B');
    await send(to, second);
    await expect(engine.getByExternalId(tenant, first)).rejects.toBeInstanceOf(NotFoundError);
    expect(await engine.getByExternalId(tenant, second)).toMatchObject({ id: second, state: 'pending' });
  });

  it('is not found once a send without an id (another dialect) took the address and purpose', async () => {
    const to = fresh();
    const id = sid('O');
    await send(to, id);
    now += 61_000;
    await engine.sendCode({ tenant, channel: 'email', to, purpose: 'general' });
    await expect(engine.getByExternalId(tenant, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.endByExternalId(tenant, id, 'canceled')).rejects.toBeInstanceOf(NotFoundError);
    // The other send's code is untouched by the refused cancel.
    expect(await statusByName(to)).toBe('approved');
  });

  it('is not found, by every path, when it was never issued', async () => {
    const id = sid('N');
    await expect(engine.getByExternalId(tenant, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.checkByExternalId(tenant, id, '123456')).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.endByExternalId(tenant, id, 'approved')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('stored items this version would not write', () => {
  it('a lookup naming an unknown channel is not found, by every path, and spends nothing', async () => {
    const to = fresh();
    const id = sid('C');
    await send(to, id);
    await update(lookupKey(id), 'SET channel = :fax', { ':fax': 'fax' });
    await expect(engine.getByExternalId(tenant, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.checkByExternalId(tenant, id, recorder.code(to))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(engine.endByExternalId(tenant, id, 'canceled')).rejects.toBeInstanceOf(NotFoundError);
    expect(await statusByName(to)).toBe('approved');
  });

  it('a lookup without its sealed address is not found (never a TypeError)', async () => {
    const to = fresh();
    const id = sid('U');
    await send(to, id);
    await update(lookupKey(id), 'REMOVE sealed');
    await expect(engine.getByExternalId(tenant, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.checkByExternalId(tenant, id, recorder.code(to))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('a lookup whose address item is gone is not found (never a TypeError)', async () => {
    const id = sid('G');
    await send(fresh(), id);
    await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: await addressKeyOf(id) }));
    await expect(engine.getByExternalId(tenant, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.endByExternalId(tenant, id, 'approved')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("createdAt is the address item's issue time, else the lookup's; updatedAt the stored one, else the latest of those and the attempts", async () => {
    const id = sid('W');
    await send(fresh(), id);
    const issued = now;
    const address = await addressKeyOf(id);
    // The item's own issue time wins over the lookup's.
    await update(lookupKey(id), 'SET createdAt = :earlier', { ':earlier': issued - 5000 });
    expect(await engine.getByExternalId(tenant, id)).toMatchObject({ createdAt: issued, updatedAt: issued });
    // An item without an issue time, update time or attempt records falls back to the lookup's time.
    await update(address, 'REMOVE tc_general, ta_general, tu_general');
    expect(await engine.getByExternalId(tenant, id)).toMatchObject({
      createdAt: issued - 5000,
      updatedAt: issued - 5000,
      attempts: [],
    });
    // A lookup without one reads as the epoch rather than failing.
    await update(lookupKey(id), 'REMOVE createdAt');
    expect(await engine.getByExternalId(tenant, id)).toMatchObject({ createdAt: 0, updatedAt: 0 });
  });
});

describe('ending a verification by its id', () => {
  it('reports each end once, with the masked address, and nothing for an end that found no pending one', async () => {
    const events: EngineEvent[] = [];
    const observed = createEngine({ ...ports, observe: (event) => events.push(event) });
    const [canceled, approved] = [fresh(), fresh()];
    const [cancelId, approveId] = [sid('X'), sid('Y')];
    await send(canceled, cancelId);
    await send(approved, approveId);
    await observed.endByExternalId(tenant, cancelId, 'canceled');
    await observed.endByExternalId(tenant, approveId, 'approved');
    // Ended already: not found, and no second report.
    await expect(observed.endByExternalId(tenant, cancelId, 'approved')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const ended = (to: string, status: 'canceled' | 'approved') => ({
      type: 'verification_ended',
      tenant: tenant.id,
      channel: 'email',
      purpose: 'general',
      to: maskAddress('email', to),
      status,
    });
    expect(events).toEqual([ended(canceled, 'canceled'), ended(approved, 'approved')]);
    expect(JSON.stringify(events)).not.toContain(canceled);
  });

  it('needs no observer', async () => {
    const id = sid('Z');
    await send(fresh(), id);
    // `ports` has none.
    await expect(engine.endByExternalId(tenant, id, 'canceled')).resolves.toMatchObject({ id });
  });
});

describe('times', () => {
  it('a send answers the times it stored, not the clock after a slow delivery; so does its resend', async () => {
    const to = fresh();
    const id = sid('T');
    recorder.during = () => {
      now += 1_500;
    };
    const issued = now;
    const first = await send(to, id);
    expect(first.external).toMatchObject({ createdAt: issued, attempts: [{ at: issued }] });
    const stored = await engine.getByExternalId(tenant, id);
    expect([stored.createdAt, stored.attempts]).toEqual([first.external.createdAt, first.external.attempts]);
    now += 61_000; // past the cooldown: a resend of the pending id
    const resentAt = now;
    const again = await send(to, sid('R'));
    expect(again.external.id).toBe(id);
    expect(again.external.attempts.map((attempt) => attempt.at)).toEqual([issued, resentAt]);
    const after = await engine.getByExternalId(tenant, id);
    expect([after.createdAt, after.attempts]).toEqual([again.external.createdAt, again.external.attempts]);
  });
});
