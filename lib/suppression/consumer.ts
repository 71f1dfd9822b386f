// Use case: acting on SES feedback. A permanent bounce or a complaint suppresses the address until an operator
// removes it; a transient bounce suppresses it for an hour; a reject (SES found a virus) suppresses nothing.
import { maskEmail } from '../mask.ts';
import type { SuppressionStore } from '../store/suppressions.ts';
import { normalizedAddress, suppressionKey } from './key.ts';
import { readSesNotification } from './ses-notification.ts';

/**
 * How long a transient bounce (mailbox full, message too large, greylisting after SES gave up) keeps an
 * address suppressed: long enough that retries do not keep bouncing, short enough that a user who
 * cleared their mailbox can ask again the same day.
 */
export const TRANSIENT_SUPPRESSION_SECONDS = 3600;

export interface FeedbackPorts {
  store: Pick<SuppressionStore, 'suppress'>;
  pepper: Buffer;
  clock: { now(): number };
  /** Structured log; facts carry masked addresses only. */
  log: (level: 'info' | 'warn', message: string, facts: Record<string, unknown>) => void;
}

export interface FeedbackOutcome {
  /** How many recipients were newly suppressed or had their suppression refreshed. */
  suppressed: number;
  /** Why the notification was dropped, if it was. */
  dropped?: string;
}

/**
 * Consumes one SES notification. Malformed or unknown notifications are logged and dropped (never
 * thrown: a retry could not make them readable); only a store fault throws, so the delivery is retried
 * by its source a bounded number of times.
 */
export async function consumeSesNotification(ports: FeedbackPorts, input: unknown): Promise<FeedbackOutcome> {
  const feedback = readSesNotification(input);
  if (feedback.kind === 'dropped') {
    ports.log('warn', 'ses notification dropped', { why: feedback.why });
    return { suppressed: 0, dropped: feedback.why };
  }
  if (feedback.kind === 'reject') {
    // A reject is about the content (a virus), not the recipient: nothing to suppress, but worth a look.
    ports.log('warn', 'ses rejected a message', { detail: feedback.detail, tenant: feedback.tenant });
    return { suppressed: 0 };
  }
  const now = ports.clock.now();
  let suppressed = 0;
  for (const raw of feedback.recipients) {
    const normalized = normalizedAddress('email', raw);
    if (!normalized) {
      ports.log('warn', 'ses notification recipient unreadable', { kind: feedback.kind });
      continue;
    }
    const masked = maskEmail(normalized);
    const changed = await ports.store.suppress({
      channel: 'email',
      key: suppressionKey(ports.pepper, 'email', normalized),
      reason:
        feedback.kind === 'complaint' ? 'complaint' : feedback.permanent ? 'bounce' : 'transient_bounce',
      at: now,
      masked,
      source: 'ses',
      ...(feedback.tenant ? { tenant: feedback.tenant } : {}),
      ...(feedback.permanent ? {} : { until: now + TRANSIENT_SUPPRESSION_SECONDS * 1000 }),
    });
    if (changed) suppressed++;
    ports.log('info', changed ? 'address suppressed' : 'address already suppressed', {
      to: masked,
      kind: feedback.kind,
      detail: feedback.detail,
      tenant: feedback.tenant,
    });
  }
  return { suppressed };
}
