// Infra: alarms (cdk-monitoring-constructs) in two tiers, the saved log queries and, in the full tier, the
// dashboard. Every alarm notifies one SNS topic. Each metric an alarm reads is in infra/metric-catalogue.ts.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type Alarm, ComparisonOperator, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { Route } from '../lib/routes.ts';
import { above, ROUTE_ALARMS, SLOW } from './alarm-levels.ts';
import { SavedLogQueries } from './log-queries.ts';
import { CODEGATE_METRICS, codegateMetric, DYNAMODB_OPERATIONS, SNS_DIRECT_SMS } from './metric-catalogue.ts';
import { monitorFullTier } from './monitoring-full.ts';
import type { ServiceFunction } from './service-function.ts';

export { CODEGATE_METRICS, ROUTE_ALARMS };

/**
 * `-c monitoring=…`: `essential` (the default) pages for real harm on metrics that exist without detailed route
 * metrics, for a few dollars a month at rest; `full` adds per-route and per-function alarms, the API's detailed
 * per-route metrics and a dashboard (docs/deploy.md, "Monitoring tiers"; `npm run cost` prices both).
 */
export const MONITORING_TIERS = ['essential', 'full'] as const;
export type MonitoringTier = (typeof MONITORING_TIERS)[number];
export const DEFAULT_MONITORING_TIER: MonitoringTier = 'essential';

/** SES puts an account under review at 5% bounces or 0.1% complaints; we page at half of each. */
export const SES_REPUTATION_ALARMS = { bounceRate: 0.025, complaintRate: 0.0005 } as const;

/** SNS's default account SMS spend limit (USD per month), the budget when no context sets one. */
export const DEFAULT_SMS_BUDGET_USD = 1;
/** The spend alarm fires at this share of the monthly budget, leaving time to act before SNS stops. */
export const SMS_BUDGET_ALARM_SHARE = 0.8;

/** Refusal reasons that signal abuse or a misconfiguration, with the 5-minute count that pages. */
export const REFUSAL_ALARMS: Record<string, number> = {
  budget_exhausted: 1,
  country_not_allowed: 20,
  rate_limited: 100,
  replayed: 10,
};

/**
 * SMS pumping: once at least `minSends` SMS codes went out in an hour, fewer than `floor` of them
 * approved. Bots that pump premium numbers never enter the codes they make us send.
 */
export const APPROVAL_COLLAPSE = { minSends: 50, floor: 0.2 } as const;

