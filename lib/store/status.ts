// Secondary adapter: reading verifications back for the status APIs (by id, and by address).

import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Purpose } from '../domain/vocabulary.ts';
import { type AddressRef, addressKey, stateOf, type Table, type VerificationView } from './address-item.ts';
import { dynamoFault } from './client.ts';

/**
 * The latest verification for (address, purpose) and when a link last confirmed the address for that
 * purpose, in one Query over the address's partition — each only if it was for `spelling` of the mailbox
 * (undefined: the mailbox itself). Undefined when neither exists.
 */
export async function findVerification(
  table: Table,
  address: AddressRef,
  purpose: Purpose,
  now: number,
  maxAttempts: number,
  spelling?: string,
) {
  const { Items = [] } = await table.db
    .send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': addressKey(address).pk },
      }),
    )
    .catch((error: unknown) => {
      throw dynamoFault(error);
    });
  const item = Items.find((entry) => entry.sk === 'ADDR' && entry[`e_${purpose}`] === spelling);
  const mark = Items.find((entry) => entry.sk === `VERIFIED#${purpose}` && entry.spelling === spelling);
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

/** Reads one verification for the status API; undefined when the nonce does not match (superseded or unknown). */
export async function getVerification(
  table: Table,
  address: AddressRef,
  purpose: Purpose,
  nonce: string,
  now: number,
  maxAttempts: number,
): Promise<VerificationView | undefined> {
  const { Item } = await table.db
    .send(new GetCommand({ TableName: table.tableName, Key: addressKey(address) }))
    .catch((error: unknown) => {
      throw dynamoFault(error);
    });
  if (!Item || Item[`i_${purpose}`] !== nonce) return undefined;
  return {
    state: stateOf(Item, purpose, now, maxAttempts),
    masked: String(Item.m ?? ''),
    expiresAt: Number(Item[`x_${purpose}`] ?? 0),
  };
}
