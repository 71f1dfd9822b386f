// Primary-adapter parsing: call outcomes of AWS End User Messaging SMS and Voice v2, as it puts them on the
// account's default EventBridge bus, read into what the suppression list needs.
//
// What AWS documents, and this reads:
// - The event: source `aws.sms-voice`, detail-type `Voice Message Delivery Status Updated`, sent directly to
//   the default bus (EventBridge reference, events-ref-sms-voice.html; SMS user guide,
//   monitor-event-bridge.html, whose `detail` "resembles the Example event data",
//   configuration-sets-event-format.html).
// - The event types (SMS user guide, configuration-sets-event-types.html, "Voice events"): VOICE_INITIATED,
//   VOICE_RINGING, VOICE_ANSWERED, VOICE_COMPLETED ("the audio message is played to the recipient"),
//   VOICE_BUSY ("the recipient's phone line is busy"), VOICE_NO_ANSWER ("the call has been placed, but the
//   recipient (or their voicemail system) never answer"), VOICE_FAILED ("the message fails to be delivered"),
//   VOICE_TTL_EXPIRED ("the time required to deliver the message exceeds the TTL").
// - The example event data lists `destinationPhoneNumber` ("the phone number that the message was attempted
//   to be sent to") and `context` (SendVoiceMessage's Context, here {tenant, purpose}:
//   lib/delivery/voice-caller.ts). The EventBridge page's one voice example (VOICE_INITIATED) shows neither,
//   so an event without the number is dropped with a warning, not guessed at (docs/whatsapp-voice.md).
import * as z from 'zod';

export const SMS_VOICE_SOURCE = 'aws.sms-voice';
export const VOICE_DETAIL_TYPE = 'Voice Message Delivery Status Updated';

/** The call outcomes that suppress the number, and how: busy or never answered; failed. */
export const VOICE_OUTCOMES = {
  VOICE_BUSY: 'unanswered',
  VOICE_NO_ANSWER: 'unanswered',
  VOICE_FAILED: 'failed',
} as const satisfies Record<string, 'unanswered' | 'failed'>;

/**
 * The other documented voice event types: the number works (completed, answered, ringing, initiated), or the call
 * was never placed in time (TTL expired), which says nothing about the number. Any other type is `dropped`.
 */
const VOICE_OTHER_EVENT_TYPES: readonly string[] = [
  'VOICE_COMPLETED',
  'VOICE_ANSWERED',
  'VOICE_RINGING',
  'VOICE_INITIATED',
  'VOICE_TTL_EXPIRED',
];

/** The event types the consumer acts on (the stack's rule matches only these). */
export const VOICE_SUPPRESSING_EVENT_TYPES = Object.keys(VOICE_OUTCOMES) as (keyof typeof VOICE_OUTCOMES)[];

const detail = z.object({
  eventType: z.string().min(1).max(64),
  messageId: z.string().max(128).optional(),
  destinationPhoneNumber: z.string().min(1).max(32).optional(),
  // SendVoiceMessage's Context: at most 5 entries (SMS and Voice v2 API reference).
  context: z.record(z.string(), z.string()).optional(),
});

const envelope = z.object({
  source: z.literal(SMS_VOICE_SOURCE),
  'detail-type': z.literal(VOICE_DETAIL_TYPE),
  detail: z.unknown(),
});

/** What one voice event means for the suppression list. `to` is the full number: never log it. */
export type VoiceFeedback =
  | {
      kind: 'unanswered' | 'failed';
      /** The event type as AWS named it, for logs. */
      detail: string;
      to: string;
      tenant?: string;
      messageId?: string;
    }
  | { kind: 'ignored'; detail: string; tenant?: string }
  | { kind: 'dropped'; why: string };

/**
 * Reads one EventBridge event; anything else (another source, a malformed detail) is `dropped`, naming no
 * number.
 */
export function readVoiceEvent(input: unknown): VoiceFeedback {
  const wrapped = envelope.safeParse(input);
  if (!wrapped.success) return { kind: 'dropped', why: 'not a voice delivery status event' };
  const parsed = detail.safeParse(wrapped.data.detail);
  if (!parsed.success) return { kind: 'dropped', why: 'malformed voice delivery status event' };
  const event = parsed.data;
  const tenant = event.context?.tenant;
  const common = { ...(tenant ? { tenant } : {}) };
  const outcome = VOICE_OUTCOMES[event.eventType as keyof typeof VOICE_OUTCOMES];
  if (!outcome) {
    if (VOICE_OTHER_EVENT_TYPES.includes(event.eventType)) {
      return { kind: 'ignored', detail: event.eventType, ...common };
    }
    return { kind: 'dropped', why: `unhandled voice event type ${event.eventType}` };
  }
  if (!event.destinationPhoneNumber) {
    return { kind: 'dropped', why: `${event.eventType} event without destinationPhoneNumber` };
  }
  return {
    kind: outcome,
    detail: event.eventType,
    to: event.destinationPhoneNumber,
    ...common,
    ...(event.messageId ? { messageId: event.messageId } : {}),
  };
}
