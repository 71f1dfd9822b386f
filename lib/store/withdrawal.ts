// Secondary adapter: after a send's delivery. A failed delivery withdraws what the admission wrote (store/
// admission.ts); a delivered one settles its idempotency record, so replays of its key answer with its response.

import {
  addressKey,
  cancellationReasons,
  type Table,
  type TransactItem,
  writeItems,
} from './address-item.ts';
import type { AdmitSendInput } from './admission.ts';
import { dynamoFault } from './client.ts';
import { idempotencyDelete, settleIdempotency } from './idempotency.ts';

/**
 * Withdraws a code whose delivery failed: the code can no longer verify, the recipient's send slot is
 * given back so they may try again at once, and the idempotency record goes in the same write, so the
 * client's retry with the same key sends a new code instead of replaying a success that never was.
 * The per-IP, per-device and budget counters stay spent: a failing provider must not switch the limits
 * off (a flood of bad numbers would otherwise sustain itself), and a timed-out SMS may have been billed.
 */
export async function withdrawSend(table: Table, input: AdmitSendInput): Promise<void> {
  const slots = input.perAddress.limit;
  const back: string[] = [];
  for (let slot = 0; slot < slots - 1; slot++) back.push(`s${slot} = if_not_exists(s${slot + 1}, :zero)`);
  back.push(`s${slots - 1} = :zero`);
  const base = {
    TableName: table.tableName,
    Key: addressKey(input.address),
    ExpressionAttributeNames: {
      '#h': `h_${input.purpose}`,
      '#i': `i_${input.purpose}`,
      '#r': `r_${input.purpose}`,
    },
  };
  const idem =
    input.idempotency && idempotencyDelete(table.tableName, input.address.tenantId, input.idempotency);
  const withIdem = (update: TransactItem): TransactItem[] => (idem ? [update, idem] : [update]);
  try {
    await writeItems(
      table,
      withIdem({
        Update: {
          ...base,
          UpdateExpression: `SET ${back.join(', ')}, #r = :one REMOVE #h`,
          ConditionExpression: '#i = :nonce AND s0 = :now',
          ExpressionAttributeValues: { ':nonce': input.nonce, ':now': input.now, ':zero': 0, ':one': 1 },
        },
      }),
    );
    return;
  } catch (error) {
    if (!cancellationReasons(error, 1 + (idem ? 1 : 0))) throw dynamoFault(error);
  }
  // Another send moved the slots since; still make sure our code and our idempotency record are gone.
  const killCode: TransactItem = {
    Update: {
      ...base,
      UpdateExpression: 'SET #r = :one REMOVE #h',
      ConditionExpression: '#i = :nonce',
      ExpressionAttributeValues: { ':nonce': input.nonce, ':one': 1 },
    },
  };
  for (const item of withIdem(killCode)) {
    await writeItems(table, [item]).catch((error: unknown) => {
      if (!cancellationReasons(error, 1)) throw dynamoFault(error);
    });
  }
}

/** See {@link settleIdempotency}: after a delivery, replays of its key answer with its response. */
export async function settleSend(table: Table, input: AdmitSendInput): Promise<void> {
  if (input.idempotency) await settleIdempotency(table, input.address.tenantId, input.idempotency);
}
