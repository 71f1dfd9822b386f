// Secondary adapter: the pumping guard's items (engine/pumping-guard.ts decides; this file writes). Two items ride
// in every phone send's admission transaction, each a conditional Update, so a send stays one round trip:
//
//   GUARD#{tenant}#{country}#{keyed prefix} / GUARD   per number prefix: u unverified sends (sends minus approvals),
//        s sends, w start of the counting window, fl the floor the engine raised, bu blocked until (enforce),
//        mbu would-be-blocked until (monitor), off offences, lb last block, safe (operator's safe list), c country,
//        shown the prefix with its last digits masked, ch the channel that tripped it
//   GUARD#{tenant}#spend#{UTC day} / SPEND          per tenant and day, micro-USD: uu unverified spend,
//        vu verified spend, lim the ceiling on uu (base + share of vu), s_{CC}/v_{CC} sends and approvals per country
//
// A number's own exemption lives in its address partition: ADDR#… / VERIFIED#guard (a code to it was entered,
// kept 90 days) and ADDR#… / GUARD_SAFE (an operator's safe-listed number); prefix-guard-store.ts writes and
// reads those, and what an entered code takes back.

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Item, seconds, type Table } from './address-item.ts';
import { dynamoFault } from './client.ts';

/** How long a prefix item is kept after its last write: long enough to remember a repeat offender. */
export const PREFIX_RETENTION_SECONDS = 30 * 24 * 3600;
/** The verified mark's sort key in the address partition. */
export const GUARD_VERIFIED_SK = 'VERIFIED#guard';
/** A safe-listed number's item in its address partition. */
export const GUARD_SAFE_SK = 'GUARD_SAFE';

/** Which prefix item: tenant, country, keyed hash of the prefix (engine/pumping-guard.ts prefixOf). */
export interface PrefixRef {
  tenantId: string;
  country: string;
  key: string;
}

/** What one phone send adds to the guard's items (built by the engine). */
export interface GuardAdmission {
  prefix: PrefixRef;
  /** The prefix as operators may see it: its last digits masked. */
  shown: string;
  channel: string;
  /** The small absolute floor: below it the prefix is never refused for its unverified count. */
  minFloor: number;
  /** `enforce` refuses a blocked prefix; `monitor` refuses only to let the engine record what it would block. */
  mode: 'enforce' | 'monitor';
  /** A number verified in the last 90 days or safe-listed: counted, never refused. */
  exempt: boolean;
  /** This send's price in micro-USD, the day's bucket, and the ceiling's base (micro-USD). */
  spend: { micros: number; day: number; baseMicros: number };
}

export const prefixKey = ({ tenantId, country, key }: PrefixRef) => ({
  pk: `GUARD#${tenantId}#${country}#${key}`,
  sk: 'GUARD',
});

export const spendKey = (tenantId: string, day: number) => ({
  pk: `GUARD#${tenantId}#spend#${day}`,
  sk: 'SPEND',
});

