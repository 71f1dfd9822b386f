// Infra: the metrics the alarms may read, as their publishers define them — namespace, names, dimension sets and
// fixed dimension values, each entry with its source. test/infra-metric-catalogue.test.ts fails on any alarm
// (either tier) whose metric is not here; the deployment verifier lists those without data after a deploy.
import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';

/** One kind of metric: who publishes it under which names and dimension sets, and where that is written. */
export interface CatalogueEntry {
  namespace: string;
  metricNames: readonly string[];
  /** Each set of dimension names the metric is published with (order does not matter). */
  dimensionSets: readonly (readonly string[])[];
  /** Dimensions whose values are fixed by the publisher: the only values an alarm may name. */
  fixedValues?: Readonly<Record<string, readonly string[]>>;
  /** The documentation page (or the catalogue aws-cdk-lib ships, or our own code) that defines it. */
  source: string;
  note?: string;
}

/** Where lib/observe.ts publishes (EMF through Powertools, which adds the `service` dimension). */
export const CODEGATE_METRICS = { namespace: 'Codegate', service: 'codegate' } as const;

/**
 * The DynamoDB operations the functions send (lib/store: Get, Put, Update, Delete, Query and TransactWrite
 * commands; Scan and BatchWrite only in the admin commands), each a value of SystemErrors' `Operation`.
 */
export const DYNAMODB_OPERATIONS = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'TransactWriteItems',
] as const;

/**
 * SMS published straight to a phone number (not through a topic) is counted under this dimension value: the
 * metric catalogue aws-cdk-lib ships lists the SNS `PhoneNumber` dimension (`SNSMetrics.phoneNumberDirectSum`),
 * and production SNS-SMS dashboards read `PhoneNumber=PhoneNumberDirect` (e.g. cds-snc/notification-terraform).
 * The value Codegate read before, `PhoneNumberDirectPublish`, appears in no source. `npm run verify:deployment`
 * lists the alarms whose metrics have no data after SMS traffic, which settles it on the first deploy.
 */
export const SNS_DIRECT_SMS = { PhoneNumber: 'PhoneNumberDirect' } as const;

/** The HTTP API's metrics; with detailed metrics on, each is also published per route (a custom metric each). */
export const HTTP_API_METRICS = {
  namespace: 'AWS/ApiGateway',
  metricNames: ['4xx', '5xx', 'Count', 'IntegrationLatency', 'Latency', 'DataProcessed'],
  dimensionSets: [['ApiId'], ['ApiId', 'Stage'], ['ApiId', 'Method', 'Resource', 'Stage']],
  source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html',
  note: 'HTTP APIs: "ApiId", "ApiId, Stage", and with detailed metrics "ApiId, Method, Resource, Stage" (the route). No "Route" dimension is documented.',
} as const satisfies CatalogueEntry;

export const METRIC_CATALOGUE: readonly CatalogueEntry[] = [
  HTTP_API_METRICS,
  {
    namespace: 'AWS/Lambda',
    metricNames: ['Errors', 'Throttles', 'Invocations', 'Duration', 'ConcurrentExecutions'],
    dimensionSets: [['FunctionName']],
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html',
  },
  {
    namespace: 'AWS/DynamoDB',
    metricNames: ['ReadThrottleEvents', 'WriteThrottleEvents'],
    dimensionSets: [['TableName']],
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html',
  },
  {
    namespace: 'AWS/DynamoDB',
    metricNames: ['SystemErrors'],
    dimensionSets: [['TableName', 'Operation']],
    fixedValues: {
      Operation: [
        'BatchGetItem',
        'BatchWriteItem',
        'DeleteItem',
        'GetItem',
        'GetRecords',
        'PutItem',
        'Query',
        'Scan',
        'TransactGetItems',
        'TransactWriteItems',
        'UpdateItem',
      ],
    },
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html',
    note: 'SystemErrors is published per operation; TransactWriteItems and TransactGetItems are operations of their own.',
  },
  {
    namespace: 'AWS/SES',
    metricNames: ['Reputation.BounceRate', 'Reputation.ComplaintRate'],
    dimensionSets: [[]],
    source: 'https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-cloudwatch-alarm.html',
  },
  {
    namespace: 'AWS/SNS',
    metricNames: ['SMSMonthToDateSpentUSD'],
    dimensionSets: [[]],
    source: 'https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html',
  },
  {
    namespace: 'AWS/SNS',
    metricNames: ['NumberOfNotificationsDelivered', 'NumberOfNotificationsFailed'],
    dimensionSets: [['PhoneNumber']],
    fixedValues: { PhoneNumber: [SNS_DIRECT_SMS.PhoneNumber] },
    source:
      'aws-cdk-lib aws-sns/lib/sns-canned-metrics.generated (PhoneNumber dimension); https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html',
    note: 'The value is confirmed by npm run verify:deployment after SMS traffic (docs/verify-deployment.md).',
  },
  {
    namespace: 'AWS/SQS',
    metricNames: ['ApproximateNumberOfMessagesVisible'],
    dimensionSets: [['QueueName']],
    source:
      'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html',
  },
  {
    namespace: CODEGATE_METRICS.namespace,
    metricNames: [
      'CodeSent',
      'CodeApproved',
      'CodeRejected',
      'CheckRefused',
      'LinkConfirmed',
      'LinkRefused',
      'GrantRedeemed',
      'GrantRefused',
      'DeliveryFailed',
      'VerificationCanceled',
      'VerificationApprovedByUpdate',
      'PumpingBlocked',
      'PumpingMonitored',
      'Spend',
      'Busy',
      'Refused',
    ],
    dimensionSets: [['service'], ['service', 'channel'], ['service', 'reason']],
    fixedValues: { service: [CODEGATE_METRICS.service] },
    source:
      'lib/observe.ts (EMF through Powertools; test/infra-metric-catalogue.test.ts records what it emits)',
  },
];

/** A Codegate EMF metric as lib/observe.ts publishes it (Sum over `period`). */
export function codegateMetric(
  metricName: string,
  dimensions: Record<string, string> = {},
  period: Duration = Duration.minutes(5),
): Metric {
  return new Metric({
    namespace: CODEGATE_METRICS.namespace,
    metricName,
    dimensionsMap: { service: CODEGATE_METRICS.service, ...dimensions },
    statistic: 'Sum',
    period,
    label: [metricName, ...Object.values(dimensions)].join(' '),
  });
}
