// Local-only stand-in for the stack's event bus: the lifecycle events the local stream poller derived, as
// EventBridge would deliver them, for `GET /_local/events`.
import { randomUUID } from 'node:crypto';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, type LifecycleEvent } from './lifecycle.ts';

/** One event as a rule's target would receive it. */
export interface BusEvent {
  id: string;
  source: typeof EVENT_SOURCE;
  'detail-type': typeof EVENT_DETAIL_TYPE;
  time: string;
  detail: LifecycleEvent;
}

/** Keeps the newest events in memory (bounded, so a long `npm start` session does not grow forever). */
export class LocalEventBus {
  private readonly events: BusEvent[] = [];

  constructor(private readonly capacity = 1000) {}

  publish(details: LifecycleEvent[]): void {
    for (const detail of details) {
      this.events.push({
        id: randomUUID(),
        source: EVENT_SOURCE,
        'detail-type': EVENT_DETAIL_TYPE,
        time: new Date().toISOString(),
        detail,
      });
    }
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  /** Events newest first, optionally of one tenant and/or one `detail.type`. */
  list(filter: { tenant?: string; type?: string } = {}): BusEvent[] {
    return this.events
      .filter((event) => !filter.tenant || event.detail.tenant === filter.tenant)
      .filter((event) => !filter.type || event.detail.type === filter.type)
      .reverse();
  }

  clear(): void {
    this.events.length = 0;
  }
}

/** The local runtime's bus, shared by the stream poller and the `/_local/events` route. */
export const localEvents = new LocalEventBus();
