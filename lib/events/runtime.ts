// Composition for the lifecycle-events enrichment: the tenant registry (for attempt limits), once per container.
import { readConfig } from '../config.ts';
import { createDocumentClient } from '../store/client.ts';
import { TenantRegistry } from '../tenants/registry.ts';
import { maxAttemptsFrom } from './enrich.ts';
import type { MaxAttemptsOf } from './lifecycle.ts';

let maxAttempts: MaxAttemptsOf | undefined;

/** The container's attempt-limit lookup, built on first use. */
export function getMaxAttemptsOf(): MaxAttemptsOf {
  if (!maxAttempts) {
    const config = readConfig();
    const registry = new TenantRegistry(createDocumentClient(config.DYNAMODB_ENDPOINT), config.TABLE_NAME);
    maxAttempts = maxAttemptsFrom(registry);
  }
  return maxAttempts;
}
