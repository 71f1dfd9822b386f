// Infra data: the us-east-1 list prices `npm run cost` uses, each with its source, the words it came from and the date read.

/** One list price: what it costs per unit, and where (and when) that was read. */
export interface ListPrice {
  /** US dollars per `unit`. */
  readonly usd: number;
  readonly unit: string;
  /** The page the price is published on. */
  readonly source: string;
  /** The words on that page the price came from (or, where marked, how the page was read). */
  readonly quote: string;
  /** When it was read (ISO date). */
  readonly read: string;
  /** How it was read when the page itself could not be: a secondary page, or the project brief. Absent: the page. */
  readonly via?: string;
}

/** Summaries of the AWS pages, read where the pages themselves were not stored (both cite aws.amazon.com). */
const VIA_SUMMARY =
  'https://cloudburn.io/blog/amazon-cloudwatch-pricing, https://cloudburn.io/blog/amazon-eventbridge-pricing (summaries of the AWS page, us-east-1, 2026)';
const VIA_KNOWN =
  'not in the stored corpus: the price as docs/deploy.md and the project brief state it; check the page';

const READ = '2026-12-06';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const EVENTBRIDGE = 'https://aws.amazon.com/eventbridge/pricing/';

/**
 * Every price the cost model applies, us-east-1, list (no free tier unless a price says so). A price
 * changes here and nowhere else; `test/cost.test.ts` prices a hand-made template against this table.
 */
