// Deployment verifier: the lifecycle-events check — wait until the events a run caused arrive, from wherever
// they are read (the stack's bus through a temporary queue, or the local runtime's `/_local/events`).
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, EVENT_TYPES } from '../../../lib/events/lifecycle.ts';
import type { Wait } from './api-checks.ts';
import { type CheckResult, fail, pass } from './report.ts';

/** Which events count: of this tenant and/or this verification id. */
export interface EventFilter {
  tenant?: string;
  verificationId?: string;
}

/** The events a send and an approving check cause (docs/events.md). */
export const EXPECTED_TYPES: readonly string[] = [EVENT_TYPES.sent, EVENT_TYPES.approved];

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

function matches(event: Record<string, unknown>, filter: EventFilter): boolean {
  const detail = record(event.detail);
  if (filter.tenant !== undefined && detail.tenant !== filter.tenant) return false;
  if (filter.verificationId !== undefined && detail.verificationId !== filter.verificationId) return false;
  return true;
}

/** Why an event breaks the contract of docs/events.md (envelope, masked address), or undefined. */
function breach(event: Record<string, unknown>): string | undefined {
  const detail = record(event.detail);
  if (event.source !== EVENT_SOURCE || event['detail-type'] !== EVENT_DETAIL_TYPE)
    return `an event with source "${String(event.source)}" and detail-type "${String(event['detail-type'])}"`;
  if (typeof detail.to !== 'string' || !detail.to.includes('***'))
    return `a ${String(detail.type)} event whose "to" is not masked`;
  return undefined;
}

/**
 * Reads events (`read` may return each event once, as a queue does, or all of them each time) until the
 * run's `verification.sent` and `verification.approved` have arrived, or `wait.timeoutMs` has passed.
 */
export async function checkLifecycleEvents(
  read: () => Promise<unknown[]>,
  filter: EventFilter,
  wait: Wait,
  where: string,
): Promise<CheckResult> {
  const started = wait.clock.now();
  const seen = new Set<string>();
  for (;;) {
    for (const raw of await read()) {
      const event = record(raw);
      if (!matches(event, filter)) continue;
      const problem = breach(event);
      if (problem)
        return fail(
          'lifecycle-events',
          `${where} carried ${problem} — see the lifecycle-events enrichment (lib/events/)`,
        );
      seen.add(String(record(event.detail).type));
    }
    const missing = EXPECTED_TYPES.filter((type) => !seen.has(type));
    const elapsed = Math.round((wait.clock.now() - started) / 1000);
    if (missing.length === 0)
      return pass(
        'lifecycle-events',
        `${EXPECTED_TYPES.join(' and ')} arrived at ${where} (within ${elapsed} s of asking)`,
      );
    if (wait.clock.now() - started >= wait.timeoutMs)
      return fail(
        'lifecycle-events',
        `${missing.join(', ')} did not arrive at ${where} within ${elapsed} s${seen.size ? ` (got ${[...seen].join(', ')})` : ''} — is the pipe RUNNING, and what do the lifecycle-events function's log and the feedback dead-letter queue say?`,
      );
    await wait.clock.sleep(wait.pollMs);
  }
}
