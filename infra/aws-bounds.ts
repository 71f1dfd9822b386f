// Infra facts: every number AWS bounds that the stack configures, once, with the documented bound and its source;
// test/infra-bounds.test.ts holds the synthesized template (and the code writing the TTL attribute) to it.

import { APIGW_ACCOUNT_QUOTE, APIGW_QUOTAS, PUT_METRIC_ALARM } from './aws-limits.ts';

/** A bound on one numeric template property: where it lives, what AWS accepts, and where AWS says so. */
export interface Bound {
  /** CloudFormation resource type holding the value. */
  resourceType: string;
  /** Property path below `Properties`; `*` stands for any array index or map key (`RouteSettings.*.…`). */
  path: readonly string[];
  min?: number;
  max?: number;
  /** The value must stay strictly below `max` (e.g. a timeout that has to fire before someone else's). */
  exclusiveMax?: boolean;
  oneOf?: readonly number[];
  multipleOf?: number;
  /** Applies only to resources whose property at `path` references a resource of `type` (a pipe's target). */
  onlyWhere?: { referenceAt: readonly string[]; type: string };
  /** Applies only to resources that a resource of this type references (functions behind the HTTP API). */
  onlyIfReferencedBy?: string;
  /** AWS documentation page. */
  source: string;
  /** The documentation's words, short. */
  quote: string;
}

const PIPE_STREAM = ['SourceParameters', 'DynamoDBStreamParameters'] as const;
const PIPES_REF =
  'https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeSourceDynamoDBStreamParameters.html';
const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const SQS_ATTRIBUTES =
  'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html';
const RULE_RETRY = 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html';
const ASYNC_INVOKE = 'https://docs.aws.amazon.com/lambda/latest/api/API_FunctionEventInvokeConfig.html';
const ALARM_PERIOD_QUOTE =
  'Valid values are 10, 20, 30, and any multiple of 60 (10/20/30 only for high-resolution metrics, which Codegate does not publish)';
const WAF_RATE_STATEMENT = 'https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html';
const WAF_RULE = ['Rules', '*'] as const;
const THROTTLE = (field: 'ThrottlingRateLimit' | 'ThrottlingBurstLimit', max: number, where: string[]) => ({
  resourceType: 'AWS::ApiGatewayV2::Stage',
  path: [...where, field],
  min: 0,
  max,
  source: APIGW_QUOTAS,
  quote: `${APIGW_ACCOUNT_QUOTE} (default Regions; 2,500 / 1,250 in newer ones): a route ceiling above it never acts`,
});

