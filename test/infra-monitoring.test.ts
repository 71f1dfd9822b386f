// Infra tests: the two monitoring tiers (essential by default, full on -c monitoring=full), the saved log queries,
// and every alarm's metric held against infra/metric-catalogue.ts. Synthesized without bundling, cdk-nag on both.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_QUERIES } from '../infra/log-queries.ts';
import {
  CODEGATE_METRICS,
  DYNAMODB_OPERATIONS,
  METRIC_CATALOGUE,
  SNS_DIRECT_SMS,
} from '../infra/metric-catalogue.ts';
import {
  APPROVAL_COLLAPSE,
  REFUSAL_ALARMS,
  ROUTE_ALARMS,
  SES_REPUTATION_ALARMS,
  SMS_BUDGET_ALARM_SHARE,
} from '../infra/monitoring.ts';
import { PROJECT_ROOT } from '../infra/service-function.ts';
import { CodegateStack, monitoringTierOf } from '../infra/stack.ts';
import { observe, observeFailure } from '../lib/observe.ts';
import { ROUTES } from '../lib/routes.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';
import { capturedOutput } from './setup/log-guard.ts';

type Json = Record<string, any>;
const CONTEXT = { alarmEmail: 'ops@example.com', smsMonthlyBudgetUsd: '250', 'aws:cdk:bundling-stacks': [] };

function synth(context: Record<string, unknown>) {
  const app = tempApp({ context: { ...CONTEXT, ...context } });
  const stack = new CodegateStack(app, 'Codegate');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  app.synth(); // throws on any unacknowledged cdk-nag finding
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Record<string, Json> };
}

let essential: ReturnType<typeof synth>;
let full: ReturnType<typeof synth>;
beforeAll(() => {
  essential = synth({});
  // With WhatsApp and voice offered (`-c channels=…`), whose failure alarms are full-tier only.
  full = synth({ monitoring: 'full', channels: 'whatsapp,voice' });
}, 300_000);
afterAll(removeTempApps);

const alarmsOf = (t: Template) =>
  Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Json);
/** The metrics an alarm reads (single-metric alarms and every MetricStat of a metric-math alarm). */
const metricsOf = (alarm: Json): Json[] =>
  alarm.MetricName
    ? [{ ...alarm, Stat: alarm.ExtendedStatistic ?? alarm.Statistic }]
    : (alarm.Metrics ?? []).flatMap((m: Json) =>
        m.MetricStat ? [{ ...m.MetricStat.Metric, Stat: m.MetricStat.Stat }] : [],
      );
const named = (t: Template, part: string) => {
  const found = alarmsOf(t).filter((alarm) => String(alarm.AlarmName).includes(`-${part}-`));
  expect(found, part).toHaveLength(1);
  return found[0] as Json;
};
const dims = (metric: Json) =>
  Object.fromEntries((metric.Dimensions ?? []).map((d: Json) => [d.Name, d.Value]));

