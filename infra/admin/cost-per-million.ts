// Admin (cost model): what a million verifications cost per channel, and the break-even against Twilio Verify.
import { PRICES } from '../prices.ts';
import { ASSUMPTIONS, type CfnTemplate, GB, type LineItem, list, priced, resourcesOf } from './cost-model.ts';

/** The functions' memory (GB, the largest) and whether they run on arm64 (all of them). */
export function functionShape(template: CfnTemplate): { memoryGb: number; arm64: boolean } {
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const memory = functions.map((fn) =>
    typeof fn.Properties?.MemorySize === 'number' ? fn.Properties.MemorySize : 128,
  );
  const arm64 = functions.every((fn) => list(fn.Properties?.Architectures).includes('arm64'));
  return { memoryGb: Math.max(128, ...memory) / 1024, arm64 };
}

/** The channels a million verifications can be priced on. */
export type CostChannel = 'email' | 'sms' | 'whatsapp' | 'voice';

/**
 * What AWS charges for a WhatsApp message and a call minute, by destination country, as the operator gives them
 * (`--whatsapp-usd`, `--call-minute-usd`): AWS's price list is not something this command can read.
 */
export interface ProviderRates {
  whatsappUsd?: number;
  callMinuteUsd?: number;
}

/** The extra channels a synthesized stack offers: its send functions are granted the WhatsApp or the call action. */
export function offeredExtraChannels(template: CfnTemplate): ('whatsapp' | 'voice')[] {
  const policies = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
  return [
    ...(policies.includes('social-messaging:SendWhatsAppMessage') ? (['whatsapp'] as const) : []),
    ...(policies.includes('sms-voice:SendVoiceMessage') ? (['voice'] as const) : []),
  ];
}

const PRICE_PAGE = 'aws.amazon.com/end-user-messaging/pricing';

/** Whether the message's own price is in a channel's figures (WhatsApp and calls: only when the operator gave it). */
export function messagePriced(channel: CostChannel, rates: ProviderRates): boolean {
  if (channel === 'whatsapp') return rates.whatsappUsd !== undefined;
  if (channel === 'voice') return rates.callMinuteUsd !== undefined;
  return true;
}

/** The line for the message itself: a list price (email, the SMS example), or the operator's rate, or none. */
function messageLine(channel: CostChannel, n: number, rates: ProviderRates): LineItem {
  if (channel === 'email') return priced('SES: 1 email', n, PRICES.sesEmail.usd);
  if (channel === 'sms') return priced('SNS SMS: 1 message (US example)', n, PRICES.snsSmsUs.usd);
  if (channel === 'whatsapp')
    return rates.whatsappUsd === undefined
      ? priced(
          'WhatsApp: 1 authentication template message (not included)',
          n,
          0,
          `AWS's fee plus Meta's authentication fee, by destination country (${PRICE_PAGE}): give them with --whatsapp-usd`,
        )
      : priced(
          `WhatsApp: 1 authentication template message at $${rates.whatsappUsd} (--whatsapp-usd)`,
          n,
          rates.whatsappUsd,
        );
  return rates.callMinuteUsd === undefined
    ? priced(
        'Call: 1 minute (not included)',
        n,
        0,
        `a per-minute price by destination country (${PRICE_PAGE}): give it with --call-minute-usd`,
      )
    : priced(
        `Call: 1 minute at $${rates.callMinuteUsd} (--call-minute-usd; the code read twice takes under a minute)`,
        n,
        rates.callMinuteUsd,
      );
}

/**
 * The cost of a million verifications (each one send and one approving check) on a channel, line by line,
 * with the metric streams' ceiling included.
 */
