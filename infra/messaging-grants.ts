// The WhatsApp and voice channels in the stack (AWS End User Messaging Social, and SMS and Voice v2): offered only
// with `-c channels=whatsapp,voice` (either or both), which bundles their clients into the sending functions,
// grants their actions to the functions whose route's `access` names them (lib/routes.ts; test/grants.test.ts
// records who calls them) and, in the full monitoring tier, pages on their delivery failures.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { MonitoringFacade } from 'cdk-monitoring-constructs';
import type { Construct } from 'constructs';
import { above } from './alarm-levels.ts';
import { usdContextOf } from './context.ts';
import { codegateMetric } from './metric-catalogue.ts';
import type { ServiceFunction } from './service-function.ts';

/** The channels `-c channels=…` may add to email and SMS. */
const EXTRA_CHANNELS = ['whatsapp', 'voice'] as const;
export type ExtraChannel = (typeof EXTRA_CHANNELS)[number];

/**
 * `channels` context: which of WhatsApp and voice the stack offers (comma-separated; none when absent). Without
 * one, its client is left out of every bundle (each adds 12–38 KB to the sending functions) and no role may call it.
 */
export function extraChannelsOf(scope: Construct): Record<ExtraChannel, boolean> {
  const raw: unknown = scope.node.tryGetContext('channels');
  const names = String(raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.find((name) => !(EXTRA_CHANNELS as readonly string[]).includes(name));
  if (unknown !== undefined)
    throw new Error(
      `channels must list whatsapp and/or voice (email and SMS are always on), got "${unknown}"`,
    );
  return { whatsapp: names.includes('whatsapp'), voice: names.includes('voice') };
}

/** The WhatsApp and voice spend alarms' threshold when no `channelDailySpendUsd` context is given: USD a day per channel. */
export const DEFAULT_CHANNEL_DAILY_SPEND_USD = 10;

/** `channelDailySpendUsd` context: a positive number of US dollars, the spend a day per channel that pages. */
export const channelDailySpendOf = (scope: Construct): number =>
  usdContextOf(scope, 'channelDailySpendUsd', DEFAULT_CHANNEL_DAILY_SPEND_USD);

/**
 * Either tier: a spend alarm on each offered channel, `Spend` (lib/observe.ts: what the pumping guard charged each
 * send, USD) summed over a day at or above `dailyUsd`. AWS publishes no spend metric for End User Messaging Social
 * or for calls (SNS's `SMSMonthToDateSpentUSD` covers SMS only), so the count is Codegate's own.
 */
export function monitorChannelSpend(
  facade: MonitoringFacade,
  offered: Record<ExtraChannel, boolean>,
  dailyUsd: number,
): void {
  const channels = EXTRA_CHANNELS.filter((channel) => offered[channel]);
  if (channels.length === 0) return;
  facade.monitorCustom({
    alarmFriendlyName: 'channel-spend',
    humanReadableName: 'WhatsApp and voice spend (USD a day, as the pumping guard charges it)',
    metricGroups: [
      {
        title: 'WhatsApp and voice spend (USD a day)',
        metrics: channels.map((channel) => ({
          metric: codegateMetric('Spend', { channel }, Duration.days(1)),
          alarmFriendlyName: `spend-${channel}`,
          addAlarm: above(dailyUsd),
        })),
      },
    ],
  });
}

/** Full tier: an alarm on each offered channel's delivery failures (docs/deploy.md runbook). */
export function monitorExtraChannels(facade: MonitoringFacade, offered: Record<ExtraChannel, boolean>): void {
  const channels = EXTRA_CHANNELS.filter((channel) => offered[channel]);
  if (channels.length === 0) return;
  facade.monitorCustom({
    alarmFriendlyName: 'calls-and-chats',
    humanReadableName: 'WhatsApp and voice deliveries',
    metricGroups: [
      {
        title: 'WhatsApp and voice delivery failures',
        metrics: channels.map((channel) => ({
          metric: codegateMetric('DeliveryFailed', { channel }),
          alarmFriendlyName: `delivery-failed-${channel}`,
          addAlarm: above(5),
        })),
      },
    ],
  });
}

/**
 * `social-messaging:SendWhatsAppMessage` on the account's WhatsApp phone numbers in the stack's region (its one
 * required resource type, `phone-number-id`). Which number a tenant sends from is tenant data, loaded after the
 * deploy, so the grant names every phone number id of the account and region, not one.
 */
export function grantWhatsApp(service: ServiceFunction): void {
  const resource = Stack.of(service).formatArn({
    service: 'social-messaging',
    resource: 'phone-number-id',
    resourceName: '*',
  });
  service.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['social-messaging:SendWhatsAppMessage'], resources: [resource] }),
  );
  acknowledge(
    service,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:social-messaging:<AWS::Region>:<AWS::AccountId>:phone-number-id/*]`,
    "social-messaging:SendWhatsAppMessage on the account's WhatsApp phone number ids in this region: tenants name theirs in the tenants file, after the deploy.",
  );
}

/**
 * `sms-voice:SendVoiceMessage`, which the Service Authorization Reference lists with no resource type: it is
 * authorized only against Resource `*`, so the origination identity a call may use is the tenant's setting,
 * not IAM's. Only the routes that place calls get it.
 */
export function grantVoice(service: ServiceFunction): void {
  service.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sms-voice:SendVoiceMessage'], resources: ['*'] }),
  );
  acknowledge(
    service,
    'AwsSolutions-IAM5[Resource::*]',
    'sms-voice:SendVoiceMessage has no resource type in the Service Authorization Reference: it is authorized only against Resource "*". Only the routes that place verification calls get it.',
  );
}

function acknowledge(service: ServiceFunction, id: string, reason: string) {
  const policy = service.role.node.tryFindChild('DefaultPolicy');
  if (policy) Validations.of(policy).acknowledge({ id, reason });
}
