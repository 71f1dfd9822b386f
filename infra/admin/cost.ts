// Admin command: synthesizes the stack (no bundling) and prints what it costs at rest and per million verifications.
//   npm run cost [-- -c monitoring=full] [-c key=value …] [--daily-log-mb N] [--whatsapp-usd X] [--call-minute-usd Y]
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { PRICES } from '../prices.ts';
import { CodegateStack, stackNameOf } from '../stack.ts';
import {
  ASSUMPTIONS,
  atRestItems,
  budgetCheck,
  type CfnTemplate,
  type LineItem,
  totalUsd,
} from './cost-model.ts';
import {
  breakEven,
  type CostChannel,
  messagePriced,
  offeredExtraChannels,
  type ProviderRates,
  perMillion,
} from './cost-per-million.ts';
import { emfStreams, metricStreams } from './metric-streams.ts';

export const USAGE = `usage: npm run cost -- [-c key=value …] [--daily-log-mb N] [--whatsapp-usd X] [--call-minute-usd Y]

Synthesizes the stack (without bundling) and prices it at us-east-1 list prices (infra/prices.ts):
what bills at rest, the metric streams, and the cost per million verifications by channel (WhatsApp
and calls too when -c channels=… offers them).

  -c, --context key=value  CDK context, as cdk synth takes it (e.g. -c monitoring=full); repeatable
  --daily-log-mb N          log volume a day to price at rest (ingestion and storage); default 0
  --whatsapp-usd X          what one WhatsApp authentication message costs you (AWS's fee + Meta's, for
                            your destinations; needs -c channels=whatsapp); without it that line is $0
  --call-minute-usd Y       what one call minute costs you (needs -c channels=voice); without it $0
  --help                    show this text`;

