// Use case: acting on SES feedback. A permanent bounce or a complaint suppresses the address until an operator
// removes it; a transient bounce suppresses it for an hour; a reject (SES found a virus) suppresses nothing.
import type { Channel } from '../domain/vocabulary.ts';
import { maskAddress } from '../mask.ts';
import type { Suppression, SuppressionStore } from '../store/suppressions.ts';
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
  let suppressed = 0;
  for (const raw of feedback.recipients) {
    const changed = await suppressFromFeedback(
      ports,
      'email',
      raw,
      {
        reason:
          feedback.kind === 'complaint' ? 'complaint' : feedback.permanent ? 'bounce' : 'transient_bounce',
        source: 'ses',
        tenant: feedback.tenant,
        ...(feedback.permanent ? {} : { seconds: TRANSIENT_SUPPRESSION_SECONDS }),
      },
      { kind: feedback.kind, detail: feedback.detail, tenant: feedback.tenant },
    );
    if (changed) suppressed++;
  }
  return { suppressed };
}

/**
 * One address a feedback loop reports (an SES recipient, a WhatsApp or call number): normalized and keyed as a send
 * keys it, suppressed for `seconds` (for good without), and logged masked. False when the address is unreadable or
 * the suppression was already there (a lapsing one never shortens a longer one: SuppressionStore.suppress).
 */
export async function suppressFromFeedback(
  ports: FeedbackPorts,
  channel: Channel,
  raw: string,
  entry: Pick<Suppression, 'reason' | 'source' | 'tenant'> & { seconds?: number },
  facts: Record<string, unknown>,
): Promise<boolean> {
  const address = normalizedAddress(channel, raw);
  const noun = channel === 'email' ? 'address' : 'number';
  if (!address) {
    const what = channel === 'email' ? 'ses notification recipient' : `${channel} feedback number`;
    ports.log('warn', `${what} unreadable`, facts);
    return false;
  }
  const masked = maskAddress(channel, address);
  const now = ports.clock.now();
  const changed = await ports.store.suppress({
    channel,
    key: suppressionKey(ports.pepper, channel, address),
    reason: entry.reason,
    at: now,
    masked,
    source: entry.source,
    ...(entry.tenant ? { tenant: entry.tenant } : {}),
    ...(entry.seconds === undefined ? {} : { until: now + entry.seconds * 1000 }),
  });
  ports.log('info', changed ? `${noun} suppressed` : `${noun} already suppressed`, {
    channel,
    to: masked,
    reason: entry.reason,
    ...facts,
  });
  return changed;
}
