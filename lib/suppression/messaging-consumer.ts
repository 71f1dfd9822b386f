// Use case: acting on WhatsApp and voice outcomes, as the SES loop acts on bounces. A number WhatsApp reports
// as undeliverable is suppressed on `whatsapp` for 30 days; a call that is busy or never answered suppresses
// the number on `voice` for an hour, a failed call for a day. Everything else is logged and suppresses
// nothing.
import { maskPhone } from '../mask.ts';
import {
  consumeSesNotification,
  type FeedbackOutcome,
  type FeedbackPorts,
  suppressFromFeedback,
} from './consumer.ts';
import { readVoiceEvent, SMS_VOICE_SOURCE } from './sms-voice-event.ts';
import { readWhatsAppStatuses } from './whatsapp-status.ts';

const DAY = 24 * 3600;

/**
 * A number WhatsApp reports undeliverable (Meta 131026: not on WhatsApp, terms not accepted, app too old)
 * stays suppressed on WhatsApp for 30 days: every further template to it would fail the same way (and Meta
 * may still count it), yet its user may install or update WhatsApp later, so it lapses rather than staying
 * for good. SMS and calls to the number are not affected.
 */
export const NOT_ON_WHATSAPP_SUPPRESSION_SECONDS = 30 * DAY;

/**
 * A busy or unanswered call suppresses calls to the number for an hour, as a transient bounce does mail
 * (TRANSIENT_SUPPRESSION_SECONDS): each unanswered call is paid for and disturbs whoever holds the phone; an
 * hour later the user can ask for a call again, and SMS or WhatsApp meanwhile.
 */
export const UNANSWERED_CALL_SUPPRESSION_SECONDS = 3600;

/**
 * A failed call (VOICE_FAILED) suppresses calls for a day. AWS documents it only as "the message fails to be
 * delivered" — a disconnected or unreachable number, or a carrier fault — so it is not proof enough for a
 * permanent suppression; a day stops paying for calls to a dead number while a user hit by a passing fault
 * can ask for a call again tomorrow (an operator can lift it at once with `npm run suppressions -- remove`).
 */
export const FAILED_CALL_SUPPRESSION_SECONDS = DAY;

/**
 * Consumes one "Voice Message Delivery Status Updated" event. Malformed events and events without the number
 * are logged and dropped (never thrown); only a store fault throws, so EventBridge retries the delivery.
 */
export async function consumeVoiceEvent(ports: FeedbackPorts, input: unknown): Promise<FeedbackOutcome> {
  const feedback = readVoiceEvent(input);
  if (feedback.kind === 'dropped') {
    ports.log('warn', 'voice event dropped', { why: feedback.why });
    return { suppressed: 0, dropped: feedback.why };
  }
  if (feedback.kind === 'ignored') {
    ports.log('info', 'voice event needs no suppression', {
      detail: feedback.detail,
      tenant: feedback.tenant,
    });
    return { suppressed: 0 };
  }
  const failed = feedback.kind === 'failed';
  const changed = await suppressFromFeedback(
    ports,
    'voice',
    feedback.to,
    {
      reason: failed ? 'call_failed' : 'unanswered',
      source: 'sms-voice',
      tenant: feedback.tenant,
      seconds: failed ? FAILED_CALL_SUPPRESSION_SECONDS : UNANSWERED_CALL_SUPPRESSION_SECONDS,
    },
    { detail: feedback.detail, tenant: feedback.tenant },
  );
  return { suppressed: changed ? 1 : 0 };
}

/**
 * Consumes one message of the WhatsApp Business Account's event destination. Statuses other than `failed`
 * (sent, delivered, read), inbound messages and unreadable messages suppress nothing; failures that are about
 * the business (template, throttling, payment) are logged as warnings, since they fail every recipient.
 */
export async function consumeWhatsAppEvent(ports: FeedbackPorts, input: unknown): Promise<FeedbackOutcome> {
  const feedback = readWhatsAppStatuses(input);
  if (feedback.kind === 'dropped') {
    ports.log('warn', 'whatsapp event dropped', { why: feedback.why });
    return { suppressed: 0, dropped: feedback.why };
  }
  if (feedback.unreadable > 0) {
    ports.log('warn', 'whatsapp failed status without a readable recipient', { count: feedback.unreadable });
  }
  let suppressed = 0;
  for (const failure of feedback.failures) {
    if (!failure.notOnWhatsApp) {
      ports.log('warn', 'whatsapp message failed; nothing suppressed', {
        to: maskPhone(failure.to),
        detail: failure.detail,
      });
      continue;
    }
    const changed = await suppressFromFeedback(
      ports,
      'whatsapp',
      failure.to,
      { reason: 'not_on_whatsapp', source: 'social-messaging', seconds: NOT_ON_WHATSAPP_SUPPRESSION_SECONDS },
      { detail: failure.detail },
    );
    if (changed) suppressed++;
  }
  return { suppressed };
}

interface SnsRecord {
  EventSource?: unknown;
  Sns?: { Message?: unknown };
}

/**
 * The `delivery-feedback` function's one entry: an SNS delivery (WhatsApp statuses from the event destination
 * topic), an `aws.sms-voice` event (call outcomes), else an SES notification (which drops anything it does
 * not know).
 */
export async function consumeFeedback(ports: FeedbackPorts, input: unknown): Promise<FeedbackOutcome> {
  const records = (input as { Records?: unknown } | null)?.Records;
  if (Array.isArray(records)) {
    let suppressed = 0;
    for (const record of records as SnsRecord[]) {
      if (record?.EventSource !== 'aws:sns' || typeof record.Sns?.Message !== 'string') {
        ports.log('warn', 'feedback record dropped', { why: 'not an SNS record' });
        continue;
      }
      suppressed += (await consumeWhatsAppEvent(ports, record.Sns.Message)).suppressed;
    }
    return { suppressed };
  }
  if ((input as { source?: unknown } | null)?.source === SMS_VOICE_SOURCE)
    return consumeVoiceEvent(ports, input);
  return consumeSesNotification(ports, input);
}