/** A refusal of the command line itself: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** The command line: CDK context pairs and the daily log volume. */
export function parseCostArgs(argv: string[]): {
  context: Record<string, string>;
  dailyLogMb: number;
  rates: ProviderRates;
  help: boolean;
} {
  let values: {
    context?: string[];
    'daily-log-mb'?: string;
    'whatsapp-usd'?: string;
    'call-minute-usd'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        context: { type: 'string', short: 'c', multiple: true },
        'daily-log-mb': { type: 'string' },
        'whatsapp-usd': { type: 'string' },
        'call-minute-usd': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const context: Record<string, string> = {};
  for (const pair of values.context ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`context must be key=value, got "${pair}"`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const dailyLogMb = Number(values['daily-log-mb'] ?? '0');
  if (!Number.isFinite(dailyLogMb) || dailyLogMb < 0)
    throw new UsageError(`--daily-log-mb must be a number of MB ≥ 0, got "${values['daily-log-mb']}"`);
  const rate = (name: 'whatsapp-usd' | 'call-minute-usd') => {
    const text = values[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value >= 10)
      throw new UsageError(`--${name} must be a price in USD, at least 0 and below 10, got "${text}"`);
    return value;
  };
  const whatsappUsd = rate('whatsapp-usd');
  const callMinuteUsd = rate('call-minute-usd');
  const rates = {
    ...(whatsappUsd === undefined ? {} : { whatsappUsd }),
    ...(callMinuteUsd === undefined ? {} : { callMinuteUsd }),
  };
  return { context, dailyLogMb, rates, help: values.help === true };
}

/** Refuses a rate for a channel the stack does not offer: it would price nothing. */
export function checkRatesAgainst(template: CfnTemplate, rates: ProviderRates): void {
  const offered = offeredExtraChannels(template);
  if (rates.whatsappUsd !== undefined && !offered.includes('whatsapp'))
    throw new UsageError(
      '--whatsapp-usd prices WhatsApp, which this stack does not offer: add -c channels=whatsapp',
    );
  if (rates.callMinuteUsd !== undefined && !offered.includes('voice'))
    throw new UsageError(
      '--call-minute-usd prices calls, which this stack does not offer: add -c channels=voice',
    );
}

/** Synthesizes Codegate's stack with this context and no bundling; returns its template. */
export function synthesizeTemplate(app: App): CfnTemplate {
  const stack = new CodegateStack(app, stackNameOf(app));
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}

const usd = (value: number) => `$${value.toFixed(2)}`;
const line = (item: LineItem) =>
  `  ${item.item.padEnd(78)} ${usd(item.monthlyUsd).padStart(9)}${item.note ? `\n      (${item.note})` : ''}`;

/** Prices a template: the report `npm run cost` prints. */
export function costReport(
  template: CfnTemplate,
  emf: readonly string[],
  options: { dailyLogMb: number; label: string; rates?: ProviderRates },
): string {
  const atRest = atRestItems(template, { dailyLogMb: options.dailyLogMb });
  const atRestUsd = totalUsd(atRest);
  const streams = metricStreams(template, emf);
  const out = [
    `Codegate cost model: ${options.label}; us-east-1 list prices read ${PRICES.dashboard.read} (infra/prices.ts, sources in docs/cost.md)`,
    '',
    `At rest (no traffic), per month${options.dailyLogMb > 0 ? `, with ${options.dailyLogMb} MB of logs a day` : ''}:`,
    ...atRest.map(line),
    `  ${'total at rest'.padEnd(78)} ${usd(atRestUsd).padStart(9)}`,
    `  ${budgetCheck(atRestUsd).message}`,
    '',
    `metric streams: ${streams.count} (billed only while traffic flows; ceiling ${usd(streams.ceilingUsd)}/month if every stream has data every hour)`,
    `  ${emf.length} Codegate EMF streams (lib/observe.ts, every input) + ${streams.count - emf.length} HTTP API per-route metrics`,
    '',
  ];
  const twilio = PRICES.twilioVerification.usd;
  const channels: CostChannel[] = ['email', 'sms', ...offeredExtraChannels(template)];
  for (const channel of channels) {
    const items = perMillion(template, channel, streams.ceilingUsd, options.rates);
    out.push(
      `Per million ${channel} verifications (one send + one approving check each):`,
      ...items.map(line),
      `  ${(messagePriced(channel, options.rates ?? {}) ? 'total per million' : `total per million, without the ${channel === 'voice' ? 'call' : 'message'} itself`).padEnd(78)} ${usd(totalUsd(items)).padStart(9)}`,
    );
    if (channel === 'email' || channel === 'sms') {
      const variable = totalUsd(items) - streams.ceilingUsd;
      const twilioEach = twilio + (channel === 'sms' ? PRICES.twilioSmsUs.usd : 0);
      const even = breakEven(atRestUsd + streams.ceilingUsd, variable / 1e6, twilioEach);
      out.push(
        `  Twilio Verify: ${usd(twilioEach * 1e6)} per million (${usd(twilio)} each${channel === 'sms' ? ` + ${PRICES.twilioSmsUs.usd} US SMS` : ' + the email channel fee'}); Codegate is cheaper above ${even.toLocaleString('en-US')} verifications a month (at rest + stream ceiling as the fixed cost)`,
      );
    } else {
      // Twilio passes the same carrier and Meta fees through as its channel fee, so its $0.05 a verification is
      // what the comparison turns on; no break-even without the channel's price on both sides.
      out.push(
        `  Twilio Verify: ${usd(twilio * 1e6)} per million (${usd(twilio)} each) + its ${channel === 'voice' ? 'call' : 'WhatsApp'} channel fee, not modelled here`,
      );
    }
    out.push('');
  }
  out.push(
    'Assumptions:',
    `  send ${ASSUMPTIONS.sendMs} ms, check ${ASSUMPTIONS.checkMs} ms, enrichment ${ASSUMPTIONS.enrichmentMs} ms per lifecycle event (warm; docs/deploy.md)`,
    `  a send is one transaction: ${ASSUMPTIONS.sendWru.email} WRU (email), ${ASSUMPTIONS.sendWru.sms} WRU (every phone channel adds the budget counter and the pumping guard's two items); a check ${ASSUMPTIONS.checkWru.email} WRU (phone ${ASSUMPTIONS.checkWru.sms}: the guard records the entered code); reads ~0 (tenants cached)`,
    `  ${ASSUMPTIONS.lifecycleEventsPerVerification} lifecycle events per verification (sent, approved), each one pipe request, one enrichment invocation, one bus event`,
    `  ${ASSUMPTIONS.logBytesPerVerification} bytes of logs per verification; SMS price is a US example; WhatsApp and call prices are yours (--whatsapp-usd, --call-minute-usd); free tiers ignored except where noted`,
  );
  return out.join('\n');
}

/** Runs the command; returns what to print. */
export async function cost(argv: string[]): Promise<string> {
  const { context, dailyLogMb, rates, help } = parseCostArgs(argv);
  if (help) return USAGE;
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const template = synthesizeTemplate(app);
  checkRatesAgainst(template, rates);
  const label = Object.keys(context).length
    ? Object.entries(context)
        .map(([key, value]) => `-c ${key}=${value}`)
        .join(' ')
    : 'default context';
  return costReport(template, await emfStreams(), { dailyLogMb, label, rates });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cost(process.argv.slice(2)).then(
    (report) => process.stdout.write(`${report}\n`),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof UsageError) {
        process.stderr.write(`cost: ${message}\n\n${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`${message}\n`);
      process.exit(1);
    },
  );
}
