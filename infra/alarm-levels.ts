// Infra: alarm levels shared by both monitoring tiers (infra/monitoring.ts, infra/monitoring-full.ts).
import { ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';

/** 5xx answers in 5 minutes, and p99 latency (ms) held for 15 minutes: the whole API, and (full) per route. */
export const ROUTE_ALARMS = { fiveXx: 5, p99Ms: 3000 } as const;

/** A Critical alarm at or above `threshold`. */
export const above = (threshold: number) => ({
  Critical: { threshold, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD },
});

/** Three slow 5-minute periods in a row: SES/SNS attempts are bounded (lib/aws-clients.ts) well below. */
export const SLOW = { ...above(ROUTE_ALARMS.p99Ms).Critical, datapointsToAlarm: 3, evaluationPeriods: 3 };

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