/** Every bounded template property, by name. */
export const AWS_BOUNDS = {
  pipeBatchSize: {
    resourceType: 'AWS::Pipes::Pipe',
    path: [...PIPE_STREAM, 'BatchSize'],
    min: 1,
    max: 10_000,
    source: PIPES_REF,
    quote: 'BatchSize: Valid Range: Minimum value of 1. Maximum value of 10000.',
  },
  pipeBatchSizeToEventBus: {
    resourceType: 'AWS::Pipes::Pipe',
    path: [...PIPE_STREAM, 'BatchSize'],
    max: 10,
    onlyWhere: { referenceAt: ['Target'], type: 'AWS::Events::EventBus' },
    source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html',
    quote:
      "you can't configure a pipe with a larger batch size than the target supports … EventBridge event bus: 10",
  },
  pipeBatchingWindow: {
    resourceType: 'AWS::Pipes::Pipe',
    path: [...PIPE_STREAM, 'MaximumBatchingWindowInSeconds'],
    min: 0,
    max: 300,
    source: PIPES_REF,
    quote: 'MaximumBatchingWindowInSeconds: Valid Range: Minimum value of 0. Maximum value of 300.',
  },
  pipeRetryAttempts: {
    resourceType: 'AWS::Pipes::Pipe',
    path: [...PIPE_STREAM, 'MaximumRetryAttempts'],
    min: -1,
    max: 10_000,
    source: PIPES_REF,
    quote:
      'MaximumRetryAttempts: … -1, which sets the maximum number of retries to infinite … Maximum value of 10000.',
  },
  pipeRecordAge: {
    resourceType: 'AWS::Pipes::Pipe',
    path: [...PIPE_STREAM, 'MaximumRecordAgeInSeconds'],
    min: -1,
    max: 604_800,
    source: PIPES_REF,
    quote: 'MaximumRecordAgeInSeconds: Valid Range: Minimum value of -1. Maximum value of 604800.',
  },
  pipeParallelization: {
    resourceType: 'AWS::Pipes::Pipe',
    path: [...PIPE_STREAM, 'ParallelizationFactor'],
    min: 1,
    max: 10,
    source: PIPES_REF,
    quote: 'ParallelizationFactor: Valid Range: Minimum value of 1. Maximum value of 10.',
  },
  defaultRouteRate: THROTTLE('ThrottlingRateLimit', 10_000, ['DefaultRouteSettings']),
  defaultRouteBurst: THROTTLE('ThrottlingBurstLimit', 5_000, ['DefaultRouteSettings']),
  routeRate: THROTTLE('ThrottlingRateLimit', 10_000, ['RouteSettings', '*']),
  routeBurst: THROTTLE('ThrottlingBurstLimit', 5_000, ['RouteSettings', '*']),
  integrationTimeout: {
    resourceType: 'AWS::ApiGatewayV2::Integration',
    path: ['TimeoutInMillis'],
    min: 50,
    max: 30_000,
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html',
    quote: 'Maximum integration timeout: 30 seconds (can be increased: No)',
  },
  functionTimeoutBehindHttpApi: {
    resourceType: 'AWS::Lambda::Function',
    path: ['Timeout'],
    max: 30,
    exclusiveMax: true,
    onlyIfReferencedBy: 'AWS::ApiGatewayV2::Integration',
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html',
    quote:
      'Maximum integration timeout: 30 seconds: a function behind the HTTP API must time out first, or the caller gets the gateway’s 503 instead of the dialect’s own busy answer',
  },
  functionTimeout: {
    resourceType: 'AWS::Lambda::Function',
    path: ['Timeout'],
    min: 1,
    max: 900,
    source: LAMBDA_QUOTAS,
    quote: 'Function timeout: 900 seconds (15 minutes)',
  },
  functionMemory: {
    resourceType: 'AWS::Lambda::Function',
    path: ['MemorySize'],
    min: 128,
    max: 10_240,
    source: LAMBDA_QUOTAS,
    quote: 'Function memory allocation: 128 MB to 10,240 MB, in 1-MB increments',
  },
  queueRetention: {
    resourceType: 'AWS::SQS::Queue',
    path: ['MessageRetentionPeriod'],
    min: 60,
    max: 1_209_600,
    source: SQS_ATTRIBUTES,
    quote: 'MessageRetentionPeriod – An integer from 60 seconds (1 minute) to 1,209,600 seconds (14 days)',
  },
  queueVisibility: {
    resourceType: 'AWS::SQS::Queue',
    path: ['VisibilityTimeout'],
    min: 0,
    max: 43_200,
    source: SQS_ATTRIBUTES,
    quote: 'VisibilityTimeout – An integer from 0 to 43,200 (12 hours)',
  },
  queueDelay: {
    resourceType: 'AWS::SQS::Queue',
    path: ['DelaySeconds'],
    min: 0,
    max: 900,
    source: SQS_ATTRIBUTES,
    quote: 'DelaySeconds – An integer from 0 to 900 seconds (15 minutes)',
  },
  logRetention: {
    resourceType: 'AWS::Logs::LogGroup',
    path: ['RetentionInDays'],
    oneOf: [
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ],
    source:
      'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
    quote:
      'Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, … and 3653',
  },
  ruleRetryAttempts: {
    resourceType: 'AWS::Events::Rule',
    path: ['Targets', '*', 'RetryPolicy', 'MaximumRetryAttempts'],
    min: 0,
    max: 185,
    source: RULE_RETRY,
    quote: 'MaximumRetryAttempts: Valid Range: Minimum value of 0. Maximum value of 185.',
  },
  ruleEventAge: {
    resourceType: 'AWS::Events::Rule',
    path: ['Targets', '*', 'RetryPolicy', 'MaximumEventAgeInSeconds'],
    min: 60,
    max: 86_400,
    source: RULE_RETRY,
    quote: 'MaximumEventAgeInSeconds: Valid Range: Minimum value of 60. Maximum value of 86400.',
  },
  asyncRetryAttempts: {
    resourceType: 'AWS::Lambda::EventInvokeConfig',
    path: ['MaximumRetryAttempts'],
    min: 0,
    max: 2,
    source: ASYNC_INVOKE,
    quote: 'MaximumRetryAttempts: Valid Range: Minimum value of 0. Maximum value of 2.',
  },
  asyncEventAge: {
    resourceType: 'AWS::Lambda::EventInvokeConfig',
    path: ['MaximumEventAgeInSeconds'],
    min: 60,
    max: 21_600,
    source: ASYNC_INVOKE,
    quote: 'MaximumEventAgeInSeconds: Valid Range: Minimum value of 60. Maximum value of 21600.',
  },
  wafRateLimit: {
    resourceType: 'AWS::WAFv2::WebACL',
    path: [...WAF_RULE, 'Statement', 'RateBasedStatement', 'Limit'],
    min: 10,
    max: 2_000_000_000,
    source: WAF_RATE_STATEMENT,
    quote:
      'Limit: … Valid Range: Minimum value of 10. Maximum value of 2000000000. (The minimum was 100 until https://aws.amazon.com/about-aws/whats-new/2024/08/aws-waf-rate-based-rules-lower-rate-limits: "as low as 10 requests per evaluation window")',
  },
  wafRateWindow: {
    resourceType: 'AWS::WAFv2::WebACL',
    path: [...WAF_RULE, 'Statement', 'RateBasedStatement', 'EvaluationWindowSec'],
    oneOf: [60, 120, 300, 600],
    source: WAF_RATE_STATEMENT,
    quote: 'EvaluationWindowSec: … Valid Values: 60 | 120 | 300 | 600 (default 300, five minutes)',
  },
  wafRulePriority: {
    resourceType: 'AWS::WAFv2::WebACL',
    path: [...WAF_RULE, 'Priority'],
    min: 0,
    source: 'https://docs.aws.amazon.com/waf/latest/APIReference/API_Rule.html',
    quote: 'Priority: … Valid Range: Minimum value of 0 (rules are evaluated from the lowest value up)',
  },
  wafCustomResponseCode: {
    resourceType: 'AWS::WAFv2::WebACL',
    path: [...WAF_RULE, 'Action', 'Block', 'CustomResponse', 'ResponseCode'],
    min: 200,
    max: 599,
    source: 'https://docs.aws.amazon.com/waf/latest/APIReference/API_CustomResponse.html',
    quote:
      'ResponseCode: The HTTP status code to return to the client. … Valid Range: Minimum value of 200. Maximum value of 599.',
  },
  alarmPeriod: {
    resourceType: 'AWS::CloudWatch::Alarm',
    path: ['Period'],
    min: 60,
    multipleOf: 60,
    source: PUT_METRIC_ALARM,
    quote: ALARM_PERIOD_QUOTE,
  },
  alarmMetricPeriod: {
    resourceType: 'AWS::CloudWatch::Alarm',
    path: ['Metrics', '*', 'MetricStat', 'Period'],
    min: 60,
    multipleOf: 60,
    source: PUT_METRIC_ALARM,
    quote: ALARM_PERIOD_QUOTE,
  },
  alarmExpressionPeriod: {
    resourceType: 'AWS::CloudWatch::Alarm',
    path: ['Metrics', '*', 'Period'],
    min: 60,
    multipleOf: 60,
    source: PUT_METRIC_ALARM,
    quote: ALARM_PERIOD_QUOTE,
  },
  alarmEvaluationPeriods: {
    resourceType: 'AWS::CloudWatch::Alarm',
    path: ['EvaluationPeriods'],
    min: 1,
    source: PUT_METRIC_ALARM,
    quote: 'EvaluationPeriods: Valid Range: Minimum value of 1.',
  },
  alarmDatapoints: {
    resourceType: 'AWS::CloudWatch::Alarm',
    path: ['DatapointsToAlarm'],
    min: 1,
    source: PUT_METRIC_ALARM,
    quote:
      'DatapointsToAlarm: Valid Range: Minimum value of 1 (and at most EvaluationPeriods: an M out of N alarm)',
  },
} as const satisfies Record<string, Bound>;

/** Numeric template properties AWS does not bound (any number is accepted), with the reason. */
type Unbounded = { resourceType: string; path: readonly string[]; reason: string };
export const UNBOUNDED: readonly Unbounded[] = [
  { resourceType: 'AWS::CloudWatch::Alarm', path: ['Threshold'], reason: 'any double' },
];

/** The most entries an EventBridge event bus target takes per pipe batch (the enrichment's output too). */
export const PIPE_EVENT_BUS_BATCH = AWS_BOUNDS.pipeBatchSizeToEventBus.max;

export {
  ALARM_EVALUATION_RANGE,
  API_ACCOUNT_THROTTLE,
  DYNAMODB_TTL,
  WAF_REGEX_MAX_LENGTH,
} from './aws-limits.ts';
