// Secondary adapter: the DynamoDB side of sending a code, one object per container — admission (limits, replay
// and idempotency keys and the new code in one transaction), its withdrawal or settlement, what a refused request
// still spends, and the pumping guard's writes. A sending function's store is this and no more
// (docs/architecture.md, "Bundles"); `VerificationStore` adds checks, links, status, external ids and attempts.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Table } from './address-item.ts';
import { type AdmitSendInput, admitSend, type CounterSpec } from './admission.ts';
import { PrefixGuardStore } from './prefix-guard-store.ts';
import { type ReplayKey, spendCounter, spendReplayKey } from './spend.ts';
import { settleSend, withdrawSend } from './withdrawal.ts';

/** The DynamoDB side of the send use cases. One instance per container. */
export class SendStore {
  protected readonly table: Table;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = { db, tableName };
  }

  /** The pumping guard's reads and writes outside an admission (store/prefix-guard-store.ts). */
  get guard(): PrefixGuardStore {
    return new PrefixGuardStore(this.table);
  }

  /** See {@link admitSend}: limits, replay and idempotency keys and the new code in one transaction. */
  admitSend(input: AdmitSendInput) {
    return admitSend(this.table, input);
  }

  /** See {@link withdrawSend}: a failed delivery leaves no usable code and gives the send slot back. */
  withdrawSend(input: AdmitSendInput) {
    return withdrawSend(this.table, input);
  }

  /** See {@link settleSend}: a delivered send's idempotency record answers replays from now on. */
  settleSend(input: AdmitSendInput) {
    return settleSend(this.table, input);
  }

  /** See {@link spendCounter}: one from a counter outside a send (e.g. an account-existence answer). */
  spendCounter(counter: CounterSpec, now: number) {
    return spendCounter(this.table, counter, now);
  }

  /** See {@link spendReplayKey}: a signed request's nonce used up outside a send. */
  spendReplayKey(replayKey: ReplayKey, now: number) {
    return spendReplayKey(this.table, replayKey, now);
  }
}