describe('the essential tier (the default)', () => {
  it('is the default, and an unknown tier is refused naming the context', () => {
    expect(essential.stack.monitoring.tier).toBe('essential');
    expect(() => monitoringTierOf(tempApp({ context: { monitoring: 'everything' } }))).toThrow(
      'monitoring must be one of essential, full, got "everything"',
    );
  });

  it('creates no dashboard and publishes no per-route API metric', () => {
    essential.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const [stage] = Object.values(essential.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.DefaultRouteSettings.DetailedMetricsEnabled).toBe(false);
    for (const setting of Object.values(stage?.Properties.RouteSettings as Json))
      expect(setting.DetailedMetricsEnabled).toBe(false);
  });

  it('every alarm notifies the one topic, which CloudWatch alarms of this account may publish to over TLS', () => {
    const topic = Object.keys(essential.template.findResources('AWS::SNS::Topic'))[0];
    for (const alarm of alarmsOf(essential.template)) {
      expect(alarm.AlarmActions, String(alarm.AlarmName)).toEqual([{ Ref: topic }]);
      expect(String(alarm.AlarmName).startsWith('Codegate-')).toBe(true);
    }
    essential.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      }),
    });
    essential.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: CONTEXT.alarmEmail,
    });
  });

  it('pages on the whole API (5xx and p99, ApiId and Stage) and on no single route or HTTP function', () => {
    const fiveXx = metricsOf(named(essential.template, 'api-5xx'));
    const p99 = metricsOf(named(essential.template, 'api-p99'));
    expect(fiveXx.map((m) => [m.MetricName, m.Stat, Object.keys(dims(m)).sort()])).toEqual([
      ['5xx', 'Sum', ['ApiId', 'Stage']],
    ]);
    expect(p99.map((m) => [m.MetricName, m.Stat])).toEqual([['Latency', 'p99']]);
    expect(named(essential.template, 'api-5xx').Threshold).toBe(ROUTE_ALARMS.fiveXx);
    const names = alarmsOf(essential.template).map((alarm) => String(alarm.AlarmName));
    for (const route of ROUTES) expect(names.filter((name) => name.includes(`-${route.name}-`))).toEqual([]);
    // The feedback functions have no route answering 5xx for them: their own errors page (throttles are retried
    // into the dead letters, which page; their throttle alarms are the full tier's).
    for (const name of ['delivery-feedback', 'lifecycle-events'])
      expect(
        names
          .filter((alarm) => alarm.includes(`-${name}-`))
          .map((alarm) => alarm.split(`-${name}-`)[1]?.split('-')[0]),
      ).toEqual(['Fault']);
  });

  it('alarms on DynamoDB throttles and on system errors of every operation the functions send, TransactWriteItems too', () => {
    for (const part of ['table-read-throttles', 'table-write-throttles'])
      expect(metricsOf(named(essential.template, part))[0]).toMatchObject({ Namespace: 'AWS/DynamoDB' });
    const operations = metricsOf(named(essential.template, 'table-system-errors')).map(
      (m) => dims(m).Operation,
    );
    expect(operations.sort()).toEqual([...DYNAMODB_OPERATIONS].sort());
    expect(operations).toContain('TransactWriteItems');
  });

  it('DYNAMODB_OPERATIONS covers every item-level command the functions can send (lib/; Scan and BatchWrite are admin-only)', () => {
    const OPERATION_OF: Record<string, string> = {
      GetCommand: 'GetItem',
      PutCommand: 'PutItem',
      UpdateCommand: 'UpdateItem',
      DeleteCommand: 'DeleteItem',
      QueryCommand: 'Query',
      TransactWriteCommand: 'TransactWriteItems',
      ScanCommand: 'Scan',
      BatchWriteCommand: 'BatchWriteItem',
    };
    const sent = new Map<string, Set<string>>();
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? walk(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    for (const file of walk(join(PROJECT_ROOT, 'lib'))) {
      for (const [, command] of readFileSync(file, 'utf8').matchAll(/new (\w+Command)\(/g)) {
        const operation = command ? OPERATION_OF[command] : undefined;
        if (operation)
          sent.set(operation, (sent.get(operation) ?? new Set()).add(file.slice(PROJECT_ROOT.length)));
      }
    }
    expect(sent.size).toBeGreaterThanOrEqual(DYNAMODB_OPERATIONS.length);
    const adminOnly = ['lib/tenants/sync.ts', 'lib/store/suppressions.ts'];
    for (const [operation, files] of sent) {
      if ((DYNAMODB_OPERATIONS as readonly string[]).includes(operation)) continue;
      // Only the admin commands scan or batch-write (the tenants sync, the suppression list).
      expect(
        [...files].filter((file) => !adminOnly.includes(file)),
        operation,
      ).toEqual([]);
    }
  });

  it('keeps the delivery alarms: SES reputation, SMS spend, SMS failure rate on direct publishes', () => {
    expect(named(essential.template, 'ses-bounce-rate').Threshold).toBe(SES_REPUTATION_ALARMS.bounceRate);
    expect(named(essential.template, 'ses-complaint-rate').Threshold).toBe(
      SES_REPUTATION_ALARMS.complaintRate,
    );
    expect(named(essential.template, 'sms-spend').Threshold).toBe(250 * SMS_BUDGET_ALARM_SHARE);
    const failures = metricsOf(named(essential.template, 'sms-failure-rate'));
    expect(failures.map((m) => m.MetricName).sort()).toEqual([
      'NumberOfNotificationsDelivered',
      'NumberOfNotificationsFailed',
    ]);
    for (const metric of failures) expect(dims(metric)).toEqual(SNS_DIRECT_SMS);
    expect(JSON.stringify(alarmsOf(essential.template))).not.toContain('PhoneNumberDirectPublish');
  });

  it("keeps Codegate's own alarms: delivery failures, busy answers, refusals by reason, the SMS approval collapse", () => {
    for (const channel of ['email', 'sms'])
      expect(dims(metricsOf(named(essential.template, `delivery-failed-${channel}`))[0] ?? {})).toEqual({
        service: CODEGATE_METRICS.service,
        channel,
      });
    expect(metricsOf(named(essential.template, 'busy'))[0]?.MetricName).toBe('Busy');
    for (const reason of Object.keys(REFUSAL_ALARMS))
      expect(
        dims(metricsOf(named(essential.template, `refused-${reason.replaceAll('_', '-')}`))[0] ?? {}),
      ).toMatchObject({
        reason,
      });
    const collapse = named(essential.template, 'sms-approval-collapse');
    expect([collapse.ComparisonOperator, collapse.Threshold]).toEqual([
      'LessThanThreshold',
      APPROVAL_COLLAPSE.floor,
    ]);
  });

  it('saves one Logs Insights query per operator question, on the access log or every function log', () => {
    const definitions = Object.values(essential.template.findResources('AWS::Logs::QueryDefinition')).map(
      (d) => d.Properties as Json,
    );
    expect(definitions.map((d) => d.Name).sort()).toEqual(
      LOG_QUERIES.map((q) => `Codegate/${q.name}`).sort(),
    );
    const functionGroups = ROUTES.length;
    for (const query of LOG_QUERIES) {
      const definition = definitions.find((d) => d.Name === `Codegate/${query.name}`) ?? {};
      expect(definition.QueryString).toBe(query.query.toString());
      expect(definition.LogGroupNames, query.name).toHaveLength(query.logs === 'access' ? 1 : functionGroups);
    }
    expect(JSON.stringify(definitions)).toMatch(/routeKey/);
  });
});

