// Infra data: AWS limits the code is held to outside the template's numbers (infra/aws-bounds.ts), each with its source.

export const PUT_METRIC_ALARM =
  'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html';
export const APIGW_QUOTAS = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html';
export const APIGW_ACCOUNT_QUOTE =
  'Throttle quota per account, per Region across HTTP APIs, REST APIs, WebSocket APIs…: 10,000 requests per second (RPS) … using a maximum bucket capacity of 5,000 requests';

/** The longest regular expression a WAF RegexMatchStatement takes (the send routes' path pattern, infra/edge.ts). */
export const WAF_REGEX_MAX_LENGTH = {
  max: 512,
  source: 'https://docs.aws.amazon.com/waf/latest/APIReference/API_RegexMatchStatement.html',
  quote: 'RegexString: … Length Constraints: Minimum length of 1. Maximum length of 512.',
} as const;

/** An alarm's whole evaluation range: Period × EvaluationPeriods, by the length of the period. */
export const ALARM_EVALUATION_RANGE = {
  /** Periods below this many seconds may span at most one day; longer periods at most seven. */
  shortPeriodBelow: 3_600,
  maxShortSeconds: 86_400,
  maxLongSeconds: 604_800,
  source: PUT_METRIC_ALARM,
  quote:
    "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one day (86,400 seconds).",
} as const;

/** The account-level API Gateway throttle every route ceiling shares (default Regions). */
export const API_ACCOUNT_THROTTLE = {
  rateLimit: 10_000,
  burstLimit: 5_000,
  source: APIGW_QUOTAS,
  quote: APIGW_ACCOUNT_QUOTE,
} as const;

/** What DynamoDB's TTL process reads: a top-level Number of epoch seconds, else it ignores the item. */
export const DYNAMODB_TTL = {
  type: 'N',
  unit: 'epoch seconds',
  source:
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html',
  quote:
    "The TTL attribute's value must be a top-level Number data type … must be a timestamp in Unix epoch time format in seconds. If you use any other format, the TTL processes ignore the item.",
} as const;
