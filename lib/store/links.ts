// Secondary adapter: mailed links and the one-time grants a confirmed link issues, each one conditional write.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Purpose } from '../domain/vocabulary.ts';
import {
  type AddressRef,
  addressKey,
  cancellationReasons,
  seconds,
  type Table,
  VERIFIED_RETENTION_SECONDS,
} from './address-item.ts';
import { dynamoFault } from './client.ts';

export interface ConsumeLinkInput {
  address: AddressRef;
  purpose: Purpose;
  linkHash: string;
  now: number;
  retentionSeconds: number;
  /** Also store a one-time grant's keyed hash, valid until `expiresAt` ms (replaces an earlier one). */
  grant?: { hash: string; expiresAt: number };
}

/**
 * Confirms a link: one conditional write that requires the live link hash, then removes link and code
 * and records when the address was verified. Returns false when refused.
 * Link tokens carry 256 bits, so comparing their keyed hashes inside DynamoDB leaks nothing useful.
 */
export async function consumeLink(table: Table, input: ConsumeLinkInput): Promise<boolean> {
  const grant = input.grant;
  const key = addressKey(input.address);
  try {
    await table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table.tableName,
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
              TableName: table.tableName,
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

export interface RedeemGrantInput {
  address: AddressRef;
  purpose: Purpose;
  grantHash: string;
  now: number;
}

/**
 * Redeems a one-time grant: one conditional write removes it if its keyed hash matches and it is
 * live, so it succeeds once. Grant tokens carry 256 bits, like link tokens.
 */
export async function redeemGrant(table: Table, input: RedeemGrantInput): Promise<boolean> {
  try {
    await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
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