export function perMillion(
  template: CfnTemplate,
  channel: CostChannel,
  streamsCeilingUsd: number,
  rates: ProviderRates = {},
): LineItem[] {
  const n = 1e6;
  const { memoryGb, arm64 } = functionShape(template);
  const gbSecond = arm64 ? PRICES.lambdaArmGbSecond.usd : PRICES.lambdaX86GbSecond.usd;
  const events = ASSUMPTIONS.lifecycleEventsPerVerification;
  const durationS = (ASSUMPTIONS.sendMs + ASSUMPTIONS.checkMs + events * ASSUMPTIONS.enrichmentMs) / 1000;
  const wru = ASSUMPTIONS.sendWru[channel] + ASSUMPTIONS.checkWru[channel];
  const logGb = (ASSUMPTIONS.logBytesPerVerification * n) / GB;
  const lambda = `${2 + events} invocations, ${durationS * 1000} ms at ${memoryGb * 1024} MB ${arm64 ? 'arm64' : 'x86_64'}`;
  const edge = perRequestAtEdge(template);
  const message = messageLine(channel, n, rates);
  return [
    priced('API Gateway HTTP API: 2 requests', 2 * n, PRICES.httpApiRequest.usd),
    ...(edge ? [priced(`Edge: 2 requests (${edge.what})`, 2 * n, edge.usd)] : []),
    priced(`Lambda: ${lambda}`, n, (2 + events) * PRICES.lambdaRequest.usd + durationS * memoryGb * gbSecond),
    priced(`DynamoDB: ${wru} WRU, ${ASSUMPTIONS.readRru} RRU`, n, wru * PRICES.dynamoWrite.usd),
    message,
    ...(channel === 'whatsapp' ? whatsappStatusLines(n, memoryGb * gbSecond) : []),
    priced(`Lifecycle events: ${events} pipe requests, ${events} bus events`, events * n, PIPE_AND_BUS_USD),
    priced(`CloudWatch Logs ingestion: ${logGb.toFixed(2)} GB`, logGb, PRICES.logIngestion.usd),
    priced('Metric streams ceiling (every stream, every hour)', 1, streamsCeilingUsd),
  ];
}

const PIPE_AND_BUS_USD = PRICES.pipeRequest.usd + PRICES.busEvent.usd;

/**
 * What each WhatsApp message adds after it is sent: its statuses reach the delivery-feedback function through the
 * WABA's event destination topic (calls' outcomes reach it only when busy, unanswered or failed: the rule filters).
 * SNS bills the publishes per request, a price infra/prices.ts does not hold.
 */
function whatsappStatusLines(n: number, usdPerSecond: number): LineItem[] {
  const statuses = ASSUMPTIONS.whatsappStatusesPerMessage;
  const seconds = ASSUMPTIONS.feedbackMs / 1000;
  return [
    priced(
      `Lambda: ${statuses} WhatsApp statuses to delivery-feedback, ${ASSUMPTIONS.feedbackMs} ms each`,
      n,
      statuses * (PRICES.lambdaRequest.usd + seconds * usdPerSecond),
    ),
    priced(
      `SNS: ${statuses} status publishes to the WhatsApp events topic (not included)`,
      n,
      0,
      'SNS bills publish requests (aws.amazon.com/sns/pricing), a price infra/prices.ts does not hold',
    ),
  ];
}

/**
 * What one request through the edge (`-c waf=true`) adds, when the template has a distribution: CloudFront's HTTPS
 * request, each viewer-request function, and WAF's inspection when a web ACL is attached. Data transfer out (small
 * JSON answers) is left out.
 */
function perRequestAtEdge(template: CfnTemplate): { what: string; usd: number } | undefined {
  if (resourcesOf(template, 'AWS::CloudFront::Distribution').length === 0) return undefined;
  const functions = resourcesOf(template, 'AWS::CloudFront::Function').length;
  const waf = resourcesOf(template, 'AWS::WAFv2::WebACL').length > 0;
  const what = [
    'CloudFront HTTPS',
    ...(functions > 0 ? [`${functions} function(s)`] : []),
    ...(waf ? ['WAF'] : []),
  ];
  const usd =
    PRICES.cloudFrontHttpsRequest.usd +
    functions * PRICES.cloudFrontFunction.usd +
    (waf ? PRICES.wafRequest.usd : 0);
  return { what: what.join(' + '), usd };
}

/** The monthly volume at which Codegate (at rest + per verification) costs what Twilio Verify does. */
export function breakEven(
  atRestUsd: number,
  perVerificationUsd: number,
  twilioPerVerificationUsd: number,
): number {
  const margin = twilioPerVerificationUsd - perVerificationUsd;
  return margin <= 0 ? Number.POSITIVE_INFINITY : Math.ceil(atRestUsd / margin);
}