export const PRICES = {
  alarmMetricStandard: {
    usd: 0.1,
    unit: 'alarm metric-month',
    source: CLOUDWATCH,
    quote: 'Alarms — Standard Resolution (60 sec): $0.10 per alarm metric',
    read: READ,
    via: VIA_SUMMARY,
  },
  alarmMetricHighResolution: {
    usd: 0.3,
    unit: 'alarm metric-month',
    source: CLOUDWATCH,
    quote: 'Alarms — High Resolution (10 sec): $0.30 per alarm metric',
    read: READ,
    via: VIA_SUMMARY,
  },
  /**
   * How alarms with several metrics bill. Not a price: the counting rule the model applies to metric-math
   * and anomaly-detection alarms (an expression is not a metric; each metric it reads is).
   */
  alarmMetricCounting: {
    usd: 0,
    unit: 'rule',
    source: CLOUDWATCH,
    quote:
      'Metric math alarms are charged per metric in the expression; an anomaly detection alarm is charged as 3 alarm metrics (the metric, and the upper and lower bound of the expected band). (Via AWS-citing summaries, e.g. https://cloudburn.io/blog/amazon-cloudwatch-pricing; github.com summaries in the code corpus say the same: "Metric math alarm: per metric referenced in the expression", "Anomaly detection alarm: charged as three alarm metrics".)',
    read: READ,
  },
  compositeAlarm: {
    usd: 0.5,
    unit: 'alarm-month',
    source: CLOUDWATCH,
    quote: 'Composite alarms: $0.50 per alarm per month',
    read: READ,
    via: VIA_SUMMARY,
  },
  dashboard: {
    usd: 3,
    unit: 'dashboard-month',
    source: CLOUDWATCH,
    quote:
      'Dashboards: $3.00 per dashboard per month (free tier: 3 dashboards for up to 50 metrics per month)',
    read: READ,
    via: VIA_SUMMARY,
  },
  customMetric: {
    usd: 0.3,
    unit: 'metric-month (first 10,000)',
    source: CLOUDWATCH,
    quote:
      'Metrics: first 10,000 metrics $0.30 per metric per month; prorated by the hour, metered only when the metric is sent to CloudWatch',
    read: READ,
    via: VIA_SUMMARY,
  },
  logIngestion: {
    usd: 0.5,
    unit: 'GB ingested',
    source: CLOUDWATCH,
    quote: 'Logs — Collect (Data Ingestion), Standard: $0.50 per GB',
    read: READ,
    via: VIA_SUMMARY,
  },
  logStorage: {
    usd: 0.03,
    unit: 'GB-month stored',
    source: CLOUDWATCH,
    quote: 'Logs — Store (Archival): $0.03 per GB',
    read: READ,
    via: VIA_SUMMARY,
  },
  secret: {
    usd: 0.4,
    unit: 'secret-month',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    quote: 'Per secret: $0.40 per secret per month; per 10,000 API calls: $0.05',
    read: READ,
    via: VIA_KNOWN,
  },
  kmsCustomerKey: {
    usd: 1,
    unit: 'key-month',
    source: 'https://aws.amazon.com/kms/pricing/',
    quote:
      'Each customer managed key that you create in AWS KMS costs $1/month; AWS managed keys are created on your behalf at no charge',
    read: READ,
    via: VIA_KNOWN,
  },
  wafWebAcl: {
    usd: 5,
    unit: 'web ACL-month',
    source: 'https://aws.amazon.com/waf/pricing/',
    quote: 'Web ACL: $5.00 per month (prorated hourly)',
    read: READ,
    via: VIA_KNOWN,
  },
  wafRule: {
    usd: 1,
    unit: 'rule-month',
    source: 'https://aws.amazon.com/waf/pricing/',
    quote: 'Rule: $1.00 per month (prorated hourly)',
    read: READ,
    via: VIA_KNOWN,
  },
  wafRequest: {
    usd: 0.6 / 1e6,
    unit: 'request inspected by a web ACL',
    source: 'https://aws.amazon.com/waf/pricing/',
    quote: 'Requests: $0.60 per 1 million requests processed (web ACLs up to 1,500 WCUs)',
    read: READ,
    via: VIA_KNOWN,
  },
  cloudFrontHttpsRequest: {
    usd: 0.01 / 10_000,
    unit: 'HTTPS request (United States)',
    source: 'https://aws.amazon.com/cloudfront/pricing/',
    quote:
      'HTTPS requests, United States: $0.0100 per 10,000 (no monthly fee; the always-free tier covers 10 million requests and 1 TB a month, which the model ignores)',
    read: READ,
    via: VIA_KNOWN,
  },
  cloudFrontFunction: {
    usd: 0.1 / 1e6,
    unit: 'CloudFront Functions invocation',
    source: 'https://aws.amazon.com/cloudfront/pricing/',
    quote: 'CloudFront Functions: $0.10 per 1 million invocations',
    read: READ,
    via: VIA_KNOWN,
  },
  dynamoWrite: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (on-demand)',
    source: DYNAMODB,
    quote: 'Write request units: $0.625 per million write request units',
    read: READ,
    via: VIA_KNOWN,
  },
  dynamoRead: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (on-demand)',
    source: DYNAMODB,
    quote: 'Read request units: $0.125 per million read request units',
    read: READ,
    via: VIA_KNOWN,
  },
  dynamoStorage: {
    usd: 0.25,
    unit: 'GB-month (first 25 GB free)',
    source: DYNAMODB,
    quote: 'Data storage: first 25 GB stored per month is free; $0.25 per GB-month thereafter',
    read: READ,
    via: VIA_KNOWN,
  },
  dynamoPitr: {
    usd: 0.2,
    unit: 'GB-month of table data',
    source: DYNAMODB,
    quote: 'Continuous backups (PITR): $0.20 per GB-month',
    read: READ,
    via: VIA_KNOWN,
  },
  dynamoStreamRead: {
    usd: 0.02 / 100_000,
    unit: 'streams read request unit (GetRecords call)',
    source:
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CostOptimization_StreamsUsage.html',
    quote:
      'Each read request in terms of the stream is in the form of a GetRecords API call … DynamoDB Streams are not charged for being idle … Read requests made by AWS Lambda-based consumers of DynamoDB Streams are free, whereas calls made by consumers of any other kind are charged. Every month, the first 2,500,000 read requests made by non-Lambda consumers are free. (Price: $0.02 per 100,000 streams read request units, https://aws.amazon.com/dynamodb/pricing/on-demand/)',
    read: READ,
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'request',
    source: LAMBDA,
    quote: 'Requests: $0.20 per 1M requests',
    read: READ,
    via: VIA_KNOWN,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second (arm64)',
    source: LAMBDA,
    quote: 'Arm price, first 7.5 billion GB-seconds / month: $0.0000133334 for every GB-second',
    read: READ,
    via: VIA_KNOWN,
  },
  lambdaX86GbSecond: {
    usd: 0.0000166667,
    unit: 'GB-second (x86_64)',
    source: LAMBDA,
    quote: 'x86 price, first 6 billion GB-seconds / month: $0.0000166667 for every GB-second',
    read: READ,
    via: VIA_KNOWN,
  },
  httpApiRequest: {
    usd: 1 / 1e6,
    unit: 'HTTP API request',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    quote: 'HTTP APIs: first 300 million requests per month $1.00 (per million)',
    read: READ,
    via: VIA_KNOWN,
  },
  sesEmail: {
    usd: 0.1 / 1000,
    unit: 'email',
    source: 'https://aws.amazon.com/ses/pricing/',
    quote: 'Outbound email: $0.10 for every 1,000 emails',
    read: READ,
    via: VIA_KNOWN,
  },
  snsSmsUs: {
    usd: 0.00883,
    unit: 'SMS to a US number (example)',
    source: 'https://aws.amazon.com/end-user-messaging/pricing/',
    quote:
      'United States, outbound SMS: base price $0.00581 per message plus a carrier fee (about $0.00302 on a registered 10DLC number); other countries differ by 10× or more. An example, not a quote for your route.',
    read: READ,
    via: VIA_KNOWN,
  },
  pipeRequest: {
    usd: 0.4 / 1e6,
    unit: 'pipe request (64 KB chunk, after filtering)',
    source: EVENTBRIDGE,
    quote:
      'Pipes: $0.40 per million requests, counted after filtering; every 64 KB chunk of a payload is a request',
    read: READ,
    via: VIA_SUMMARY,
  },
  busEvent: {
    usd: 1 / 1e6,
    unit: 'custom event put on a bus',
    source: EVENTBRIDGE,
    quote: 'Event bus, custom events: $1.00 per million events published (64 KB chunks)',
    read: READ,
    via: VIA_SUMMARY,
  },
  twilioVerification: {
    usd: 0.05,
    unit: 'successful verification (plus channel fees)',
    source: 'https://www.twilio.com/en-us/verify/pricing',
    quote:
      '$0.05 per successful verification, plus channel fees (SMS at Programmable Messaging rates, e.g. US $0.0083 per segment). The Twilio page was not in the stored corpus: not quoted verbatim.',
    read: READ,
    via: 'the project brief',
  },
  twilioSmsUs: {
    usd: 0.0083,
    unit: 'SMS segment to a US number (Twilio channel fee)',
    source: 'https://www.twilio.com/en-us/sms/pricing/us',
    quote:
      'US outbound SMS: $0.0083 per segment (carrier fees extra). Not quoted verbatim: the page was not in the stored corpus.',
    read: READ,
    via: 'the project brief',
  },
} as const satisfies Record<string, ListPrice>;

/** Free allowances the model applies (counts, not dollars). */
export const FREE_ALLOWANCES = {
  /** CloudWatch's always-free dashboards per account; the model cannot know the account, so it prices all. */
  dashboards: 3,
  /** Streams read requests by non-Lambda consumers (an EventBridge Pipe is one) free each month. */
  streamReadsPerMonth: 2_500_000,
  source:
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CostOptimization_StreamsUsage.html',
} as const;
