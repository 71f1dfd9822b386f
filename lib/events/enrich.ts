// Use case: one batch of DynamoDB stream records in, the lifecycle events they stand for out. The deployed pipe
// (DynamoDB stream → this enrichment → the event bus) and the local stream poller both run it.
import type { DynamoDBRecord } from 'aws-lambda';
import type { TenantRegistry } from '../tenants/registry.ts';
import { type LifecycleEvent, lifecycleEvents, type MaxAttemptsOf } from './lifecycle.ts';

/** The tenant's attempt limit through the registry (cached per container, so a batch costs one read per tenant). */
export function maxAttemptsFrom(tenants: Pick<TenantRegistry, 'find'>): MaxAttemptsOf {
  return async (tenantId) => (await tenants.find('id', tenantId))?.codes.maxAttempts;
}

/** The events of a batch, in stream order (records of other items stand for none). */
export async function enrichRecords(
  records: readonly DynamoDBRecord[],
  maxAttemptsOf: MaxAttemptsOf,
): Promise<LifecycleEvent[]> {
  const events: LifecycleEvent[] = [];
  for (const record of records) events.push(...(await lifecycleEvents(record, maxAttemptsOf)));
  return events;
}
