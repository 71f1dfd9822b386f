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
