// Secondary adapter: a dialect's own id for a verification (a Twilio Verify sid), kept beside the code so
// that the id stays the same across resends while the verification is pending, and can be fetched,
// checked, cancelled or approved later.
//
// Address item, per purpose p:  t_p the id; tn_p the nonce of the send that last carried it (the id is
//                               current only while tn_p = i_p, so a send through another dialect leaves
//                               it behind); tc_p when the id was issued; ta_p its send attempts [{a, t}].
//                               to_p who owns it (the dialect's scope: Twilio service and account);
//                               tk_p the pending code sealed by the engine (a resend delivers it again);
//                               tu_p when it last changed; tx_p what the dialect echoes (amount, payee,
//                               tags). A cancel withdraws the code with r_p = 'canceled'.
// EXT#{tenant}#{id} / EXT       the lookup item: address key, channel, purpose, the dialect's fields and
//                               the address sealed by the engine; kept a day past the first expiry.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../domain/errors.ts';
import type { Purpose } from '../domain/vocabulary.ts';
import {
  type AddressRef,
  addressKey,
  type Item,
  sameSpelling,
  stateOf,
  type Table,
  type TransactItem,
  type VerificationState,
} from './address-item.ts';
import type { AttemptRecord } from './attempt-log.ts';
import { dynamoFault } from './client.ts';

export interface ExternalAttempt {
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** The current external id of an address item, when it has one. */
export interface ExternalView {
  id: string;
  createdAt: number;
  attempts: ExternalAttempt[];
  /** Who owns the verification (e.g. Twilio service and account), when recorded. */
  owner?: string;
  /** The pending code sealed by the engine, when recorded: a resend delivers it again. */
  sealedCode?: string;
  /** When the verification last changed (epoch ms), when recorded. */
  updatedAt?: number;
  /** What the dialect echoes (amount, payee, tags), when recorded. */
  extras?: Record<string, string>;
}

/** What a send writes for its external id (`AdmitSendInput.external`). */
export interface ExternalAdmission {
  id: string;
  /** The id is the pending one a refusal reported: keep it (if still pending) and append the attempt. */
  reuse: boolean;
  attempt: ExternalAttempt;
  createdAt: number;
  /** A pending verification keeps its id while it has checks left. */
  maxAttempts: number;
  /** Who owns the verification: a pending one is kept (reused) only for the same owner. */
  owner: string;
  /** New id: the code sealed for a later resend. Reuse: undefined when the pending code is delivered again. */
  sealedCode?: string;
  /** Reuse only: the pending code is delivered again, so its hash, expiry and attempts stay as they are. */
  keepCode: boolean;
  /** New id only: what the dialect echoes (amount, payee, tags). */
  extras?: Record<string, string>;
  /** First send of the id only: the lookup item's attributes, kept until `lookupTtl` (epoch seconds). */
  lookup?: Record<string, unknown>;
  lookupTtl: number;
  /** This send attempt's record in the attempt log (store/attempt-log.ts), under its owner scope. */
  log?: { scope: string; record: AttemptRecord; ttl: number };
}

/** The state of a verification as a dialect with cancellation sees it. */
export type ExternalState = VerificationState | 'canceled';

/**
 * A send found a pending verification with an external id (or found its own id no longer pending):
 * the engine retries with `pending` as the id to keep, or with a fresh id when undefined. Nothing was
 * written. If it ever escapes the retries it reads as a one-second rate limit.
 */
export class ExternalIdPendingError extends DomainError {
  override readonly retryAfterSeconds = 1;

