// Primary-adapter parsing: SES event publishing records (bounce, complaint, reject), as EventBridge delivers
// them (`detail` is the record SES also publishes to SNS/Firehose), read into what the suppression list needs.
import * as z from 'zod';

const recipient = z.object({ emailAddress: z.string().min(3).max(320) });

const mail = z.object({
  messageId: z.string().optional(),
  // Configuration-set publishing carries the message tags; `tenant` and `purpose` are set by SesMailer.
  tags: z.record(z.string(), z.array(z.string())).optional(),
});

const record = z.discriminatedUnion('eventType', [
  z.object({
    eventType: z.literal('Bounce'),
    mail,
    bounce: z.object({
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(recipient).min(1),
    }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    mail,
    complaint: z.object({
      complainedRecipients: z.array(recipient).min(1),
      complaintFeedbackType: z.string().optional(),
      complaintSubType: z.string().nullable().optional(),
    }),
  }),
  z.object({
    eventType: z.literal('Reject'),
    mail,
    reject: z.object({ reason: z.string().optional() }).optional(),
  }),
]);

const envelope = z.object({ source: z.literal('aws.ses'), 'detail-type': z.string(), detail: z.unknown() });

/** What one SES notification means for the suppression list. Recipients are full addresses: never log them. */
export type SesFeedback =
  | {
      kind: 'bounce' | 'complaint';
      /** Permanent bounces and complaints stay until removed; transient bounces lapse. */
      permanent: boolean;
      /** SES's own words (bounceType/subType, complaint feedback type), for logs. */
      detail: string;
      recipients: string[];
      tenant?: string;
      messageId?: string;
    }
  | { kind: 'reject'; detail: string; tenant?: string; messageId?: string }
  | { kind: 'dropped'; why: string };

const firstTag = (tags: Record<string, string[]> | undefined, name: string) => tags?.[name]?.[0];

/**
 * Reads one SES notification: an EventBridge event from `aws.ses`, or a bare event-publishing record
 * (`eventType`; classic identity notifications name it `notificationType`). Anything else — malformed
 * JSON shapes, deliveries, opens — is `dropped` with a reason that names no address.
 */
export function readSesNotification(input: unknown): SesFeedback {
  const wrapped = envelope.safeParse(input);
  let body: unknown = wrapped.success ? wrapped.data.detail : input;
  if (body && typeof body === 'object' && !('eventType' in body) && 'notificationType' in body) {
    body = { ...body, eventType: (body as { notificationType: unknown }).notificationType };
  }
  const type = body && typeof body === 'object' ? (body as { eventType?: unknown }).eventType : undefined;
  if (typeof type !== 'string') return { kind: 'dropped', why: 'not an SES notification' };
  if (!['Bounce', 'Complaint', 'Reject'].includes(type)) {
    return { kind: 'dropped', why: `unhandled event type ${type.slice(0, 40)}` };
  }
  const parsed = record.safeParse(body);
  if (!parsed.success) return { kind: 'dropped', why: `malformed ${type} notification` };
  const event = parsed.data;
  const tenant = firstTag(event.mail.tags, 'tenant');
  const common = { ...(tenant ? { tenant } : {}), messageId: event.mail.messageId };
  switch (event.eventType) {
    case 'Bounce':
      return {
        kind: 'bounce',
        // Undetermined bounces are not proof that the mailbox is gone: treated like transient ones.
        permanent: event.bounce.bounceType === 'Permanent',
        detail: [event.bounce.bounceType, event.bounce.bounceSubType].filter(Boolean).join('/'),
        recipients: event.bounce.bouncedRecipients.map((entry) => entry.emailAddress),
        ...common,
      };
    case 'Complaint':
      return {
        kind: 'complaint',
        permanent: true,
        detail: event.complaint.complaintFeedbackType ?? event.complaint.complaintSubType ?? 'complaint',
        recipients: event.complaint.complainedRecipients.map((entry) => entry.emailAddress),
        ...common,
      };
    case 'Reject':
      return { kind: 'reject', detail: event.reject?.reason ?? 'rejected', ...common };
  }
}
