// Admin (cost model): a synthesized template → what bills at rest, the metric streams, and the cost per million verifications.
import { FREE_ALLOWANCES, PRICES } from '../prices.ts';

/** The part of a CloudFormation template the model reads. */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** One billed line: what, how many, and its monthly dollars. */
export interface LineItem {
  item: string;
  quantity: number;
  monthlyUsd: number;
  note?: string;
}

/** The at-rest monthly budget of the default stack (docs/cost.md). */
export const AT_REST_BUDGET_USD = 5;
/** Hours in the month the model prices (30 days): also the polling seconds below. */
const MONTH_SECONDS = 30 * 24 * 3600;
export const GB = 1024 ** 3;

/** Per-request assumptions, printed with every figure (docs/deploy.md's estimates where it has them). */
export const ASSUMPTIONS = {
  sendMs: 150,
  checkMs: 30,
  // Every phone channel (SMS, WhatsApp, calls): the budget counter (+2) and the pumping guard's prefix and day items
  // (+4, lib/store/prefix-guard.ts).
  sendWru: { email: 4, sms: 10, whatsapp: 10, voice: 10 },
  // An approving phone check also records the entered code for the guard: one transaction of three Updates (+6).
  checkWru: { email: 1, sms: 7, whatsapp: 7, voice: 7 },
  readRru: 0,
  lifecycleEventsPerVerification: 2,
  // WhatsApp: the statuses Meta reports per message (sent, delivered, read), each delivered by the WABA's event
  // destination topic to the delivery-feedback function, which drops all but `failed`.
  whatsappStatusesPerMessage: 3,
  feedbackMs: 30,
  enrichmentMs: 50,
  logBytesPerVerification: 3000,
  pipePollsPerSecondPerShard: 4,
  streamShardsAtRest: 1,
} as const;

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** A value as an object (empty when it is not one). */
export const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
/** The template's resources of one type. */
export const resourcesOf = (template: CfnTemplate, type: string) =>
  Object.values(template.Resources ?? {}).filter((resource) => resource.Type === type);

/** How CloudWatch bills one alarm: alarm metrics at standard or high resolution, or a composite. */
export interface AlarmBilling {
  metrics: number;
  highResolution: boolean;
  kind: 'metric' | 'math' | 'anomaly' | 'insights' | 'composite';
}

/**
 * One alarm's billed metrics: a single-metric alarm is one; a math alarm one per metric it reads (not per
 * expression); anomaly detection three; a Metrics Insights query at least one (the metrics it analyses are
 * not knowable from the template). Period < 60 s is high resolution.
 */
export function alarmBilling(type: string, properties: Record<string, unknown>): AlarmBilling {
  if (type === 'AWS::CloudWatch::CompositeAlarm')
    return { metrics: 0, highResolution: false, kind: 'composite' };
  const queries = list(properties.Metrics).map(record);
  const periods = [properties.Period, ...queries.map((query) => record(query.MetricStat).Period)];
  const highResolution = periods.some((period) => typeof period === 'number' && period < 60);
  if (queries.length === 0) return { metrics: 1, highResolution, kind: 'metric' };
  const expressions = queries
    .map((query) => query.Expression)
    .filter((e): e is string => typeof e === 'string');
  const stats = queries.filter((query) => query.MetricStat !== undefined).length;
  if (expressions.some((expression) => /ANOMALY_DETECTION_BAND/i.test(expression)))
    return { metrics: 3 * Math.max(stats, 1), highResolution, kind: 'anomaly' };
  if (expressions.some((expression) => /^\s*SELECT\b/i.test(expression)))
    return { metrics: Math.max(stats, 1), highResolution, kind: 'insights' };
  return {
    metrics: stats,
    highResolution,
    kind: stats === 1 && expressions.length === 0 ? 'metric' : 'math',
  };
}

/** A line: `quantity` units at `unitUsd` each. */
export const priced = (item: string, quantity: number, unitUsd: number, note?: string): LineItem => ({
  item,
  quantity,
  monthlyUsd: quantity * unitUsd,
  ...(note ? { note } : {}),
});

