// The lifecycle events' vocabulary: their types, EventBridge source and detail-type, and the `detail` shape. Below
// lifecycle.ts and every module that derives events (guard-events.ts), so none of them imports another's.
import type { Channel, Purpose } from '../domain/vocabulary.ts';

/** Every lifecycle event's `detail.type`. */
export const EVENT_TYPES = {
  sent: 'verification.sent',
  approved: 'verification.approved',
  failed: 'verification.failed',
  canceled: 'verification.canceled',
  linkConfirmed: 'link.confirmed',
  grantRedeemed: 'grant.redeemed',
  suppressed: 'address.suppressed',
  pumpingBlocked: 'pumping.blocked',
} as const;

export type LifecycleType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** EventBridge `source` and `detail-type` of every lifecycle event; rules tell them apart by `detail.type`. */
export const EVENT_SOURCE = 'codegate';
export const EVENT_DETAIL_TYPE = 'Codegate Lifecycle Event';

/**
 * One event (its EventBridge `detail`): masked address only — never a code, a token, a hash or a full address.
 * `verificationId` is the id the send returned (GET /v1/verifications/{id}).
 */
export interface LifecycleEvent {
  type: LifecycleType;
  tenant?: string;
  channel: Channel;
  purpose?: Purpose;
  verificationId?: string;
  to: string;
  /**
   * Failed: `max_attempts` or `delivery_failed`. Suppressed: bounce, complaint, transient_bounce, operator,
   * not_on_whatsapp, unanswered, call_failed (lib/store/suppressions.ts).
   */
  reason?: string;
  /** Pumping blocked: until when (ISO 8601); `reason` is `enforce` or `monitor` (would have blocked). */
  until?: string;
  occurredAt: string;
}
