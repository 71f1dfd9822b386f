// Secondary adapter: the pumping guard's writes and reads outside a send's admission, bound to the table — what
// the engine (engine/pumping-guard.ts) calls when the guard refused, and after an entered code.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AddressRef,
  addressKey,
  type Item,
  seconds,
  type Table,
  VERIFIED_RETENTION_SECONDS,
} from './address-item.ts';
import { dynamoFault } from './client.ts';
import {
  blockPrefix,
  GUARD_SAFE_SK,
  GUARD_VERIFIED_SK,
  PREFIX_RETENTION_SECONDS,
  type PrefixRef,
  prefixKey,
  raiseFloor,
  restartWindow,
  spendKey,
} from './prefix-guard.ts';

export type { GuardAdmission, PrefixRef } from './prefix-guard.ts';
export { GuardRefusal } from './prefix-guard.ts';

/** What an approved phone code records: one write (a transaction of three updates), after the approving check. */
export interface GuardApproval {
  prefix: PrefixRef;
  address: AddressRef;
  now: number;
  /** The code's price (micro-USD) and the share of it the ceiling grows by (0–1). */
  micros: number;
  share: number;
  baseMicros: number;
}

/**
 * An entered code: its prefix has one unverified send fewer, the day's verified spend grows (and the ceiling
 * with it), and the number is marked verified for 90 days (never blocked by the guard meanwhile).
 */
export async function recordApproval(table: Table, approval: GuardApproval): Promise<void> {
  const { tableName } = table;
  const day = Math.floor(approval.now / 86_400_000);
  const grow = Math.round(approval.micros * approval.share);
  try {
    await table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: prefixKey(approval.prefix),
              UpdateExpression: 'ADD u :minus, v :one SET #ttl = :ttl',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: {
                ':minus': -1,
                ':one': 1,
                ':ttl': seconds(approval.now) + PREFIX_RETENTION_SECONDS,
              },
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: spendKey(approval.prefix.tenantId, day),
              UpdateExpression:
                'ADD uu :minus, vu :price, #vc :one SET lim = if_not_exists(lim, :base) + :grow, resetAt = :resetAt, #ttl = :ttl',
              ExpressionAttributeNames: { '#ttl': 'ttl', '#vc': `v_${approval.prefix.country}` },
              ExpressionAttributeValues: {
                ':minus': -approval.micros,
                ':price': approval.micros,
                ':one': 1,
                ':base': approval.baseMicros,
                ':grow': grow,
                ':resetAt': (day + 1) * 86_400_000,
                ':ttl': seconds((day + 1) * 86_400_000) + 7 * 24 * 3600,
              },
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: { pk: addressKey(approval.address).pk, sk: GUARD_VERIFIED_SK },
              UpdateExpression: 'SET verifiedAt = :now, #ttl = :ttl',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: {
                ':now': approval.now,
                ':ttl': seconds(approval.now) + VERIFIED_RETENTION_SECONDS,
              },
            },
          },
        ],
      }),
    );
  } catch (error) {
    throw dynamoFault(error);
  }
}

/** What the engine reads when a prefix refuses: the day's figures and the number's own exemption. */
export interface GuardContext {
  spend: Item | undefined;
  verifiedAt: number | undefined;
  safe: boolean;
}

/** Three GetItems side by side (one round trip of latency), only on a refusal by the guard. */
export async function readGuardContext(
  table: Table,
  tenantId: string,
  address: AddressRef,
  now: number,
): Promise<GuardContext> {
  const get = (Key: Record<string, string>) =>
    table.db
      .send(new GetCommand({ TableName: table.tableName, Key }))
      .then((out) => out.Item)
      .catch((error: unknown) => {
        throw dynamoFault(error);
      });
  const pk = addressKey(address).pk;
  const [spend, verified, safe] = await Promise.all([
    get(spendKey(tenantId, Math.floor(now / 86_400_000))),
    get({ pk, sk: GUARD_VERIFIED_SK }),
    get({ pk, sk: GUARD_SAFE_SK }),
  ]);
  return { spend, verifiedAt: verified ? Number(verified.verifiedAt) : undefined, safe: safe !== undefined };
}

export class PrefixGuardStore {
  constructor(private readonly table: Table) {}

  /** See {@link recordApproval}: an entered code, one transaction. */
  recordApproval(approval: GuardApproval) {
    return recordApproval(this.table, approval);
  }

  /** See {@link readGuardContext}: the day's figures and the number's exemption, read on a refusal. */
  context(tenantId: string, address: AddressRef, now: number) {
    return readGuardContext(this.table, tenantId, address, now);
  }

  raiseFloor(prefix: PrefixRef, floor: number) {
    return raiseFloor(this.table, prefix, floor);
  }

  restartWindow(prefix: PrefixRef, seenWindow: number, now: number) {
    return restartWindow(this.table, prefix, seenWindow, now);
  }

  block(prefix: PrefixRef, input: Parameters<typeof blockPrefix>[2]) {
    return blockPrefix(this.table, prefix, input);
  }
}
