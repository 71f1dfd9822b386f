// Use case: the pumping guard's lifecycle event, derived like the others from the table's stream — a prefix item
// (store/prefix-guard.ts) whose block (`bu`, enforce) or would-be block (`mbu`, monitor) moved later.
import { CHANNELS, type Channel } from '../domain/vocabulary.ts';
import type { LifecycleEvent } from './event-types.ts';

type Item = Record<string, unknown>;

const PREFIX_PK = /^GUARD#([a-z0-9][a-z0-9-]*)#([A-Z]{2})#/;

/** `pumping.blocked` when a prefix was blocked (or, in monitor mode, would have been); nothing else. */
export function guardEvents(
  next: Item,
  prev: Item,
  occurredAt: string,
  type: LifecycleEvent['type'],
): LifecycleEvent[] {
  const match = PREFIX_PK.exec(String(next.pk));
  if (!match || next.sk !== 'GUARD') return [];
  const events: LifecycleEvent[] = [];
  for (const [field, mode] of [
    ['bu', 'enforce'],
    ['mbu', 'monitor'],
  ] as const) {
    const until = Number(next[field] ?? 0);
    if (until <= Number(prev[field] ?? 0)) continue;
    const channel = CHANNELS.includes(next.ch as Channel) ? (next.ch as Channel) : 'sms';
    events.push({
      type,
      tenant: match[1],
      channel,
      to: String(next.shown ?? '***'),
      reason: mode,
      until: new Date(until).toISOString(),
      occurredAt,
    });
  }
  return events;
}