  constructor(readonly pending: ExternalView | undefined) {
    super('rate_limited', 'a verification with an external id is pending');
  }
}

/** What a cancellation writes to the purpose's `r_` field (a failed delivery writes 1). */
export const CANCELED = 'canceled';

const externalNames = (purpose: Purpose) => ({
  '#t': `t_${purpose}`,
  '#tn': `tn_${purpose}`,
  '#tc': `tc_${purpose}`,
  '#ta': `ta_${purpose}`,
  '#to': `to_${purpose}`,
  '#tk': `tk_${purpose}`,
  '#tu': `tu_${purpose}`,
  '#tx': `tx_${purpose}`,
});

/** Pending and current: the id is on the item, bound to its latest send, with a live code and checks left. */
const PENDING = '#tn = #i AND attribute_exists(#h) AND #x > :now AND #n < :extMax';

/** The current external id of an address item for a purpose, if any. */
export function externalView(item: Item | undefined, purpose: Purpose): ExternalView | undefined {
  const id = item?.[`t_${purpose}`];
  if (typeof id !== 'string' || item?.[`tn_${purpose}`] !== item?.[`i_${purpose}`]) return undefined;
  const attempts = Array.isArray(item?.[`ta_${purpose}`]) ? (item[`ta_${purpose}`] as Item[]) : [];
  const text = (name: string) => (typeof item?.[name] === 'string' ? (item[name] as string) : undefined);
  const extras = item?.[`tx_${purpose}`];
  return {
    id,
    createdAt: Number(item?.[`tc_${purpose}`] ?? 0),
    attempts: attempts.map((entry) => ({ id: String(entry.a), at: Number(entry.t) })),
    owner: text(`to_${purpose}`),
    sealedCode: text(`tk_${purpose}`),
    updatedAt: typeof item?.[`tu_${purpose}`] === 'number' ? (item[`tu_${purpose}`] as number) : undefined,
    extras: extras && typeof extras === 'object' ? (extras as Record<string, string>) : undefined,
  };
}

/**
 * The SET clauses, condition, names and values a send's address update gains for its external id. A
 * pending verification is kept only for the spelling it was sent to (`#e`, named by the address update):
 * a send to another spelling of the mailbox starts a verification of its own.
 */
export function externalUpdate(external: ExternalAdmission, purpose: Purpose, spelling?: string) {
  const attempt = [{ a: external.attempt.id, t: external.attempt.at }];
  const names = externalNames(purpose);
  // A pending verification belongs to one owner (Twilio: service and account): another owner's send
  // starts a verification of its own, with its own id, and never reuses (or checks) this one.
  const owned = `#to = :extOwner AND ${sameSpelling(spelling)}`;
  if (external.reuse) {
    const { '#tc': _created, '#tk': _sealed, '#tx': _extras, ...used } = names;
    return {
      set: ['#tn = :nonce', '#tu = :extAt', '#ta = list_append(if_not_exists(#ta, :extNone), :extAttempt)'],
      condition: `#t = :extId AND ${PENDING} AND ${owned}`,
      names: used,
      remove: [] as string[],
      values: {
        ':extId': external.id,
        ':extAt': external.attempt.at,
        ':extAttempt': attempt,
        ':extNone': [],
        ':extMax': external.maxAttempts,
        ':extOwner': external.owner,
      },
    };
  }
  const set = [
    '#t = :extId',
    '#tn = :nonce',
    '#tc = :extCreated',
    '#tu = :extCreated',
    '#ta = :extAttempt',
    '#to = :extOwner',
  ];
  if (external.sealedCode) set.push('#tk = :extSealed');
  if (external.extras) set.push('#tx = :extExtras');
  return {
    set,
    // A pending verification of the same owner keeps its id: a fresh one is refused so the engine can retry with it.
    condition: `NOT (attribute_exists(#t) AND ${PENDING} AND ${owned})`,
    names,
    remove: [...(external.sealedCode ? [] : ['#tk']), ...(external.extras ? [] : ['#tx'])],
    values: {
      ':extId': external.id,
      ':extCreated': external.createdAt,
      ':extAttempt': attempt,
      ':extMax': external.maxAttempts,
      ':extOwner': external.owner,
      ...(external.sealedCode ? { ':extSealed': external.sealedCode } : {}),
      ...(external.extras ? { ':extExtras': external.extras } : {}),
    },
  };
}

/** The lookup item's Put, written in the same transaction as the first send of an id. */
export function lookupPut(table: Table, tenantId: string, external: ExternalAdmission): TransactItem {
  return {
    Put: {
      TableName: table.tableName,
      Item: { ...lookupKey(tenantId, external.id), ...external.lookup, ttl: external.lookupTtl },
    },
  };
}

/** The part of a send's admission (store/admission.ts) that tells a limit from an external-id refusal. */
export interface SendWindow {
  purpose: Purpose;
  now: number;
  cooldownSeconds: number;
  perAddress: { limit: number; windowSeconds: number };
  external?: ExternalAdmission;
}

/**
 * Why an address update that carried an external id was refused, when it was not a rate limit: the
 * item's send slots allowed the send, so the external-id condition refused it.
 */
export function externalRefusal(input: SendWindow, item: Item | undefined): Error | undefined {
  if (!input.external || !item) return undefined;
  const newest = Number(item.s0 ?? 0);
  const oldest = Number(item[`s${input.perAddress.limit - 1}`] ?? 0);
  const cooled = newest <= input.now - input.cooldownSeconds * 1000;
  const windowed = oldest <= input.now - input.perAddress.windowSeconds * 1000;
  if (!cooled || !windowed) return undefined;
  return new ExternalIdPendingError(input.external.reuse ? undefined : externalView(item, input.purpose));
}

const lookupKey = (tenantId: string, id: string) => ({ pk: `EXT#${tenantId}#${id}`, sk: 'EXT' });

/** The lookup item of an external id, if it exists. */
export async function getLookup(table: Table, tenantId: string, id: string): Promise<Item | undefined> {
  const { Item: item } = await table.db
    .send(new GetCommand({ TableName: table.tableName, Key: lookupKey(tenantId, id) }))
    .catch((error: unknown) => {
      throw dynamoFault(error);
    });
  return item;
}

/** The address item, if it exists. */
export async function getAddressItem(table: Table, address: AddressRef): Promise<Item | undefined> {
  const { Item: item } = await table.db
    .send(new GetCommand({ TableName: table.tableName, Key: addressKey(address) }))
    .catch((error: unknown) => {
      throw dynamoFault(error);
    });
  return item;
}

/** The state of the verification behind an address item, with cancellation told apart from failure. */
export function externalState(item: Item, purpose: Purpose, now: number, maxAttempts: number): ExternalState {
  if (item[`r_${purpose}`] === CANCELED) return 'canceled';
  return stateOf(item, purpose, now, maxAttempts);
}

/**
 * Ends a pending verification by its external id in one conditional write: `canceled` withdraws the
 * code, `approved` consumes it (the app verified the user itself). Returns the item as written, or
 * undefined when the id is not current or no longer pending.
 */
export async function endExternal(
  table: Table,
  input: {
    address: AddressRef;
    purpose: Purpose;
    id: string;
    now: number;
    maxAttempts: number;
    owner?: string;
  },
  to: 'canceled' | 'approved',
): Promise<Item | undefined> {
  try {
    const { Attributes } = await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: addressKey(input.address),
        // The sealed code goes with the code: nothing can deliver it again.
        UpdateExpression:
          to === 'canceled'
            ? 'SET #r = :canceled, #tu = :now REMOVE #h, #tk'
            : 'SET #tu = :now REMOVE #h, #tk',
        ConditionExpression: `#t = :extId AND ${PENDING}${input.owner === undefined ? '' : ' AND #to = :extOwner'}`,
        ExpressionAttributeNames: {
          '#t': `t_${input.purpose}`,
          '#tn': `tn_${input.purpose}`,
          '#i': `i_${input.purpose}`,
          '#h': `h_${input.purpose}`,
          '#x': `x_${input.purpose}`,
          '#n': `n_${input.purpose}`,
          '#tu': `tu_${input.purpose}`,
          '#tk': `tk_${input.purpose}`,
          ...(input.owner === undefined ? {} : { '#to': `to_${input.purpose}` }),
          ...(to === 'canceled' ? { '#r': `r_${input.purpose}` } : {}),
        },
        ExpressionAttributeValues: {
          ':extId': input.id,
          ':now': input.now,
          ':extMax': input.maxAttempts,
          ...(input.owner === undefined ? {} : { ':extOwner': input.owner }),
          ...(to === 'canceled' ? { ':canceled': CANCELED } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw dynamoFault(error);
  }
}