/** The CloudWatch alarm lines: standard and high-resolution alarm metrics, composites. */
export function alarmItems(template: CfnTemplate): LineItem[] {
  const alarms = [
    ...resourcesOf(template, 'AWS::CloudWatch::Alarm'),
    ...resourcesOf(template, 'AWS::CloudWatch::CompositeAlarm'),
  ].map((resource) => alarmBilling(resource.Type, resource.Properties ?? {}));
  const metricAlarms = alarms.filter((alarm) => alarm.kind !== 'composite');
  const standard = metricAlarms.filter((alarm) => !alarm.highResolution);
  const high = metricAlarms.filter((alarm) => alarm.highResolution);
  const sum = (group: AlarmBilling[]) => group.reduce((total, alarm) => total + alarm.metrics, 0);
  const kinds = (group: AlarmBilling[]) =>
    ['math', 'anomaly', 'insights']
      .map((kind) => [kind, group.filter((alarm) => alarm.kind === kind).length] as const)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ');
  const items: LineItem[] = [];
  for (const [label, group, price] of [
    ['standard', standard, PRICES.alarmMetricStandard.usd],
    ['high-resolution', high, PRICES.alarmMetricHighResolution.usd],
  ] as const) {
    if (group.length === 0) continue;
    const detail = kinds(group);
    const insights = group.some((alarm) => alarm.kind === 'insights')
      ? '; a Metrics Insights alarm bills each metric its query analyses, unknown here: priced as one (a floor)'
      : '';
    const note = detail ? `${detail}; a math alarm bills each metric it reads${insights}` : undefined;
    items.push(
      priced(
        `CloudWatch alarms, ${label}: ${group.length} alarms, ${sum(group)} alarm metrics`,
        sum(group),
        price,
        note,
      ),
    );
  }
  const composites = alarms.length - metricAlarms.length;
  if (composites > 0)
    items.push(priced(`CloudWatch composite alarms: ${composites}`, composites, PRICES.compositeAlarm.usd));
  return items;
}

/** WAF web ACLs and their rules (rule groups and managed groups each count as a rule). */
function wafItems(template: CfnTemplate): LineItem[] {
  const acls = resourcesOf(template, 'AWS::WAFv2::WebACL');
  if (acls.length === 0) return [];
  const rules = acls.reduce((total, acl) => total + list(acl.Properties?.Rules).length, 0);
  return [
    priced(`WAF web ACLs: ${acls.length}`, acls.length, PRICES.wafWebAcl.usd),
    priced(`WAF rules: ${rules}`, rules, PRICES.wafRule.usd),
  ];
}

/** The longest log retention in the template, in days (never-expiring groups count as a year). */
export function longestRetentionDays(template: CfnTemplate): number {
  const days = resourcesOf(template, 'AWS::Logs::LogGroup').map((group) => {
    const retention = group.Properties?.RetentionInDays;
    return typeof retention === 'number' ? retention : 365;
  });
  return days.length === 0 ? 0 : Math.max(...days);
}

const TABLE_NOTE = 'empty: storage (first 25 GB free) and PITR bill per GB of data, requests per request';
/** Printed with the dashboards: the model prices every one. */
export const FREE_DASHBOARDS_NOTE = `each priced: the account's first ${FREE_ALLOWANCES.dashboards} dashboards are free, which the model cannot know`;

/**
 * What bills with no traffic at all, per month, at the prices of infra/prices.ts. `dailyLogMb` adds the
 * ingestion and steady-state storage of that much log a day, kept for the template's longest retention.
 */
