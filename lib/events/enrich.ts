// Use case: one batch of DynamoDB stream records in, the lifecycle events they stand for out. The deployed pipe
// (DynamoDB stream → this enrichment → the event bus) and the local stream poller both run it.
import type { DynamoDBRecord } from 'aws-lambda';
import type { TenantRegistry } from '../tenants/registry.ts';
import { type LifecycleEvent, lifecycleEvents, type MaxAttemptsOf } from './lifecycle.ts';

/** The tenant's attempt limit through the registry (cached per container, so a batch costs one read per tenant). */
export function maxAttemptsFrom(tenants: Pick<TenantRegistry, 'find'>): MaxAttemptsOf {
  return async (tenantId) => (await tenants.find('id', tenantId))?.codes.maxAttempts;
}

/**
 * The most events one enrichment may return: an EventBridge event bus takes at most 10 entries per pipe batch,
 * and a pipe does not invoke its target with a larger array ("if the array is larger than the target supports,
 * the pipe won't invoke the target": EventBridge user guide, Pipes batching and concurrency). The pipe's source
 * batch is this size too (infra/feedback.ts).
 */
export const MAX_EVENTS_PER_BATCH = 10;

/**
 * The events of a batch, in stream order (records of other items stand for none). Each engine write changes one
 * purpose, so a record stands for at most one event and a full batch for at most 10; should a batch ever stand for
 * more, it fails as a whole instead of being dropped by the pipe: the pipe bisects a failed batch (AUTOMATIC_BISECT)
 * and retries the halves, and what still fails lands in the dead-letter queue, which pages.
 */
export async function enrichRecords(
  records: readonly DynamoDBRecord[],
  maxAttemptsOf: MaxAttemptsOf,
): Promise<LifecycleEvent[]> {
  const events: LifecycleEvent[] = [];
  for (const record of records) events.push(...(await lifecycleEvents(record, maxAttemptsOf)));
  if (events.length > MAX_EVENTS_PER_BATCH)
    throw new Error(
      `${records.length} stream records stand for ${events.length} lifecycle events, over the ${MAX_EVENTS_PER_BATCH} an event bus takes per batch: failing the batch so the pipe bisects it`,
    );
  return events;
}
