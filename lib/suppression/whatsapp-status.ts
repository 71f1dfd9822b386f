// Primary-adapter parsing: WhatsApp message statuses as AWS End User Messaging Social publishes them to a
// WhatsApp Business Account's event destination (an SNS topic), read into what the suppression list needs.
//
// Why the SNS destination and not EventBridge: the EventBridge "WhatsApp Message Failed" event carries the
// WABA, the business number, a message id and Meta's errors (e.g. 131026), but not the recipient
// (social-messaging user guide, monitor-event-bridge.html), so it cannot name the number to suppress. The
// event destination's message carries Meta's webhook as it came (user guide,
// managing-event-destination-dlrs.html): an AWS header (`context` with the WABA and phone number ids) and
// `whatsAppWebhookEntry`, a JSON string of Meta's entry, whose status objects have `status`, `recipient_id`
// (the recipient's number, digits with the country code) and, for `failed`, `errors[]` with Meta's `code`
// (Meta, "Status messages webhook reference"; AWS: "If your customer has not signed up for WhatsApp, an event
// is generated with a message status of fail", whatsapp-send-message.html).
import * as z from 'zod';

/**
 * Meta's error codes that mean the number cannot receive WhatsApp messages: 131026 "Message undeliverable"
 * (the number is not a WhatsApp number, its user has not accepted WhatsApp's current terms, or runs a WhatsApp
 * too old, per Meta's "WhatsApp error codes"). Other failures (template, throttling, payment, policy: about the
 * business, not the number) suppress nothing.
 */
export const NOT_ON_WHATSAPP_CODES: readonly number[] = [131026];

const error = z.object({
  code: z.coerce.number().int(),
  title: z.string().max(200).optional(),
});

const status = z.object({
  id: z.string().max(256).optional(),
  status: z.string().min(1).max(32),
  recipient_id: z.string().max(32).optional(),
  errors: z.array(error).max(20).optional(),
});

const entry = z.object({
  id: z.string().max(64).optional(),
  changes: z
    .array(
      z.object({
        field: z.string().max(64).optional(),
        value: z.object({ statuses: z.array(status).max(100).optional() }),
      }),
    )
    .max(100),
});

const header = z.object({
  whatsAppWebhookEntry: z.string().min(2).max(262_144),
  messageId: z.string().max(128).optional(),
});

/** One failed message: the recipient's number in E.164 (never log it) and Meta's codes. */
export interface WhatsAppFailure {
  to: string;
  /** Meta said the number cannot receive WhatsApp messages (NOT_ON_WHATSAPP_CODES). */
  notOnWhatsApp: boolean;
  /** Meta's codes and titles, for logs (e.g. `131026 Message undeliverable`). */
  detail: string;
  messageId?: string;
}

/** One event destination message: its failed statuses and how many others it had, or why it was dropped. */
export type WhatsAppFeedback =
  | { kind: 'statuses'; failures: WhatsAppFailure[]; others: number; unreadable: number }
  | { kind: 'dropped'; why: string };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads one event destination message (the SNS message text, or it parsed). Inbound messages and template
 * updates have no statuses and read as zero of each; a message that is not the documented shape is `dropped`
 * with a reason that names no number. A failed status without a readable recipient counts as `unreadable`.
 */
export function readWhatsAppStatuses(input: unknown): WhatsAppFeedback {
  const body = typeof input === 'string' ? parseJson(input) : input;
  const wrapped = header.safeParse(body);
  if (!wrapped.success) return { kind: 'dropped', why: 'not a WhatsApp event destination message' };
  const parsed = entry.safeParse(parseJson(wrapped.data.whatsAppWebhookEntry));
  if (!parsed.success) return { kind: 'dropped', why: 'malformed whatsAppWebhookEntry' };
  const failures: WhatsAppFailure[] = [];
  let others = 0;
  let unreadable = 0;
  for (const change of parsed.data.changes) {
    for (const item of change.value.statuses ?? []) {
      if (item.status !== 'failed') {
        others++;
        continue;
      }
      const digits = item.recipient_id?.replace(/^\+/, '');
      if (!digits || !/^\d{6,17}$/.test(digits)) {
        unreadable++;
        continue;
      }
      const errors = item.errors ?? [];
      failures.push({
        to: `+${digits}`,
        notOnWhatsApp: errors.some((e) => NOT_ON_WHATSAPP_CODES.includes(e.code)),
        detail: errors.map((e) => [e.code, e.title].filter(Boolean).join(' ')).join(', ') || 'failed',
        ...(item.id ? { messageId: item.id } : {}),
      });
    }
  }
  return { kind: 'statuses', failures, others, unreadable };
}