export interface MonitoringProps {
  tier: MonitoringTier;
  api: IHttpApi;
  routes: readonly Route[];
  functions: ReadonlyMap<string, ServiceFunction>;
  table: ITable;
  /** The API's access log group (route key, status, latency per request) for the saved queries. */
  accessLogs: ILogGroup;
  /** `smsMonthlyBudgetUsd` context; `DEFAULT_SMS_BUDGET_USD` when absent. */
  smsMonthlyBudgetUsd: number;
  /** `alarmEmail` context: subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
const HOUR = Duration.hours(1);

/**
 * Every alarm, the saved log queries and (full tier) the dashboard. Other constructs add their own alarms
 * through `facade` (already wired to the topic) or `notify(alarm)` for plain CloudWatch alarms.
 */
export class Monitoring extends Construct {
  readonly tier: MonitoringTier;
  readonly alarmTopic: Topic;
  readonly facade: MonitoringFacade;
  /** Logs Insights queries for the questions an operator asks (which route, which tenant, which error). */
  readonly queries: SavedLogQueries;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.tier = props.tier;
    const stack = Stack.of(this);
    const prefix = stack.stackName;

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `${prefix} alarms`, enforceSSL: true });
    // A topic policy replaces SNS's default one (which let the account publish), so the policy enforceSSL
    // writes would hold only its Deny: CloudWatch needs its own Allow, for this account's alarms only.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: prefix,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic }),
        datapointsToAlarm: 1,
      },
      metricFactoryDefaults: { period: FIVE_MINUTES },
      // A dashboard costs $3 a month beyond the account's free three: only the full tier has one.
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboard', {
        dashboardNamePrefix: prefix,
        createDashboard: props.tier === 'full',
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });

    this.monitorApi(props.api);
    this.monitorTable(props.table);
    this.monitorDelivery(props.smsMonthlyBudgetUsd);
    this.monitorCodegate();
    this.queries = new SavedLogQueries(this, 'Queries', {
      accessLogs: props.accessLogs,
      functionLogs: [...props.functions.values()].map((service) => service.logGroup),
    });
    if (props.tier === 'full') monitorFullTier(this.facade, props, this.queries);
  }

  /** Adds a plain CloudWatch alarm (one not made through `facade`) to the alarm topic. */
  notify(alarm: Alarm): void {
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
  }

  /**
   * The whole API's 5xx and p99 latency (dimensions ApiId and Stage, published without detailed metrics).
   * A function that crashes, times out or is throttled answers 5xx here, so these also stand for the HTTP
   * functions' errors and throttles; errors the functions catch are the `Busy` metric below.
   */
  private monitorApi(api: IHttpApi) {
    const metric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: api.apiId, Stage: '$default' },
        statistic,
        period: FIVE_MINUTES,
        label: `API ${metricName} (${statistic})`,
      });
    this.facade.monitorCustom({
      alarmFriendlyName: 'api',
      humanReadableName: 'API (all routes)',
      metricGroups: [
        {
          title: 'API 5xx',
          metrics: [
            {
              metric: metric('5xx', 'Sum'),
              alarmFriendlyName: 'api-5xx',
              addAlarm: above(ROUTE_ALARMS.fiveXx),
            },
          ],
        },
        {
          title: 'API p99 latency (ms)',
          metrics: [
            { metric: metric('Latency', 'p99'), alarmFriendlyName: 'api-p99', addAlarm: { Critical: SLOW } },
          ],
        },
      ],
    });
  }

  /**
   * Read and write throttles, and system errors of every operation the functions send. Not the library's
   * system-error alarm: it sums nine operations (each billed as a metric) and leaves out TransactWriteItems,
   * the operation every send uses.
   */
  private monitorTable(table: ITable) {
    const dynamo = (metricName: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table.tableName, ...dimensions },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      });
    const usingMetrics = Object.fromEntries(
      DYNAMODB_OPERATIONS.map((operation) => [
        operation.toLowerCase(),
        dynamo('SystemErrors', { Operation: operation }),
      ]),
    );
    const systemErrors = new MathExpression({
      expression: Object.keys(usingMetrics).join(' + '),
      usingMetrics,
      label: 'DynamoDB system errors',
      period: FIVE_MINUTES,
    });
    this.facade.monitorCustom({
      alarmFriendlyName: 'table',
      humanReadableName: 'DynamoDB table',
      metricGroups: [
        {
          title: 'Throttled requests and system errors',
          metrics: [
            {
              metric: dynamo('ReadThrottleEvents'),
              alarmFriendlyName: 'table-read-throttles',
              addAlarm: above(1),
            },
            {
              metric: dynamo('WriteThrottleEvents'),
              alarmFriendlyName: 'table-write-throttles',
              addAlarm: above(1),
            },
            { metric: systemErrors, alarmFriendlyName: 'table-system-errors', addAlarm: above(1) },
          ],
        },
      ],
    });
  }

  /** SES reputation (account level, what SES reviews), SMS spend against the budget, SMS delivery failures. */
  private monitorDelivery(smsBudgetUsd: number) {
    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: HOUR });
    const sns = (metricName: string, dimensionsMap: Record<string, string>, statistic = 'Sum') =>
      new Metric({ namespace: 'AWS/SNS', metricName, dimensionsMap, statistic, period: HOUR });
    const failureRate = new MathExpression({
      // Only with at least 5 failures in the hour: a single failed text is not a trend.
      expression: 'IF(failed >= 5, failed / (failed + delivered), 0)',
      usingMetrics: {
        failed: sns('NumberOfNotificationsFailed', SNS_DIRECT_SMS),
        delivered: sns('NumberOfNotificationsDelivered', SNS_DIRECT_SMS),
      },
      label: 'SMS failure rate',
      period: HOUR,
    });
    this.facade.monitorCustom({
      alarmFriendlyName: 'delivery',
      humanReadableName: 'Delivery: SES reputation and SMS',
      metricGroups: [
        {
          title: 'SES reputation (share of mail)',
          metrics: [
            {
              metric: ses('Reputation.BounceRate'),
              alarmFriendlyName: 'ses-bounce-rate',
              addAlarm: above(SES_REPUTATION_ALARMS.bounceRate),
            },
            {
              metric: ses('Reputation.ComplaintRate'),
              alarmFriendlyName: 'ses-complaint-rate',
              addAlarm: above(SES_REPUTATION_ALARMS.complaintRate),
            },
          ],
        },
        {
          title: 'SMS spend this month (USD)',
          metrics: [
            {
              metric: sns('SMSMonthToDateSpentUSD', {}, 'Maximum'),
              alarmFriendlyName: 'sms-spend',
              addAlarm: above(smsBudgetUsd * SMS_BUDGET_ALARM_SHARE),
            },
          ],
        },
        {
          title: 'SMS delivery failures',
          metrics: [{ metric: failureRate, alarmFriendlyName: 'sms-failure-rate', addAlarm: above(0.2) }],
        },
      ],
    });
  }

  /** Codegate's EMF metrics: delivery failures, busy answers, refusals by reason, SMS approval collapse. */
  private monitorCodegate() {
    const approvalRatio = new MathExpression({
      expression: `IF(sent >= ${APPROVAL_COLLAPSE.minSends}, approved / sent, 1)`,
      usingMetrics: {
        sent: codegateMetric('CodeSent', { channel: 'sms' }, HOUR),
        approved: codegateMetric('CodeApproved', { channel: 'sms' }, HOUR),
      },
      label: 'SMS approvals per send',
      period: HOUR,
    });
    this.facade.monitorCustom({
      alarmFriendlyName: 'codegate',
      humanReadableName: 'Codegate',
      metricGroups: [
        {
          title: 'Delivery failures and busy answers',
          metrics: [
            ...(['email', 'sms'] as const).map((channel) => ({
              metric: codegateMetric('DeliveryFailed', { channel }),
              alarmFriendlyName: `delivery-failed-${channel}`,
              addAlarm: above(5),
            })),
            { metric: codegateMetric('Busy'), alarmFriendlyName: 'busy', addAlarm: above(5) },
          ],
        },
        {
          title: 'Refusals by reason',
          metrics: Object.entries(REFUSAL_ALARMS).map(([reason, threshold]) => ({
            metric: codegateMetric('Refused', { reason }),
            alarmFriendlyName: `refused-${reason.replaceAll('_', '-')}`,
            addAlarm: above(threshold),
          })),
        },
        {
          title: 'SMS approval ratio (collapse = SMS pumping)',
          metrics: [
            {
              metric: approvalRatio,
              alarmFriendlyName: 'sms-approval-collapse',
              addAlarm: {
                Critical: {
                  threshold: APPROVAL_COLLAPSE.floor,
                  comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
                },
              },
            },
          ],
        },
      ],
    });
  }
}
