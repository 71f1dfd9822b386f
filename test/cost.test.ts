// Cost model tests: known answers on a hand-made template, the default stack's at-rest budget, and the EMF streams it counts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRatesAgainst,
  costReport,
  parseCostArgs,
  synthesizeTemplate,
  UsageError,
} from '../infra/admin/cost.ts';
import {
  AT_REST_BUDGET_USD,
  atRestItems,
  budgetCheck,
  type CfnTemplate,
  resourcesOf,
  totalUsd,
} from '../infra/admin/cost-model.ts';
import { offeredExtraChannels, perMillion } from '../infra/admin/cost-per-million.ts';
import { emfStreams, metricStreams, streamsInEmf } from '../infra/admin/metric-streams.ts';
import { PRICES } from '../infra/prices.ts';
import { PROJECT_ROOT } from '../infra/service-function.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';

const app = (context: Record<string, string> = {}): App =>
  tempApp({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
const stat = (id: string, name: string) => ({
  Id: id,
  MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: name }, Period: 300, Stat: 'Sum' },
  ReturnData: false,
});
const plainAlarm = { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Period: 300 } };

/** One of each at-rest item, with answers worked out by hand from infra/prices.ts. */
const MINI: CfnTemplate = {
  Resources: {
    Errors: plainAlarm,
    ErrorRate: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Metrics: [
          { Id: 'rate', Expression: '(errors + throttles) / invocations', ReturnData: true },
          stat('errors', 'Errors'),
          stat('throttles', 'Throttles'),
          stat('invocations', 'Invocations'),
        ],
      },
    },
    Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
    Pepper: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
  },
};

/**
 * Every metric stream lib/observe.ts can publish, as reviewed. A new metric name or dimension value in the
 * code makes the model count a stream that is not here, and this list must be updated on purpose: each
 * stream is up to $0.30 a month while traffic flows.
 */
const REVIEWED_EMF_STREAMS = [
  'Busy {service}',
  ...['CheckRefused', 'CodeApproved', 'CodeRejected', 'CodeSent', 'DeliveryFailed'].flatMap((name) => [
    `${name} {channel=email,service}`,
    `${name} {channel=sms,service}`,
    `${name} {channel=voice,service}`,
    `${name} {channel=whatsapp,service}`,
  ]),
  ...['GrantRedeemed', 'GrantRefused', 'LinkConfirmed', 'LinkRefused'].map(
    (name) => `${name} {channel=email,service}`,
  ),
  ...[
    'budget_exhausted',
    'country_not_allowed',
    'cross_site',
    'delivery_failed',
    'idempotency_conflict',
    'invalid_address',
    'not_found',
    'pumping_blocked',
    'rate_limited',
    'replayed',
    'suppressed',
  ].map((reason) => `Refused {reason=${reason},service}`),
  // The pumping guard's blocks and monitor mode's would-be blocks, on the phone channels only.
  ...['PumpingBlocked', 'PumpingMonitored'].flatMap((name) => [
    `${name} {channel=sms,service}`,
    `${name} {channel=voice,service}`,
    `${name} {channel=whatsapp,service}`,
  ]),
  ...['VerificationApprovedByUpdate', 'VerificationCanceled'].flatMap((name) => [
    `${name} {channel=email,service}`,
    `${name} {channel=sms,service}`,
    `${name} {channel=voice,service}`,
    `${name} {channel=whatsapp,service}`,
  ]),
].map((stream) => `Codegate/${stream.replace('service', 'service=codegate')}`);

let defaultTemplate: CfnTemplate;
let fullTemplate: CfnTemplate;
let channelsTemplate: CfnTemplate;
let emf: string[];

beforeAll(async () => {
  defaultTemplate = synthesizeTemplate(app());
  fullTemplate = synthesizeTemplate(app({ monitoring: 'full' }));
  channelsTemplate = synthesizeTemplate(app({ channels: 'whatsapp,voice' }));
  emf = await emfStreams();
}, 300_000);
afterAll(removeTempApps);

