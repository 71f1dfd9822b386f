// Infra: alarms and the one dashboard (cdk-monitoring-constructs): functions, API routes, the table, SES
// reputation, SMS spend and delivery, and Codegate's own EMF metrics. Alarms notify one SNS topic.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type Alarm, ComparisonOperator, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  type CustomMetricGroup,
  DefaultDashboardFactory,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { Route } from '../lib/routes.ts';
import type { ServiceFunction } from './service-function.ts';

/** Where lib/observe.ts publishes (EMF through Powertools, which adds the `service` dimension). */
export const CODEGATE_METRICS = { namespace: 'Codegate', service: 'codegate' } as const;

/** SES puts an account under review at 5% bounces or 0.1% complaints; we page at half of each. */
export const SES_REPUTATION_ALARMS = { bounceRate: 0.025, complaintRate: 0.0005 } as const;

/** Per route: 5xx answers in 5 minutes, and p99 latency (ms) held for 15 minutes. */
export const ROUTE_ALARMS = { fiveXx: 5, p99Ms: 3000 } as const;

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
  api: IHttpApi;
  routes: readonly Route[];
  functions: ReadonlyMap<string, ServiceFunction>;
  table: ITable;
  /** `smsMonthlyBudgetUsd` context; `DEFAULT_SMS_BUDGET_USD` when absent. */
  smsMonthlyBudgetUsd: number;
  /** `alarmEmail` context: subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
const HOUR = Duration.hours(1);
/** A Critical alarm at or above `threshold`. */
const above = (threshold: number) => ({
  Critical: { threshold, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD },
});

