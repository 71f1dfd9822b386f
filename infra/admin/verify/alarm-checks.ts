// Deployment verifier, AWS-only: the stack's alarms — how many, which tier, each notifies the alarm topic —
// and whether CloudWatch holds every metric they watch (metric-math alarms included) once traffic has flowed.
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  type Dimension,
  ListMetricsCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { resourcesOf, type StackFacts } from './aws-resources.ts';
import { type CheckResult, fail, pass, warn } from './report.ts';

/** DescribeAlarms takes at most 100 names per call. */
const NAMES_PER_CALL = 100;

/** The stack's metric alarms, found through its resources (an alarm's physical id is its name). */
export async function listStackAlarms(
  cloudwatch: CloudWatchClient,
  stack: StackFacts,
): Promise<MetricAlarm[]> {
  const names = resourcesOf(stack, 'AWS::CloudWatch::Alarm');
  const alarms: MetricAlarm[] = [];
  for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
    let token: string | undefined;
    do {
      const page = await cloudwatch.send(
        new DescribeAlarmsCommand({
          AlarmNames: names.slice(start, start + NAMES_PER_CALL),
          AlarmTypes: ['MetricAlarm'],
          NextToken: token,
        }),
      );
      alarms.push(...(page.MetricAlarms ?? []));
      token = page.NextToken;
    } while (token);
  }
  return alarms;
}

/** One metric an alarm reads. */
export interface WatchedMetric {
  namespace: string;
  name: string;
  dimensions: Dimension[];
}

/** The metrics an alarm reads: its own, or every MetricStat inside its metric math (expressions read none). */
export function metricsOf(alarm: MetricAlarm): WatchedMetric[] {
  if (alarm.MetricName)
    return [{ namespace: alarm.Namespace ?? '', name: alarm.MetricName, dimensions: alarm.Dimensions ?? [] }];
  return (alarm.Metrics ?? []).flatMap((query) => {
    const metric = query.MetricStat?.Metric;
    return metric?.MetricName
      ? [{ namespace: metric.Namespace ?? '', name: metric.MetricName, dimensions: metric.Dimensions ?? [] }]
      : [];
  });
}

const dimensionText = (dimensions: Dimension[]) =>
  dimensions
    .map((dimension) => `${dimension.Name}=${dimension.Value}`)
    .sort()
    .join(',');

/** `AWS/SNS NumberOfNotificationsFailed {PhoneNumber=PhoneNumberDirectPublish}`. */
export const describeMetric = (metric: WatchedMetric) =>
  `${metric.namespace} ${metric.name} {${dimensionText(metric.dimensions)}}`;

/**
 * The stack's monitoring tier (`-c monitoring=essential|full`) and how it was told: stated by an output
 * `MonitoringTier` or a `monitoring` tag, else inferred from the dashboard, which only the full tier has
 * (docs/deploy.md). An older stack (every tier had a dashboard) reads as full: the grouped names settle it.
 */
export function tierOf(stack: StackFacts): string {
  const stated = stack.outputs.MonitoringTier ?? stack.tags.monitoring ?? stack.tags['codegate:monitoring'];
  if (stated) return `monitoring tier ${stated}`;
  return resourcesOf(stack, 'AWS::CloudWatch::Dashboard').length > 0
    ? 'monitoring tier full (inferred: the stack has a dashboard, which only the full tier creates)'
    : 'monitoring tier essential (inferred: the stack has no dashboard)';
}

/**
 * How many alarms, which tier, and every alarm enabled and notifying the alarm topic. The names are listed
 * grouped by the namespace they watch, so the tier can be told from them when the stack does not state it.
 */
export function checkAlarms(stack: StackFacts, alarms: MetricAlarm[], topicArn: string): CheckResult {
  if (alarms.length === 0)
    return fail('alarms', 'the stack has no CloudWatch alarms: deploy the current infra/monitoring.ts');
  const groups = new Map<string, string[]>();
  for (const alarm of alarms) {
    const namespaces =
      [...new Set(metricsOf(alarm).map((metric) => metric.namespace))].join('+') || 'expression';
    groups.set(namespaces, [...(groups.get(namespaces) ?? []), alarm.AlarmName ?? '?']);
  }
  const grouped = [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, names]) => `${namespace} (${names.length}): ${names.sort().join(', ')}`);
  const silent = alarms.filter(
    (alarm) => !alarm.ActionsEnabled || !(alarm.AlarmActions ?? []).includes(topicArn),
  );
  if (silent.length > 0)
    return fail(
      'alarms',
      `${silent.length} of ${alarms.length} alarms would not notify the alarm topic (actions disabled or another target) — nobody is paged when they fire: deploy again`,
      silent.map((alarm) => alarm.AlarmName ?? '?'),
    );
  return pass(
    'alarms',
    `${alarms.length} alarms, ${tierOf(stack)}; every one notifies the alarm topic (names by namespace below)`,
    grouped,
  );
}

/** Whether CloudWatch holds a metric with exactly these dimensions (ListMetrics also returns supersets). */
async function published(cloudwatch: CloudWatchClient, metric: WatchedMetric): Promise<boolean> {
  const want = dimensionText(metric.dimensions);
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(
      new ListMetricsCommand({
        Namespace: metric.namespace,
        MetricName: metric.name,
        Dimensions: metric.dimensions.map((dimension) => ({ Name: dimension.Name, Value: dimension.Value })),
        NextToken: token,
      }),
    );
    if ((page.Metrics ?? []).some((found) => dimensionText(found.Dimensions ?? []) === want)) return true;
    token = page.NextToken;
  } while (token);
  return false;
}

/**
 * Every metric the alarms read exists in CloudWatch (ListMetrics: data in the last two weeks). Missing ones
 * are a WARN, not a FAIL: many appear only once what they count has happened.
 */
export async function checkAlarmMetrics(
  cloudwatch: CloudWatchClient,
  alarms: MetricAlarm[],
): Promise<CheckResult> {
  const readers = new Map<string, { metric: WatchedMetric; alarms: string[] }>();
  for (const alarm of alarms)
    for (const metric of metricsOf(alarm)) {
      const key = describeMetric(metric);
      const entry = readers.get(key) ?? { metric, alarms: [] };
      entry.alarms.push(alarm.AlarmName ?? '?');
      readers.set(key, entry);
    }
  const missing: string[] = [];
  for (const [key, entry] of readers)
    if (!(await published(cloudwatch, entry.metric)))
      missing.push(`${key} — read by ${entry.alarms.join(', ')}`);
  if (missing.length === 0)
    return pass(
      'alarm-metrics',
      `all ${readers.size} metrics read by ${alarms.length} alarms exist in CloudWatch`,
    );
  return warn(
    'alarm-metrics',
    `${missing.length} of ${readers.size} metrics read by the alarms have no data in CloudWatch yet. Many appear only after what they count has happened (a Lambda error or throttle, a refusal, a busy answer, an SMS); one still missing after its event means the alarm watches a name or dimension value AWS does not publish (e.g. SNS PhoneNumber, the HTTP API Route key) — fix that alarm. New metrics take up to 15 minutes to be listed: run again later`,
    missing,
  );
}