export function atRestItems(template: CfnTemplate, options: { dailyLogMb?: number } = {}): LineItem[] {
  const items = alarmItems(template);
  const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard').length;
  if (dashboards > 0)
    items.push(
      priced(`CloudWatch dashboards: ${dashboards}`, dashboards, PRICES.dashboard.usd, FREE_DASHBOARDS_NOTE),
    );
  const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret').length;
  if (secrets > 0) items.push(priced(`Secrets Manager secrets: ${secrets}`, secrets, PRICES.secret.usd));
  // Imported keys and multi-Region replicas are still customer managed; AWS managed keys never appear as resources.
  const keys =
    resourcesOf(template, 'AWS::KMS::Key').length + resourcesOf(template, 'AWS::KMS::ReplicaKey').length;
  if (keys > 0) items.push(priced(`KMS customer managed keys: ${keys}`, keys, PRICES.kmsCustomerKey.usd));
  items.push(...wafItems(template));
  const cloudFront = resourcesOf(template, 'AWS::CloudFront::Distribution').length;
  if (cloudFront > 0)
    items.push(
      priced(`CloudFront distributions: ${cloudFront}`, cloudFront, 0, 'bills requests and data only'),
    );
  const pipesOnStreams = resourcesOf(template, 'AWS::Pipes::Pipe').filter((pipe) =>
    JSON.stringify(pipe.Properties?.Source ?? '').includes('StreamArn'),
  ).length;
  if (pipesOnStreams > 0) {
    const polls =
      pipesOnStreams *
      ASSUMPTIONS.streamShardsAtRest *
      ASSUMPTIONS.pipePollsPerSecondPerShard *
      MONTH_SECONDS;
    const billed = Math.max(0, polls - FREE_ALLOWANCES.streamReadsPerMonth);
    items.push(
      priced(
        `DynamoDB stream polled by ${pipesOnStreams} pipe(s): ~${(polls / 1e6).toFixed(1)}M GetRecords calls`,
        billed,
        PRICES.dynamoStreamRead.usd,
        `an estimate: a pipe is not a Lambda consumer, so its GetRecords calls bill (first ${FREE_ALLOWANCES.streamReadsPerMonth / 1e6}M free); ${ASSUMPTIONS.pipePollsPerSecondPerShard} polls/s per shard (Lambda's documented rate; Pipes publishes none), ${ASSUMPTIONS.streamShardsAtRest} open shard`,
      ),
    );
  }
  const tables = resourcesOf(template, 'AWS::DynamoDB::Table');
  const pitr = tables.filter(
    (table) => record(table.Properties?.PointInTimeRecoverySpecification).PointInTimeRecoveryEnabled === true,
  ).length;
  if (tables.length > 0)
    items.push(
      priced(`DynamoDB tables: ${tables.length} (on-demand; PITR on ${pitr})`, tables.length, 0, TABLE_NOTE),
    );
  const dailyLogMb = options.dailyLogMb ?? 0;
  if (dailyLogMb > 0) {
    const days = longestRetentionDays(template);
    const monthlyGb = (dailyLogMb * 1024 * 1024 * 30) / GB;
    const storedGb = (dailyLogMb * 1024 * 1024 * days) / GB;
    items.push(
      priced(`CloudWatch Logs ingestion: ${dailyLogMb} MB/day`, monthlyGb, PRICES.logIngestion.usd),
      priced(
        `CloudWatch Logs storage: ${days} days kept (${storedGb.toFixed(2)} GB)`,
        storedGb,
        PRICES.logStorage.usd,
        'uncompressed size: an upper bound (CloudWatch stores compressed)',
      ),
    );
  }
  return items;
}

/** The sum of some lines' monthly dollars. */
export const totalUsd = (items: readonly LineItem[]): number =>
  items.reduce((total, line) => total + line.monthlyUsd, 0);

/** Whether a monthly figure is within a budget, with the sentence that says so. */
export function budgetCheck(
  monthlyUsd: number,
  budgetUsd = AT_REST_BUDGET_USD,
): { within: boolean; message: string } {
  const within = monthlyUsd <= budgetUsd + 1e-9;
  const gap = Math.abs(budgetUsd - monthlyUsd).toFixed(2);
  return {
    within,
    message: within
      ? `within the $${budgetUsd.toFixed(2)} at-rest budget ($${gap} to spare)`
      : `OVER the $${budgetUsd.toFixed(2)} at-rest budget by $${gap}`,
  };
}
