// Secondary adapter: mailed links and the one-time grants a confirmed link issues, each one conditional write.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Purpose } from '../domain/vocabulary.ts';
import {
  type AddressRef,
  addressKey,
  cancellationReasons,
  growTtl,
  refusedForTtl,
  seconds,
  type Table,
  VERIFIED_RETENTION_SECONDS,
} from './address-item.ts';
import { dynamoFault } from './client.ts';

export interface ConsumeLinkInput {
  address: AddressRef;
  /** The spelling of the mailbox the link was mailed to (engine/keys.ts `spellingOf`), kept on the mark. */
  spelling?: string;
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
  const confirm = {
    TableName: table.tableName,
    Key: key,
    UpdateExpression: `SET #v = :now${grant ? ', #g = :grant, #gx = :gexp' : ''} REMOVE #k, #h`,
    // The code's hash must still be there: a code already approved has spent the link with it.
    ConditionExpression: '#k = :link AND attribute_exists(#h) AND #x > :now AND attribute_not_exists(#r)',
    ExpressionAttributeNames: {
      '#v': `v_${input.purpose}`,
      '#k': `k_${input.purpose}`,
      '#h': `h_${input.purpose}`,
      '#x': `x_${input.purpose}`,
      '#r': `r_${input.purpose}`,
      ...(grant ? { '#g': `g_${input.purpose}`, '#gx': `gx_${input.purpose}` } : {}),
    },
    ExpressionAttributeValues: {
      ':now': input.now,
      ':link': input.linkHash,
      ...(grant ? { ':grant': grant.hash, ':gexp': grant.expiresAt } : {}),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  const mark = {
    // The durable mark: later sends for this purpose replace the verification, not this.
    Put: {
      TableName: table.tableName,
      Item: {
        pk: key.pk,
        sk: `VERIFIED#${input.purpose}`,
        verifiedAt: input.now,
        ...(input.spelling ? { spelling: input.spelling } : {}),
        ttl: seconds(input.now) + VERIFIED_RETENTION_SECONDS,
      },
    },
  };
  const ttl = seconds(input.now) + input.retentionSeconds;
  for (const update of [growTtl(confirm, ttl), confirm]) {
    try {
      await table.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, mark] }));
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error, 2);
      if (!reasons) throw dynamoFault(error);
      const [address] = reasons;
      // Refused only because the item already lives longer? Then confirm without touching its ttl.
      const ttlOnly = update !== confirm && address && refusedForTtl(address.item, ttl);
      if (!ttlOnly) return false;
    }
  }
  return false;
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