describe('the model prices a hand-made template exactly', () => {
  it('bills one alarm metric for a plain alarm and one per metric a math alarm reads, not its expression', () => {
    const items = atRestItems(MINI);
    const alarms = items.find((item) => item.item.startsWith('CloudWatch alarms, standard'));
    expect(alarms?.quantity).toBe(4);
    expect(alarms?.monthlyUsd).toBeCloseTo(0.4, 10);
  });

  it('at rest: alarms $0.40 + dashboard $3 + secret $0.40 + KMS key $1 = $4.80; an idle log group $0', () => {
    expect(totalUsd(atRestItems(MINI))).toBeCloseTo(4.8, 10);
  });

  it('100 MB of logs a day kept 30 days adds 2.93 GB ingested ($1.46) and 2.93 GB stored ($0.09)', () => {
    const gb = (100 * 30) / 1024;
    const withLogs = totalUsd(atRestItems(MINI, { dailyLogMb: 100 }));
    expect(withLogs - 4.8).toBeCloseTo(gb * PRICES.logIngestion.usd + gb * PRICES.logStorage.usd, 10);
  });

  it('bills a high-resolution alarm at $0.30 and an anomaly detection alarm as three metrics', () => {
    const items = atRestItems({
      Resources: {
        Fast: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Period: 10 } },
        Band: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Metrics: [{ Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m1, 2)' }, stat('m1', 'Invocations')],
          },
        },
      },
    });
    expect(totalUsd(items)).toBeCloseTo(0.3 + 3 * 0.1, 10);
  });

  it('bills a WAF web ACL and each of its rules', () => {
    const waf: CfnTemplate = {
      Resources: { Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}] } } },
    };
    expect(totalUsd(atRestItems(waf))).toBeCloseTo(PRICES.wafWebAcl.usd + 2 * PRICES.wafRule.usd, 10);
  });
});

describe('the synthesized stack at rest', () => {
  it(`the default stack (no context) costs at most $${AT_REST_BUDGET_USD.toFixed(2)} a month at rest`, () => {
    const total = totalUsd(atRestItems(defaultTemplate));
    expect(budgetCheck(total).within, budgetCheck(total).message).toBe(true);
  });

  it('the at-rest figures the docs state (deploy.md tiers, cost.md) are what the model computes', () => {
    const docs = ['docs/deploy.md', 'docs/cost.md'].map((doc) =>
      readFileSync(`${PROJECT_ROOT}${doc}`, 'utf8'),
    );
    const alarms = resourcesOf(defaultTemplate, 'AWS::CloudWatch::Alarm').length;
    expect(docs[0], `deploy.md states the default tier's ${alarms} alarms`).toContain(`${alarms} alarms`);
    for (const template of [defaultTemplate, fullTemplate]) {
      const figure = `$${totalUsd(atRestItems(template)).toFixed(2)}`;
      for (const [i, text] of docs.entries())
        expect(text, `${i ? 'cost' : 'deploy'}.md states ${figure}`).toContain(figure);
    }
  });

  it('-c monitoring=full costs more at rest than the default', () => {
    expect(totalUsd(atRestItems(fullTemplate))).toBeGreaterThan(totalUsd(atRestItems(defaultTemplate)));
  });

  it('alarms added to the default stack raise the total by $0.10 each, and the budget check reports the overrun', () => {
    const base = totalUsd(atRestItems(defaultTemplate));
    const extra = Math.max(1, Math.ceil((AT_REST_BUDGET_USD - base) / PRICES.alarmMetricStandard.usd) + 1);
    const copy = structuredClone(defaultTemplate);
    for (let i = 0; i < extra; i++) copy.Resources = { ...copy.Resources, [`Extra${i}`]: plainAlarm };
    const grown = totalUsd(atRestItems(copy));
    expect(grown - base).toBeCloseTo(extra * PRICES.alarmMetricStandard.usd, 10);
    expect(budgetCheck(grown).within).toBe(false);
    expect(budgetCheck(grown).message).toMatch(/^OVER the \$5\.00 at-rest budget/);
  });
});

