// Infra: alarms (cdk-monitoring-constructs) in two tiers, the saved log queries and, in the full tier, the
// dashboard. Every alarm notifies one SNS topic. Each metric an alarm reads is in infra/metric-catalogue.ts.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { Route } from '../lib/routes.ts';
import {
  APPROVAL_COLLAPSE,
  DEFAULT_SMS_BUDGET_USD,
  REFUSAL_ALARMS,
  ROUTE_ALARMS,
  SES_REPUTATION_ALARMS,
  SMS_BUDGET_ALARM_SHARE,
} from './alarm-levels.ts';
import { SavedLogQueries } from './log-queries.ts';
import { CODEGATE_METRICS } from './metric-catalogue.ts';
import { monitorApi, monitorCodegate, monitorDelivery, monitorTable } from './monitoring-essential.ts';
import { monitorFullTier } from './monitoring-full.ts';
import type { ServiceFunction } from './service-function.ts';

export {
  APPROVAL_COLLAPSE,
  CODEGATE_METRICS,
  DEFAULT_SMS_BUDGET_USD,
  REFUSAL_ALARMS,
  ROUTE_ALARMS,
  SES_REPUTATION_ALARMS,
  SMS_BUDGET_ALARM_SHARE,
};

/**
 * `-c monitoring=…`: `essential` (the default) pages for real harm on metrics that exist without detailed route
 * metrics, for a few dollars a month at rest; `full` adds per-route and per-function alarms, the API's detailed
 * per-route metrics and a dashboard (docs/deploy.md, "Monitoring tiers"; `npm run cost` prices both).
 */
export const MONITORING_TIERS = ['essential', 'full'] as const;
export type MonitoringTier = (typeof MONITORING_TIERS)[number];
export const DEFAULT_MONITORING_TIER: MonitoringTier = 'essential';

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

    monitorApi(this.facade, props.api);
    monitorTable(this.facade, props.table);
    monitorDelivery(this.facade, props.smsMonthlyBudgetUsd);
    monitorCodegate(this.facade);
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
}