/**
 * Every alarm and the single dashboard. Other constructs add their own alarms through `facade`
 * (cdk-monitoring-constructs, already wired to the topic) or `notify(alarm)` for plain CloudWatch alarms.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const prefix = Stack.of(this).stackName;

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `${prefix} alarms`, enforceSSL: true });
    // A topic policy replaces SNS's default one (which let the account publish), so the policy enforceSSL
    // writes would hold only its Deny: CloudWatch needs its own Allow, for this account's alarms only.
    const stack = Stack.of(this);
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
      // One dashboard: no separate summary or alarm dashboards.
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboard', {
        dashboardNamePrefix: prefix,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });

    for (const route of props.routes) {
      const service = props.functions.get(route.name);
      if (!service) throw new Error(`no function for route ${route.name}`);
      this.facade.monitorLambdaFunction({
        lambdaFunction: service.function,
        alarmFriendlyName: route.name,
        humanReadableName: `${route.method} ${route.path}`,
        addFaultCountAlarm: { Critical: { maxErrorCount: 0 } },
        addThrottlesCountAlarm: { Critical: { maxErrorCount: 0 } },
      });
    }
    this.monitorRoutes(props.api, props.routes);

    this.facade.monitorDynamoTable({
      table: props.table,
      addReadThrottledEventsCountAlarm: { Critical: { maxThrottledEventsThreshold: 0 } },
      addWriteThrottledEventsCountAlarm: { Critical: { maxThrottledEventsThreshold: 0 } },
      addSystemErrorCountAlarm: { Critical: { maxErrorCount: 0 } },
    });

    this.monitorDelivery(props.smsMonthlyBudgetUsd);
    this.monitorCodegate();
  }

  /** Adds a plain CloudWatch alarm (one not made through `facade`) to the alarm topic. */
  notify(alarm: Alarm): void {
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
  }

  /**
   * HTTP API metrics per route carry the `Route` dimension (the route key), not the REST API's
   * Method/Resource that the library's HTTP API monitoring uses, so these are custom metric groups.
   */
  private monitorRoutes(api: IHttpApi, routes: readonly Route[]) {
    // Three slow 5-minute periods in a row: SES/SNS attempts are bounded (lib/aws-clients.ts) well below.
    const slow = { ...above(ROUTE_ALARMS.p99Ms).Critical, datapointsToAlarm: 3, evaluationPeriods: 3 };
    const metricGroups: CustomMetricGroup[] = (['5xx', 'p99'] as const).map((kind) => ({
      title: kind === '5xx' ? 'API 5xx per route' : 'API p99 latency per route (ms)',
      metrics: routes.map((route) => ({
        metric: new Metric({
          namespace: 'AWS/ApiGateway',
          metricName: kind === '5xx' ? '5xx' : 'Latency',
          dimensionsMap: { ApiId: api.apiId, Stage: '$default', Route: `${route.method} ${route.path}` },
          statistic: kind === '5xx' ? 'Sum' : 'p99',
          period: FIVE_MINUTES,
          label: `${route.method} ${route.path}`,
        }),
        alarmFriendlyName: `${route.name}-${kind}`,
        addAlarm: kind === '5xx' ? above(ROUTE_ALARMS.fiveXx) : { Critical: slow },
      })),
    }));
    this.facade.monitorCustom({
      alarmFriendlyName: 'api-routes',
      humanReadableName: 'API routes',
      metricGroups,
    });
  }

  /** SES reputation (account level, what SES reviews), SMS spend against the budget, SMS delivery failures. */
  private monitorDelivery(smsBudgetUsd: number) {
    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: HOUR });
    const sns = (metricName: string, statistic = 'Sum') =>
      new Metric({
        namespace: 'AWS/SNS',
        metricName,
        // Direct publishes to phone numbers (not through a topic) are counted under this dimension.
        dimensionsMap:
          metricName === 'SMSMonthToDateSpentUSD' ? {} : { PhoneNumber: 'PhoneNumberDirectPublish' },
        statistic,
        period: HOUR,
      });
    const failureRate = new MathExpression({
      // Only with at least 5 failures in the hour: a single failed text is not a trend.
      expression: 'IF(failed >= 5, failed / (failed + delivered), 0)',
      usingMetrics: {
        failed: sns('NumberOfNotificationsFailed'),
        delivered: sns('NumberOfNotificationsDelivered'),
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
              metric: sns('SMSMonthToDateSpentUSD', 'Maximum'),
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

  /** Codegate's EMF metrics: delivery failures, busy answers, refusals by reason, sends vs approvals. */
  private monitorCodegate() {
    const codegate = (metricName: string, dimensions: Record<string, string> = {}, period = FIVE_MINUTES) =>
      new Metric({
        namespace: CODEGATE_METRICS.namespace,
        metricName,
        dimensionsMap: { service: CODEGATE_METRICS.service, ...dimensions },
        statistic: 'Sum',
        period,
        label: [metricName, ...Object.values(dimensions)].join(' '),
      });
    const channels = ['email', 'sms'] as const;
    const approvalRatio = new MathExpression({
      expression: `IF(sent >= ${APPROVAL_COLLAPSE.minSends}, approved / sent, 1)`,
      usingMetrics: {
        sent: codegate('CodeSent', { channel: 'sms' }, HOUR),
        approved: codegate('CodeApproved', { channel: 'sms' }, HOUR),
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
            ...channels.map((channel) => ({
              metric: codegate('DeliveryFailed', { channel }),
              alarmFriendlyName: `delivery-failed-${channel}`,
              addAlarm: above(5),
            })),
            { metric: codegate('Busy'), alarmFriendlyName: 'busy', addAlarm: above(5) },
          ],
        },
        {
          title: 'Refusals by reason',
          metrics: Object.entries(REFUSAL_ALARMS).map(([reason, threshold]) => ({
            metric: codegate('Refused', { reason }),
            alarmFriendlyName: `refused-${reason.replaceAll('_', '-')}`,
            addAlarm: above(threshold),
          })),
        },
        {
          title: 'Sends vs approvals per channel',
          metrics: channels.flatMap((channel) => [
            codegate('CodeSent', { channel }),
            codegate('CodeApproved', { channel }),
            codegate('LinkConfirmed', { channel }),
          ]),
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
