// Secondary adapter: the DynamoDB side of the engine, one object per container. Every engine rule that must
// hold under concurrency is one conditional write; the writes live beside this file by concern
// (admission, checks, links, status) and the item layout in address-item.ts. The send path's writes are
// `SendStore`'s (send-store.ts), which a sending function carries alone; this adds the rest.

import type { Purpose } from '../domain/vocabulary.ts';
import type { AddressRef } from './address-item.ts';
import { type AttemptFilter, countAttempts, getAttempt, listAttempts, markConverted } from './attempt-log.ts';
import { type ConsumeCodeInput, consumeCode } from './checks.ts';
import { endExternal, getAddressItem, getLookup } from './external-ids.ts';
import { type ConsumeLinkInput, consumeLink, type RedeemGrantInput, redeemGrant } from './links.ts';
import { SendStore } from './send-store.ts';
import { findVerification, getVerification } from './status.ts';

export type {
  AddressRef,
  CheckOutcome,
  VerificationState,
  VerificationView,
} from './address-item.ts';
export type { AdmitSendInput, CounterSpec, IdempotentReplay } from './admission.ts';
export type { ExternalAdmission, ExternalView } from './external-ids.ts';

/** The DynamoDB side of the whole engine: the send path's writes and every other use case's. One per container. */
export class VerificationStore extends SendStore {
  /** See {@link consumeCode}: one guess, evaluated and counted in one conditional write. */
  consumeCode(input: ConsumeCodeInput) {
    return consumeCode(this.table, input);
  }

  /** See {@link consumeLink}: a mailed link confirmed once, with its durable verified mark. */
  consumeLink(input: ConsumeLinkInput) {
    return consumeLink(this.table, input);
  }

  /** See {@link redeemGrant}: a one-time grant redeemed once. */
  redeemGrant(input: RedeemGrantInput) {
    return redeemGrant(this.table, input);
  }

  /** See {@link findVerification}: the latest verification of an address and its verified mark. */
  findVerification(
    address: AddressRef,
    purpose: Purpose,
    now: number,
    maxAttempts: number,
    spelling?: string,
  ) {
    return findVerification(this.table, address, purpose, now, maxAttempts, spelling);
  }

  /** See {@link getLookup}: the lookup item of a dialect's external id (a Twilio sid). */
  getExternalLookup(tenantId: string, id: string) {
    return getLookup(this.table, tenantId, id);
  }

  /** See {@link getAddressItem}: the address item as stored. */
  getAddressItem(address: AddressRef) {
    return getAddressItem(this.table, address);
  }

  /** See {@link endExternal}: cancels or approves a pending verification by its external id. */
  endExternal(input: Parameters<typeof endExternal>[1], to: 'canceled' | 'approved') {
    return endExternal(this.table, input, to);
  }

  /** See {@link getVerification}: one verification by its nonce. */
  getVerification(address: AddressRef, purpose: Purpose, nonce: string, now: number, maxAttempts: number) {
    return getVerification(this.table, address, purpose, nonce, now, maxAttempts);
  }

  /** See {@link listAttempts}: one owner scope's attempt log, newest first. */
  listAttempts(tenantId: string, scope: string, filter: AttemptFilter, limit: number, after?: string) {
    return listAttempts(this.table, tenantId, scope, filter, limit, after);
  }

  /** See {@link getAttempt}: one logged attempt. */
  getAttempt(tenantId: string, scope: string, id: string) {
    return getAttempt(this.table, tenantId, scope, id);
  }

  /** See {@link countAttempts}: how many attempts match, and how many converted. */
  countAttempts(tenantId: string, scope: string, filter: AttemptFilter) {
    return countAttempts(this.table, tenantId, scope, filter);
  }

  /** See {@link markConverted}: an approved verification's attempts. */
  markConverted(tenantId: string, scope: string, ids: string[], now: number) {
    return markConverted(this.table, tenantId, scope, ids, now);
  }
}
