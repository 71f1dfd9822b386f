// Secondary adapter: checking a code. Evaluating a guess and counting the attempt are one conditional write.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Purpose } from '../domain/vocabulary.ts';
import {
  type AddressRef,
  addressKey,
  type CheckOutcome,
  growTtl,
  refusedStatus,
  seconds,
  shiftSlots,
  type Table,
} from './address-item.ts';
import { dynamoFault } from './client.ts';
import { type ExternalView, externalView } from './external-ids.ts';

export interface ConsumeCodeInput {
  address: AddressRef;
  purpose: Purpose;
  codeHash: string;
  now: number;
  maxAttempts: number;
  failureCap: { limit: number; windowSeconds: number };
  retentionSeconds: number;
  matches: (stored: string, given: string) => boolean;
  /** Check only the verification that carries this external id (a Twilio VerificationSid). */
  externalId?: string;
  /** Check only a current verification of this owner (a Twilio service and account): see external-ids.ts. */
  externalOwner?: string;
}

/**
 * Evaluates one guess atomically with counting it: the write adds an attempt and deletes the guessed
 * hash from the code's set, under the conditions that the code is live, has attempts left and the
 * address is not locked by failed checks. The code was right iff the old set held the guess, so
 * concurrent checks can neither exceed the attempt limit nor approve twice.
 */
export async function consumeCode(
  table: Table,
  input: ConsumeCodeInput,
): Promise<CheckOutcome & { external?: ExternalView }> {
  const oldest = `f${input.failureCap.limit - 1}`;
  const byId = input.externalId ? ' AND #t = :extId' : '';
  const byOwner = input.externalOwner === undefined ? '' : ' AND #to = :extOwner';
  const current = byId || byOwner ? ' AND #tn = #i' : '';
  const failEdge = input.now - input.failureCap.windowSeconds * 1000;
  try {
    const result = await table.db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: addressKey(input.address),
        UpdateExpression: 'ADD #n :one DELETE #h :guess',
        ConditionExpression: `attribute_exists(#h) AND #n < :max AND #x > :now AND (attribute_not_exists(${oldest}) OR ${oldest} <= :failEdge)${byId}${byOwner}${current}`,
        ExpressionAttributeNames: {
          '#h': `h_${input.purpose}`,
          '#n': `n_${input.purpose}`,
          '#x': `x_${input.purpose}`,
          ...(input.externalId ? { '#t': `t_${input.purpose}` } : {}),
          ...(input.externalOwner === undefined ? {} : { '#to': `to_${input.purpose}` }),
          ...(current ? { '#tn': `tn_${input.purpose}`, '#i': `i_${input.purpose}` } : {}),
        },
        ExpressionAttributeValues: {
          ':one': 1,
          ':guess': new Set([input.codeHash]),
          ':max': input.maxAttempts,
          ':now': input.now,
          ':failEdge': failEdge,
          ...(input.externalId ? { ':extId': input.externalId } : {}),
          ...(input.externalOwner === undefined ? {} : { ':extOwner': input.externalOwner }),
        },
        // All of the old item, not only the updated attributes: dialects name the verification from it.
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const old = result.Attributes ?? {};
    const stored = old[`h_${input.purpose}`];
    const hashes = stored instanceof Set ? [...stored].map(String) : [];
    const external = externalView(old, input.purpose);
    if (hashes.some((hash) => input.matches(hash, input.codeHash))) {
      const charged = old[`g_${input.purpose}`];
      return { outcome: 'approved', external, ...(typeof charged === 'number' ? { charged } : {}) };
    }
    const used = Number(old[`n_${input.purpose}`] ?? 0) + 1;
    await recordFailure(table, input.address, input.now, input.failureCap.limit, input.retentionSeconds);
    return { outcome: 'wrong', attemptsLeft: Math.max(0, input.maxAttempts - used), external };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
    const item = error.Item ? unmarshall(error.Item) : undefined;
    const external = externalView(item, input.purpose);
    // Checked by external id: a verification that no longer carries it is, for this caller, gone.
    if (input.externalId && external?.id !== input.externalId)
      return { outcome: 'refused', status: 'not_found' };
    // Checked for an owner: another owner's verification (or none current) is, for this caller, gone.
    if (input.externalOwner !== undefined && external?.owner !== input.externalOwner)
      return { outcome: 'refused', status: 'not_found' };
    return { outcome: 'refused', status: refusedStatus(item, input.purpose, input.now), external };
  }
}

/** Shifts the failed-check slots: the rolling per-address failure cap, which re-sending does not reset. */
async function recordFailure(
  table: Table,
  address: AddressRef,
  now: number,
  slots: number,
  retentionSeconds: number,
) {
  const update = {
    TableName: table.tableName,
    Key: addressKey(address),
    UpdateExpression: `SET ${shiftSlots('f', slots, ':now').join(', ')}`,
    ExpressionAttributeValues: {
      ':now': now,
      // A single slot needs no shifting, and DynamoDB refuses unused values.
      ...(slots > 1 ? { ':zero': 0 } : {}),
    },
  };
  try {
    await table.db.send(new UpdateCommand(growTtl(update, seconds(now) + retentionSeconds)));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw dynamoFault(error);
    // The item already lives longer (a link, a grant, another purpose's code): keep its ttl.
    await table.db.send(new UpdateCommand(update)).catch((inner: unknown) => {
      throw dynamoFault(inner);
    });
  }
}