describe('metric streams', () => {
  it('counts every stream lib/observe.ts emits for every input, and nothing a reviewer has not seen', () => {
    // The model runs the real code on every EngineEvent, outcome, channel and failure kind (the type lists
    // make that exhaustive at compile time); this list is the reviewed answer, updated deliberately.
    expect(emf).toEqual([...REVIEWED_EMF_STREAMS].sort());
  });

  it('reads streams from EMF as CloudWatch counts them: name × dimension set × values', () => {
    const line = JSON.stringify({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: 'N', Dimensions: [['service'], ['service', 'channel']], Metrics: [{ Name: 'M' }] },
        ],
      },
      service: 's',
      channel: 'sms',
    });
    expect(streamsInEmf(`not emf\n${line}\n${line}\n`)).toEqual([
      'N/M {channel=sms,service=s}',
      'N/M {service=s}',
    ]);
  });

  it('every Codegate metric the alarms read is one the code emits', () => {
    const read = new Set<string>();
    for (const resource of Object.values(fullTemplate.Resources ?? {})) {
      if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
      const metrics =
        (resource.Properties?.Metrics as { MetricStat?: { Metric: Record<string, unknown> } }[]) ?? [];
      for (const { MetricStat } of metrics) {
        const metric = MetricStat?.Metric;
        if (metric?.Namespace !== 'Codegate') continue;
        const dims = ((metric.Dimensions as { Name: string; Value: string }[]) ?? [])
          .map(({ Name, Value }) => `${Name}=${Value}`)
          .sort();
        read.add(`Codegate/${String(metric.MetricName)} {${dims.join(',')}}`);
      }
    }
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((stream) => !emf.includes(stream))).toEqual([]);
  });

  it('adds six per-route HTTP API metrics for each route with detailed metrics on', () => {
    const routes = (enabled: boolean): CfnTemplate => ({
      Resources: {
        A: { Type: 'AWS::ApiGatewayV2::Route', Properties: { RouteKey: 'POST /a' } },
        B: { Type: 'AWS::ApiGatewayV2::Route', Properties: { RouteKey: 'GET /b' } },
        Stage: {
          Type: 'AWS::ApiGatewayV2::Stage',
          Properties: {
            DefaultRouteSettings: { DetailedMetricsEnabled: enabled },
            RouteSettings: { 'GET /b': { DetailedMetricsEnabled: true } },
          },
        },
      },
    });
    expect(metricStreams(routes(true), emf).count).toBe(emf.length + 12);
    expect(metricStreams(routes(false), emf).count).toBe(emf.length + 6);
    expect(metricStreams(routes(true), emf).ceilingUsd).toBeCloseTo((emf.length + 12) * 0.3, 10);
  });
});

