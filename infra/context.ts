// Infra: the deploy-time contexts (`-c key=value`), each parsed once and refused in one line naming it.
import type { Construct } from 'constructs';
import {
  DEFAULT_MONITORING_TIER,
  DEFAULT_SMS_BUDGET_USD,
  MONITORING_TIERS,
  type MonitoringTier,
} from './monitoring.ts';

/** The SES identity used when no `sesIdentity` context is given; deploys, but cannot send. */
export const PLACEHOLDER_SES_IDENTITY = 'example.com';

/** `sesIdentity` context: one or more verified SES identities (domains or addresses), comma-separated. */
export function sesIdentities(scope: Construct): string[] {
  const raw: unknown = scope.node.tryGetContext('sesIdentity');
  const value = typeof raw === 'string' && raw.trim() !== '' ? raw : PLACEHOLDER_SES_IDENTITY;
  return value
    .split(',')
    .map((identity) => identity.trim())
    .filter((identity) => identity !== '');
}

/** The stack name (and construct id) when no `stackName` context is given. */
export const DEFAULT_STACK_NAME = 'Codegate';

/** `stackName` context: a CloudFormation stack name, so several copies can live in one account. */
export function stackNameOf(scope: Construct): string {
  const name = contextString(scope, 'stackName') ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name))
    throw new Error(
      `stackName must be a CloudFormation stack name (letters, digits, hyphens), got "${name}"`,
    );
  return name;
}

/** A context value as a string, or undefined when absent or blank. */
export function contextString(scope: Construct, key: string): string | undefined {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined || raw === null || String(raw).trim() === '') return undefined;
  return String(raw).trim();
}

/** A context of US dollars: a positive number, `fallback` when absent; anything else refused naming `key`. */
export function usdContextOf(scope: Construct, key: string, fallback: number): number {
  const raw = contextString(scope, key);
  if (raw === undefined) return fallback;
  const usd = Number(raw);
  if (!Number.isFinite(usd) || usd <= 0)
    throw new Error(`${key} must be a positive number of US dollars, got "${raw}"`);
  return usd;
}

/** `smsMonthlyBudgetUsd` context: a positive number of US dollars (SNS's default limit when absent). */
export const smsBudgetOf = (scope: Construct): number =>
  usdContextOf(scope, 'smsMonthlyBudgetUsd', DEFAULT_SMS_BUDGET_USD);

/** `alarmEmail` context: one email address, or none (SNS would only fail the subscription at deploy time). */
export function alarmEmailOf(scope: Construct): string | undefined {
  const email = contextString(scope, 'alarmEmail');
  if (email !== undefined && !/^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/.test(email))
    throw new Error(`alarmEmail must be one email address, got "${email}"`);
  return email;
}

/** `monitoring` context: `essential` (the default) or `full` (docs/deploy.md, "Monitoring tiers"). */
export function monitoringTierOf(scope: Construct): MonitoringTier {
  const raw = contextString(scope, 'monitoring') ?? DEFAULT_MONITORING_TIER;
  const tier = MONITORING_TIERS.find((known) => known === raw);
  if (!tier) throw new Error(`monitoring must be one of ${MONITORING_TIERS.join(', ')}, got "${raw}"`);
  return tier;
}

/** `domainName` + `certificateArn` context: both or neither. */
export function customDomainOf(scope: Construct): { domainName: string; certificateArn: string } | undefined {
  const domainName = contextString(scope, 'domainName');
  const certificateArn = contextString(scope, 'certificateArn');
  if (!domainName && !certificateArn) return undefined;
  if (!domainName || !certificateArn)
    throw new Error('give domainName and certificateArn together (an ACM certificate in the stack region)');
  return { domainName, certificateArn };
}