/** The prefix item's share of an admission: one more unverified send, if the prefix is not blocked or at its floor. */
export function prefixUpdate(tableName: string, guard: GuardAdmission, now: number) {
  const open = 'attribute_not_exists(u) OR u < :min OR u < fl';
  const condition =
    guard.mode === 'enforce'
      ? `attribute_exists(safe) OR ((attribute_not_exists(bu) OR bu <= :now) AND (${open}))`
      : `attribute_exists(safe) OR mbu > :now OR ${open}`;
  return {
    TableName: tableName,
    Key: prefixKey(guard.prefix),
    UpdateExpression:
      'ADD u :one, s :one SET w = if_not_exists(w, :now), c = :c, shown = :shown, #ttl = :ttl',
    ...(guard.exempt ? {} : { ConditionExpression: condition }),
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: {
      ':one': 1,
      ':now': now,
      ':c': guard.prefix.country,
      ':shown': guard.shown,
      ':ttl': seconds(now) + PREFIX_RETENTION_SECONDS,
      ...(guard.exempt ? {} : { ':min': guard.minFloor }),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** The day's spend item's share: this send's price as unverified spend, while that is below the ceiling. */
export function spendUpdate(tableName: string, guard: GuardAdmission) {
  const { day, micros, baseMicros } = guard.spend;
  const enforce = guard.mode === 'enforce' && !guard.exempt;
  return {
    TableName: tableName,
    Key: spendKey(guard.prefix.tenantId, day),
    UpdateExpression: 'ADD uu :price, #sc :one SET resetAt = :resetAt, #ttl = :ttl',
    ...(enforce ? { ConditionExpression: 'attribute_not_exists(uu) OR uu < :base OR uu < lim' } : {}),
    ExpressionAttributeNames: { '#ttl': 'ttl', '#sc': `s_${guard.prefix.country}` },
    ExpressionAttributeValues: {
      ':price': micros,
      ':one': 1,
      ':resetAt': (day + 1) * 86_400_000,
      ':ttl': seconds((day + 1) * 86_400_000) + 7 * 24 * 3600,
      ...(enforce ? { ':base': baseMicros } : {}),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** A conditional update of the prefix item the engine decided on; false when another writer got there first. */
async function decide(
  table: Table,
  prefix: PrefixRef,
  update: UpdateSpec,
): Promise<Item | undefined | false> {
  try {
    const out = await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: prefixKey(prefix),
        ...update,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw dynamoFault(error);
  }
}

interface UpdateSpec {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** Raises the prefix's floor to `floor` (never lowers it): concurrent deciders converge on the highest. */
export function raiseFloor(table: Table, prefix: PrefixRef, floor: number) {
  return decide(table, prefix, {
    UpdateExpression: 'SET fl = :fl',
    ConditionExpression: 'attribute_not_exists(fl) OR fl < :fl',
    ExpressionAttributeValues: { ':fl': floor },
  });
}

/** Starts a new counting window if the one read (`w`) is still the item's: an old quiet prefix starts afresh. */
export function restartWindow(table: Table, prefix: PrefixRef, seenWindow: number, now: number) {
  return decide(table, prefix, {
    UpdateExpression: 'SET w = :now, u = :zero, s = :zero REMOVE fl',
    ConditionExpression: 'w = :seen',
    ExpressionAttributeValues: { ':now': now, ':zero': 0, ':seen': seenWindow },
  });
}

/**
 * Blocks the prefix until `until` (enforce: `bu`; monitor: `mbu`, which only records), counts the offence and
 * starts a new window, so the next one is judged afresh. Only one of concurrent deciders blocks: the condition
 * is that the prefix is not blocked already.
 */
export function blockPrefix(
  table: Table,
  prefix: PrefixRef,
  input: { until: number; now: number; channel: string; monitor: boolean },
) {
  const field = input.monitor ? 'mbu' : 'bu';
  return decide(table, prefix, {
    UpdateExpression: `SET #b = :until, lb = :now, ch = :ch, w = :now, u = :zero, s = :zero, ${input.monitor ? 'moff' : 'off'} = if_not_exists(${input.monitor ? 'moff' : 'off'}, :zero) + :one REMOVE fl`,
    ConditionExpression: 'attribute_not_exists(#b) OR #b <= :now',
    ExpressionAttributeNames: { '#b': field },
    ExpressionAttributeValues: {
      ':until': input.until,
      ':now': input.now,
      ':ch': input.channel,
      ':zero': 0,
      ':one': 1,
    },
  });
}

/** The guard refused an admission: which of its items, and that item as it was (engine/pumping-guard.ts decides). */
export class GuardRefusal extends Error {
  constructor(
    readonly which: 'prefix' | 'spend',
    readonly item: Item | undefined,
  ) {
    super(`send refused by the pumping guard's ${which} item`);
    this.name = 'GuardRefusal';
  }
}

/** The guard's refusal of a cancelled admission, when only its items refused (any other limit speaks first). */
export function guardRefusal(
  reasons: { code: string; item?: Item }[],
  scopes: string[],
): GuardRefusal | undefined {
  const failed = reasons.flatMap((reason, at) =>
    reason.code === 'ConditionalCheckFailed' ? [scopes[at]] : [],
  );
  if (failed.length === 0 || failed.some((scope) => scope !== 'guard' && scope !== 'spend')) return undefined;
  const which = failed.includes('guard') ? 'guard' : 'spend';
  return new GuardRefusal(which === 'guard' ? 'prefix' : 'spend', reasons[scopes.indexOf(which)]?.item);
}
