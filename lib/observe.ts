// Observability: each engine event becomes one structured log line and one CloudWatch metric (EMF via
// Powertools); refusals and busy answers are counted by kind, for alarms on abuse and provider trouble.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import type { DomainErrorKind } from './domain/errors.ts';
import type { EngineEvent } from './engine/engine.ts';
import { logger } from './log.ts';

/** Namespace `Codegate`; dimensions are low-cardinality only (channel, reason) — tenants go to the logs. */
export const metrics = new Metrics({ namespace: 'Codegate', serviceName: 'codegate' });

/**
 * Publishes each metric at once with its own dimensions, which the publish clears, so nothing leaks between
 * requests. One instance for all: `metrics.singleMetric()` would build a new Metrics (environment, console)
 * on every call.
 */
const single = new Metrics({ namespace: 'Codegate', serviceName: 'codegate', singleMetric: true });

function count(name: string, dimensions: Record<string, string>, value = 1, unit: Unit = MetricUnit.Count) {
  for (const [dimension, given] of Object.entries(dimensions)) single.addDimension(dimension, given);
  single.addMetric(name, unit, value);
}

function metricName(event: EngineEvent): string {
  switch (event.type) {
    case 'code_sent':
      return 'CodeSent';
    case 'delivery_failed':
      return 'DeliveryFailed';
    case 'code_checked':
      return { approved: 'CodeApproved', wrong: 'CodeRejected', refused: 'CheckRefused' }[event.outcome];
    case 'link_checked':
      return event.confirmed ? 'LinkConfirmed' : 'LinkRefused';
    case 'grant_redeemed':
      return event.redeemed ? 'GrantRedeemed' : 'GrantRefused';
    case 'verification_ended':
      // Not CodeApproved: the SMS approval ratio (pumping) counts codes users typed in.
      return event.status === 'canceled' ? 'VerificationCanceled' : 'VerificationApprovedByUpdate';
    case 'pumping_blocked':
      // Monitor mode's would-be blocks are their own metric: an alarm pages for real blocks only.
      return event.mode === 'enforce' ? 'PumpingBlocked' : 'PumpingMonitored';
  }
}

/** The engine's observer: one log line (`code sent`, `code checked`, …) and one metric per event. */
export function observe(event: EngineEvent): void {
  logger.info(event.type.replace('_', ' '), { ...event });
  count(metricName(event), { channel: 'channel' in event ? event.channel : 'email' });
  // A phone send's price as the pumping guard charged it (USD): the spend alarms of WhatsApp and voice read its sum.
  if (event.type === 'code_sent' && event.spendUsd !== undefined)
    count('Spend', { channel: event.channel }, event.spendUsd, MetricUnit.NoUnit);
}

/**
 * Counts a request the engine refused (`Refused` by reason) or could not serve (`Busy`). A refusal is also one
 * log line (`request refused`, its reason, and the route the request keys carry) for the saved log query that
 * tells which route refuses; busy answers are logged as errors by the endpoint.
 */
export function observeFailure(kind: DomainErrorKind | 'unexpected'): void {
  if (kind === 'busy' || kind === 'unexpected') count('Busy', {});
  else {
    logger.info('request refused', { reason: kind });
    count('Refused', { reason: kind });
  }
}
