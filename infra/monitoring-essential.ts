// Infra: the essential tier's alarms (both tiers have them): the whole API, the table, delivery (SES reputation,
// SMS spend and failures) and Codegate's own EMF metrics. Levels in infra/alarm-levels.ts, metrics catalogued in
// infra/metric-catalogue.ts.
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { ComparisonOperator, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { MonitoringFacade } from 'cdk-monitoring-constructs';
import {
  APPROVAL_COLLAPSE,
  above,
  REFUSAL_ALARMS,
  ROUTE_ALARMS,
  SES_REPUTATION_ALARMS,
  SLOW,
  SMS_BUDGET_ALARM_SHARE,
} from './alarm-levels.ts';
import { codegateMetric, DYNAMODB_OPERATIONS, SNS_DIRECT_SMS } from './metric-catalogue.ts';

const FIVE_MINUTES = Duration.minutes(5);
const HOUR = Duration.hours(1);

/**
 * The whole API's 5xx and p99 latency (dimensions ApiId and Stage, published without detailed metrics).
 * A function that crashes, times out or is throttled answers 5xx here, so these also stand for the HTTP
 * functions' errors and throttles; errors the functions catch are the `Busy` metric below.
 */
export function monitorApi(facade: MonitoringFacade, api: IHttpApi): void {
  const metric = (metricName: string, statistic: string) =>
    new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: api.apiId, Stage: '$default' },
      statistic,
      period: FIVE_MINUTES,
      label: `API ${metricName} (${statistic})`,
    });
  facade.monitorCustom({
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
export function monitorTable(facade: MonitoringFacade, table: ITable): void {
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
  facade.monitorCustom({
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
export function monitorDelivery(facade: MonitoringFacade, smsBudgetUsd: number): void {
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
  facade.monitorCustom({
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
export function monitorCodegate(facade: MonitoringFacade): void {
  const approvalRatio = new MathExpression({
    expression: `IF(sent >= ${APPROVAL_COLLAPSE.minSends}, approved / sent, 1)`,
    usingMetrics: {
      sent: codegateMetric('CodeSent', { channel: 'sms' }, HOUR),
      approved: codegateMetric('CodeApproved', { channel: 'sms' }, HOUR),
    },
    label: 'SMS approvals per send',
    period: HOUR,
  });
  facade.monitorCustom({
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