describe('the full tier (-c monitoring=full)', () => {
  it('adds the dashboard, named after the stack, with the saved queries as log tables', () => {
    full.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(full.template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard?.Properties.DashboardName).toBe('Codegate');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const query of LOG_QUERIES) expect(body).toContain(query.name);
  });

  it('pages on WhatsApp and voice delivery failures (full tier only: the default tier stays as it was)', () => {
    for (const channel of ['whatsapp', 'voice']) {
      const [metric] = metricsOf(named(full.template, `delivery-failed-${channel}`));
      expect(metric).toMatchObject({ Namespace: CODEGATE_METRICS.namespace, MetricName: 'DeliveryFailed' });
      expect(dims(metric ?? {})).toEqual({ service: CODEGATE_METRICS.service, channel });
      const inEssential = alarmsOf(essential.template).filter((alarm) =>
        String(alarm.AlarmName).includes(`-delivery-failed-${channel}-`),
      );
      expect(inEssential).toEqual([]);
    }
  });

  it('publishes the detailed per-route metrics its per-route alarms read', () => {
    const [stage] = Object.values(full.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.DefaultRouteSettings.DetailedMetricsEnabled).toBe(true);
    for (const setting of Object.values(stage?.Properties.RouteSettings as Json))
      expect(setting.DetailedMetricsEnabled).toBe(true);
  });

  it.each(ROUTES)(
    '$name: errors and throttles of its function; 5xx and p99 of its route (Method, Resource)',
    (route) => {
      const alarms = alarmsOf(full.template);
      for (const kind of ['Fault', 'Throttled'])
        expect(
          alarms.filter((a) => new RegExp(`-${route.name}-${kind}-Count-`).test(a.AlarmName)),
        ).toHaveLength(1);
      for (const [kind, metricName] of [
        ['5xx', '5xx'],
        ['p99', 'Latency'],
      ]) {
        const [metric] = metricsOf(named(full.template, `${route.name}-${kind}`));
        expect(metric).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: metricName });
        expect(dims(metric ?? {})).toMatchObject({
          Method: route.method,
          Resource: route.path,
          Stage: '$default',
        });
      }
    },
  );

  it('adds the feedback functions throttle alarms', () => {
    const names = alarmsOf(full.template).map((alarm) => String(alarm.AlarmName));
    for (const name of ['delivery-feedback', 'lifecycle-events'])
      expect(names.filter((alarm) => alarm.includes(`-${name}-Throttled-Count-`))).toHaveLength(1);
  });

  it('holds every essential alarm too', () => {
    const strip = (name: string) => name.replace(/-[A-Z0-9]{8,}$/, '');
    const fullNames = new Set(alarmsOf(full.template).map((a) => strip(String(a.AlarmName))));
    for (const alarm of alarmsOf(essential.template))
      expect(fullNames).toContain(strip(String(alarm.AlarmName)));
    expect(alarmsOf(full.template).length).toBeGreaterThan(
      alarmsOf(essential.template).length + ROUTES.length * 3,
    );
  });
});