describe('per million WhatsApp and call verifications (-c channels=…)', () => {
  const line = (items: { item: string; monthlyUsd: number; note?: string }[], start: string) =>
    items.find((item) => item.item.startsWith(start));

  it('the stack offers the extra channels its send functions are granted, and the default none', () => {
    expect(offeredExtraChannels(channelsTemplate)).toEqual(['whatsapp', 'voice']);
    expect(offeredExtraChannels(defaultTemplate)).toEqual([]);
  });

  it("a rate given is priced for every message; the rest is an SMS verification's, plus WhatsApp's statuses", () => {
    const rates = { whatsappUsd: 0.0185, callMinuteUsd: 0.013 };
    const sms = perMillion(channelsTemplate, 'sms', 0);
    for (const [channel, start, rate] of [
      ['whatsapp', 'WhatsApp: 1 authentication template message at $0.0185', rates.whatsappUsd],
      ['voice', 'Call: 1 minute at $0.013', rates.callMinuteUsd],
    ] as const) {
      const items = perMillion(channelsTemplate, channel, 0, rates);
      expect(line(items, start)?.monthlyUsd).toBeCloseTo(rate * 1e6, 6);
      // The same writes as an SMS verification: the budget counter and the pumping guard's items.
      expect(line(items, 'DynamoDB:')).toEqual(line(sms, 'DynamoDB:'));
      // WhatsApp's statuses (sent, delivered, read) each invoke delivery-feedback: 3 requests and 30 ms each.
      const statuses = line(items, 'Lambda: 3 WhatsApp statuses to delivery-feedback')?.monthlyUsd ?? 0;
      expect(statuses > 0).toBe(channel === 'whatsapp');
      expect(totalUsd(items) - (line(items, start)?.monthlyUsd ?? 0) - statuses).toBeCloseTo(
        totalUsd(sms) - (line(sms, 'SNS SMS')?.monthlyUsd ?? 0),
        6,
      );
    }
    const status = line(perMillion(channelsTemplate, 'whatsapp', 0), 'Lambda: 3 WhatsApp statuses');
    expect(status?.monthlyUsd).toBeCloseTo(
      3 * 1e6 * (PRICES.lambdaRequest.usd + 0.03 * 0.25 * PRICES.lambdaArmGbSecond.usd),
      6,
    );
  });

  it('docs/cost.md states what a WhatsApp or call verification costs besides the message, as the model computes it', () => {
    const ceiling = metricStreams(channelsTemplate, emf).ceilingUsd;
    const doc = readFileSync(`${PROJECT_ROOT}docs/cost.md`, 'utf8');
    for (const channel of ['voice', 'whatsapp'] as const)
      expect(doc).toContain(
        `$${totalUsd(perMillion(channelsTemplate, channel, ceiling)).toFixed(2)} per million`,
      );
  });

  it('without a rate the message is a $0 line that says why, and the total says what it leaves out', () => {
    const items = perMillion(channelsTemplate, 'whatsapp', 0);
    expect(line(items, 'WhatsApp: 1 authentication template message (not included)')).toMatchObject({
      monthlyUsd: 0,
      note: expect.stringContaining('--whatsapp-usd'),
    });
    const report = costReport(channelsTemplate, emf, {
      dailyLogMb: 0,
      label: 'test',
      rates: { callMinuteUsd: 0.013 },
    });
    const section = (channel: string) =>
      report.split('\n\n').find((part) => part.startsWith(`Per million ${channel} verifications`)) ?? '';
    expect(section('whatsapp')).toMatch(/\n {2}total per million, without the message itself +\$/);
    expect(section('voice')).toContain('Call: 1 minute at $0.013');
    expect(section('voice')).toMatch(/\n {2}total per million +\$/);
    expect(report).toContain('+ its WhatsApp channel fee, not modelled here');
    expect(costReport(defaultTemplate, emf, { dailyLogMb: 0, label: 'test' })).not.toContain(
      'whatsapp verifications',
    );
  });

  it('reads the rates from the command line and refuses what it would not price', () => {
    expect(parseCostArgs(['--whatsapp-usd', '0.02', '--call-minute-usd=0.013']).rates).toEqual({
      whatsappUsd: 0.02,
      callMinuteUsd: 0.013,
    });
    expect(parseCostArgs([]).rates).toEqual({});
    for (const bad of [
      '--whatsapp-usd=-0.01',
      '--whatsapp-usd=abc',
      '--whatsapp-usd=',
      '--call-minute-usd=12',
    ])
      expect(() => parseCostArgs([bad]), bad).toThrow(/must be a price in USD/);
    // A rate for a channel the stack does not offer would price nothing: refused, naming the context to add.
    expect(() => checkRatesAgainst(defaultTemplate, { whatsappUsd: 0.02 })).toThrow(UsageError);
    expect(() => checkRatesAgainst(defaultTemplate, { callMinuteUsd: 0.01 })).toThrow(
      /add -c channels=voice/,
    );
    expect(() =>
      checkRatesAgainst(channelsTemplate, { whatsappUsd: 0.02, callMinuteUsd: 0.01 }),
    ).not.toThrow();
  });
});

describe('npm run cost (docs/cost.md)', () => {
  it('the command prints the at-rest lines, the total within the budget, and the per-million figures', () => {
    const run = spawnSync('npx', ['tsx', 'infra/admin/cost.ts'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/CloudWatch alarms, standard: \d+ alarms, \d+ alarm metrics/);
    expect(run.stdout).toMatch(/total at rest\s+\$\d+\.\d\d/);
    expect(run.stdout).toContain('within the $5.00 at-rest budget');
    expect(run.stdout).toContain('Per million email verifications');
  }, 240_000);
});
