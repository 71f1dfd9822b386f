// Admin (cost model): the custom metric streams: Codegate's EMF (lib/observe.ts run on every input) and the API's per-route metrics.
import type { DomainErrorKind } from '../../lib/domain/errors.ts';
import { CHANNELS, type Channel } from '../../lib/domain/vocabulary.ts';
import type { EngineEvent } from '../../lib/engine/engine.ts';
import { HTTP_API_METRICS } from '../metric-catalogue.ts';
import { PRICES } from '../prices.ts';
import { type CfnTemplate, record, resourcesOf } from './cost-model.ts';

type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
/** Nothing when `List` names every member of `Union`; otherwise a required argument naming what is missing. */
type Missing<Union, List extends readonly Union[]> = [Exclude<Union, List[number]>] extends [never]
  ? []
  : [missing: Exclude<Union, List[number]>];
/** A list that must name every member of `Union`: a new outcome in the code fails `tsc` here. */
const every =
  <Union>() =>
  <const List extends readonly Union[]>(list: List, ..._complete: Missing<Union, List>): List =>
    list;

const OUTCOMES = every<EventOf<'code_checked'>['outcome']>()(['approved', 'wrong', 'refused']);
const ENDINGS = every<EventOf<'verification_ended'>['status']>()(['canceled', 'approved']);
const YES_NO = [true, false] as const;

/**
 * Every failure kind `observeFailure` takes. A Record must name every key, so a new DomainErrorKind fails
 * `tsc` until it is listed here.
 */
const FAILURE_KINDS: Record<DomainErrorKind | 'unexpected', true> = {
  rate_limited: true,
  budget_exhausted: true,
  country_not_allowed: true,
  replayed: true,
  delivery_failed: true,
  invalid_address: true,
  idempotency_conflict: true,
  not_found: true,
  suppressed: true,
  cross_site: true,
  pumping_blocked: true,
  busy: true,
  unexpected: true,
};

const base = { tenant: 'cost-model', purpose: 'register', to: 'c***@example.com' } as const;

/** Every event of each type the engine reports, over every channel; a new event type fails `tsc` here. */
const EVENTS: { [T in EngineEvent['type']]: (channel: Channel) => EventOf<T>[] } = {
  code_sent: (channel) => [{ ...base, type: 'code_sent', channel, id: 'cost-model' }],
  delivery_failed: (channel) => [{ ...base, type: 'delivery_failed', channel, cause: 'CostModel' }],
  code_checked: (channel) => OUTCOMES.map((outcome) => ({ ...base, type: 'code_checked', channel, outcome })),
  link_checked: () => YES_NO.map((confirmed) => ({ ...base, type: 'link_checked', confirmed })),
  grant_redeemed: () => YES_NO.map((redeemed) => ({ ...base, type: 'grant_redeemed', redeemed })),
  verification_ended: (channel) =>
    ENDINGS.map((status) => ({ ...base, type: 'verification_ended', channel, status })),
  pumping_blocked: (channel) =>
    channel === 'email'
      ? []
      : (['enforce', 'monitor'] as const).map((mode) => ({
          ...base,
          type: 'pumping_blocked',
          channel,
          country: 'US',
          prefix: '+1555555**xxx',
          mode,
          until: 0,
          sends: 5,
          unverified: 5,
        })),
};

/** Every input `observe` and `observeFailure` accept, as the code's own type lists define them. */
export function everyObservation(): { events: EngineEvent[]; failures: (DomainErrorKind | 'unexpected')[] } {
  const events = CHANNELS.flatMap((channel) =>
    Object.values(EVENTS).flatMap((make: (channel: Channel) => EngineEvent[]) => make(channel)),
  );
  return { events, failures: Object.keys(FAILURE_KINDS) as (DomainErrorKind | 'unexpected')[] };
}

interface EmfLine {
  _aws?: {
    CloudWatchMetrics?: { Namespace?: string; Dimensions?: string[][]; Metrics?: { Name?: string }[] }[];
  };
  [field: string]: unknown;
}

/**
 * The metric streams in EMF lines: one per namespace × metric name × dimension set × dimension values,
 * which is how CloudWatch counts (and bills) custom metrics. Written `Namespace/Name {dim=value,…}`.
 */
export function streamsInEmf(output: string): string[] {
  const streams = new Set<string>();
  for (const line of output.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const emf = JSON.parse(line) as EmfLine;
    for (const directive of emf._aws?.CloudWatchMetrics ?? []) {
      for (const metric of directive.Metrics ?? []) {
        for (const set of directive.Dimensions ?? [[]]) {
          const dims = [...set].sort().map((name) => `${name}=${String(emf[name])}`);
          streams.add(`${directive.Namespace}/${metric.Name} {${dims.join(',')}}`);
        }
      }
    }
  }
  return [...streams].sort();
}

/**
 * Runs lib/observe.ts on every input it takes and returns the metric streams Powertools wrote (stdout is
 * captured and not shown meanwhile). A new metric name or dimension value in the code changes the result.
 */
export async function emfStreams(): Promise<string[]> {
  const { observe, observeFailure } = await import('../../lib/observe.ts');
  const { events, failures } = everyObservation();
  const written: string[] = [];
  const stdout = process.stdout;
  const write = stdout.write;
  stdout.write = ((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof stdout.write;
  try {
    for (const event of events) observe(event);
    for (const kind of failures) observeFailure(kind);
  } finally {
    stdout.write = write;
  }
  const streams = streamsInEmf(written.join(''));
  if (streams.length === 0)
    throw new Error(
      'lib/observe.ts wrote no EMF metrics: unset POWERTOOLS_METRICS_DISABLED (and POWERTOOLS_DEV) to count them',
    );
  return streams;
}

/** Route keys with the HTTP API's detailed (per-route) metrics on: the stage default, then each route's override. */
export function detailedMetricRoutes(template: CfnTemplate): string[] {
  const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route')
    .map((route) => route.Properties?.RouteKey)
    .filter((key): key is string => typeof key === 'string');
  const detailed = new Set<string>();
  for (const stage of resourcesOf(template, 'AWS::ApiGatewayV2::Stage')) {
    const byDefault = record(stage.Properties?.DefaultRouteSettings).DetailedMetricsEnabled === true;
    const settings = record(stage.Properties?.RouteSettings);
    for (const key of routes) {
      const own = record(settings[key]).DetailedMetricsEnabled;
      if (typeof own === 'boolean' ? own : byDefault) detailed.add(key);
    }
  }
  return [...detailed].sort();
}

/** Every custom metric stream: Codegate's EMF streams and six per route with detailed metrics. */
export function metricStreams(
  template: CfnTemplate,
  emf: readonly string[],
): { count: number; ceilingUsd: number } {
  const count = emf.length + detailedMetricRoutes(template).length * HTTP_API_METRICS.metricNames.length;
  return { count, ceilingUsd: count * PRICES.customMetric.usd };
}