describe('the metric catalogue', () => {
  const matches = (metric: Json) =>
    METRIC_CATALOGUE.filter(
      (entry) =>
        entry.namespace === metric.Namespace &&
        entry.metricNames.includes(metric.MetricName) &&
        entry.dimensionSets.some(
          (set) => [...set].sort().join() === Object.keys(dims(metric)).sort().join(),
        ) &&
        Object.entries(entry.fixedValues ?? {}).every(([name, values]) => {
          const value = dims(metric)[name];
          return value === undefined || typeof value !== 'string' || values.includes(value);
        }),
    );

  it.each(['essential', 'full'])('every metric an alarm of the %s tier reads is in the catalogue', (tier) => {
    const { template } = tier === 'full' ? full : essential;
    const outside = alarmsOf(template).flatMap((alarm) =>
      metricsOf(alarm)
        .filter((metric) => matches(metric).length === 0)
        .map(
          (metric) =>
            `${alarm.AlarmName}: ${metric.Namespace} ${metric.MetricName} ${JSON.stringify(dims(metric))}`,
        ),
    );
    expect(outside).toEqual([]);
    expect(alarmsOf(template).flatMap(metricsOf).length).toBeGreaterThan(20);
  });

  it('refuses what AWS does not publish: a Route dimension, an unknown SNS PhoneNumber value, an undocumented operation', () => {
    expect(
      matches({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [
          { Name: 'ApiId', Value: 'a' },
          { Name: 'Stage', Value: '$default' },
          { Name: 'Route', Value: 'GET /x' },
        ],
      }),
    ).toEqual([]);
    expect(
      matches({
        Namespace: 'AWS/SNS',
        MetricName: 'NumberOfNotificationsFailed',
        Dimensions: [{ Name: 'PhoneNumber', Value: 'PhoneNumberDirectPublish' }],
      }),
    ).toEqual([]);
    expect(
      matches({
        Namespace: 'AWS/DynamoDB',
        MetricName: 'SystemErrors',
        Dimensions: [
          { Name: 'TableName', Value: 't' },
          { Name: 'Operation', Value: 'TransactWrite' },
        ],
      }),
    ).toEqual([]);
  });

  it("holds every metric lib/observe.ts can emit under Codegate's entry, with its dimension sets", () => {
    const from = capturedOutput().length;
    const base = { tenant: 't', purpose: 'login' as const, to: 'a***@example.com' };
    for (const channel of ['email', 'sms'] as const) {
      observe({ ...base, type: 'code_sent', channel, id: 'x' });
      if (channel === 'sms') observe({ ...base, type: 'code_sent', channel, id: 'x', spendUsd: 0.00883 });
      observe({ ...base, type: 'delivery_failed', channel, cause: 'x' });
      for (const outcome of ['approved', 'wrong', 'refused'] as const)
        observe({ ...base, type: 'code_checked', channel, outcome });
      for (const status of ['canceled', 'approved'] as const)
        observe({ ...base, type: 'verification_ended', channel, status });
    }
    for (const mode of ['enforce', 'monitor'] as const) {
      const blocked = { country: 'US', prefix: '+120255**xxx', until: 0, sends: 5, unverified: 5 };
      observe({ ...base, ...blocked, type: 'pumping_blocked', channel: 'sms', mode });
    }
    for (const confirmed of [true, false]) observe({ ...base, type: 'link_checked', confirmed });
    for (const redeemed of [true, false]) observe({ ...base, type: 'grant_redeemed', redeemed });
    observeFailure('rate_limited');
    observeFailure('unexpected');
    const emitted = capturedOutput()
      .slice(from)
      .split('\n')
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .flatMap((line) => JSON.parse(line)._aws.CloudWatchMetrics as Json[]);
    const [entry] = METRIC_CATALOGUE.filter((e) => e.namespace === CODEGATE_METRICS.namespace);
    expect(emitted.length).toBeGreaterThanOrEqual(entry?.metricNames.length ?? 99);
    for (const doc of emitted) {
      expect(doc.Namespace).toBe(CODEGATE_METRICS.namespace);
      for (const metric of doc.Metrics) expect(entry?.metricNames).toContain(metric.Name);
      const set = [...doc.Dimensions[0]].sort().join();
      expect(entry?.dimensionSets.map((d) => [...d].sort().join())).toContain(set);
    }
    expect(new Set(emitted.flatMap((doc) => doc.Metrics.map((m: Json) => m.Name)))).toEqual(
      new Set(entry?.metricNames),
    );
  });

  it('cites a source for every entry', () => {
    for (const entry of METRIC_CATALOGUE)
      expect(entry.source, entry.namespace).toMatch(
        /https:\/\/docs\.aws\.amazon\.com\/|aws-cdk-lib|lib\/observe\.ts/,
      );
  });
});
