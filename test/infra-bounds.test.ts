// AWS bounds (issue 19): every number the synthesized stack configures that AWS bounds is held to infra/aws-bounds.ts
// (documented bound and source), every numeric property of a bounded kind must be in that table, and the TTL
// attribute the store really writes is what DynamoDB's TTL reads (a Number of epoch seconds).
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARM_EVALUATION_RANGE as ALARM_RANGE,
  API_ACCOUNT_THROTTLE,
  AWS_BOUNDS,
  type Bound,
  DYNAMODB_TTL,
  PIPE_EVENT_BUS_BATCH,
  UNBOUNDED,
} from '../infra/aws-bounds.ts';
import { CodegateStack } from '../infra/stack.ts';
import { MAX_EVENTS_PER_BATCH } from '../lib/events/enrich.ts';
import { TABLE } from '../lib/store/table.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';
import { idsOfType, logicalIdOf, type Resources } from './helpers/iam-edges.ts';
import { startService, type TestService, twilioPost } from './helpers/service.ts';

/** The demo tenant's EIAM client id (demo tenants file): the captcha names its tenant by it. */
const CAPTCHA_CLIENT_ID = 'nTo1eRIub60vPb54WeE6aojPwYwImtl4';
let resources: Resources;
beforeAll(() => {
  // With WhatsApp and voice offered: their alarms (a day-long Spend period) and feedback resources are held too.
  const app = tempApp({
    context: { sesIdentity: 'mail.example.org', channels: 'whatsapp,voice', 'aws:cdk:bundling-stacks': [] },
  });
  resources = Template.fromStack(new CodegateStack(app, 'Codegate')).toJSON().Resources;
}, 120_000);
afterAll(removeTempApps);

const BOUNDS = Object.entries(AWS_BOUNDS) as [string, Bound][];

/** Every number under a value, with its path (array indices and map keys as they are). */
function leaves(value: unknown, path: string[] = []): { path: string[]; value: number }[] {
  if (typeof value === 'number') return [{ path, value }];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, [...path, key]));
}
const matches = (pattern: readonly string[], path: string[]) =>
  pattern.length === path.length && pattern.every((part, i) => part === '*' || part === path[i]);
const at = (value: any, path: readonly string[]) => path.reduce((v, key) => v?.[key], value);

/** Whether a bound applies to this resource (its target's type, or who references it). */
function applies(bound: Bound, res: Resources, id: string): boolean {
  const props = res[id]?.Properties ?? {};
  if (bound.onlyWhere) {
    const ref = at(props, bound.onlyWhere.referenceAt);
    return ref !== undefined && res[logicalIdOf(ref)]?.Type === bound.onlyWhere.type;
  }
  if (bound.onlyIfReferencedBy) {
    const needle = JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] });
    return idsOfType(res, bound.onlyIfReferencedBy).some((other) =>
      JSON.stringify(res[other]?.Properties).includes(needle),
    );
  }
  return true;
}

/** One line per configured value outside its bound, and how many values each bound saw. */
function violations(res: Resources) {
  const wrong: string[] = [];
  const seen = new Map<string, number>();
  for (const [name, bound] of BOUNDS) {
    for (const id of idsOfType(res, bound.resourceType).filter((id) => applies(bound, res, id))) {
      for (const leaf of leaves(res[id]?.Properties).filter((l) => matches(bound.path, l.path))) {
        seen.set(name, (seen.get(name) ?? 0) + 1);
        const { value } = leaf;
        const problem =
          (bound.min !== undefined && value < bound.min && `below ${bound.min}`) ||
          (bound.max !== undefined && bound.exclusiveMax && value >= bound.max && `not below ${bound.max}`) ||
          (bound.max !== undefined && value > bound.max && `above ${bound.max}`) ||
          (bound.oneOf && !bound.oneOf.includes(value) && 'not an accepted value') ||
          (bound.multipleOf && value % bound.multipleOf !== 0 && `not a multiple of ${bound.multipleOf}`);
        if (problem)
          wrong.push(`${id} ${leaf.path.join('.')}: ${value} is ${problem} (${name}: "${bound.quote}")`);
      }
    }
  }
  for (const id of idsOfType(res, 'AWS::CloudWatch::Alarm')) {
    const p = res[id]?.Properties ?? {};
    const periods = [p.Period, ...(p.Metrics ?? []).map((m: any) => m.MetricStat?.Period ?? m.Period)];
    const period = Math.max(...periods.filter((v): v is number => typeof v === 'number'));
    const range = period * p.EvaluationPeriods;
    const max =
      period < ALARM_RANGE.shortPeriodBelow ? ALARM_RANGE.maxShortSeconds : ALARM_RANGE.maxLongSeconds;
    if (range > max) wrong.push(`${id}: ${p.EvaluationPeriods} × ${period} s is over ${max} s`);
    if ((p.DatapointsToAlarm ?? 0) > p.EvaluationPeriods)
      wrong.push(`${id}: DatapointsToAlarm > EvaluationPeriods`);
  }
  return { wrong, seen };
}

/** Numeric properties of a bounded kind that neither a bound nor UNBOUNDED names, and pipe targets without a batch bound. */
function uncovered(res: Resources): string[] {
  const known = [...BOUNDS.map(([, b]) => b), ...UNBOUNDED];
  const kinds = new Set(known.map((b) => b.resourceType));
  const missing = [...kinds].flatMap((type) =>
    idsOfType(res, type).flatMap((id) =>
      leaves(res[id]?.Properties)
        .filter((leaf) => !known.some((b) => b.resourceType === type && matches(b.path, leaf.path)))
        .map((leaf) => `${type} ${id}: ${leaf.path.join('.')} is not in infra/aws-bounds.ts`),
    ),
  );
  const targetBounds = BOUNDS.filter(([, b]) => b.onlyWhere?.referenceAt.join('.') === 'Target');
  for (const pipe of idsOfType(res, 'AWS::Pipes::Pipe')) {
    const type = res[logicalIdOf(res[pipe]?.Properties?.Target)]?.Type;
    if (!targetBounds.some(([, b]) => b.onlyWhere?.type === type))
      missing.push(`AWS::Pipes::Pipe ${pipe}: a ${type} target has no batch bound in infra/aws-bounds.ts`);
  }
  return missing;
}

describe('AWS bounds', () => {
  it('every configured number AWS bounds is within its documented bound', () => {
    const { wrong, seen } = violations(resources);
    expect(wrong).toEqual([]);
    // The numbers this table exists for are really read from the template (none is silently skipped).
    for (const name of [
      'pipeBatchSize',
      'pipeBatchSizeToEventBus',
      'pipeBatchingWindow',
      'pipeRetryAttempts',
      'defaultRouteRate',
      'routeRate',
      'routeBurst',
      'functionTimeoutBehindHttpApi',
      'functionTimeout',
      'functionMemory',
      'queueRetention',
      'logRetention',
      'ruleRetryAttempts',
      'ruleEventAge',
      'alarmMetricPeriod',
      'alarmEvaluationPeriods',
    ])
      expect(seen.get(name) ?? 0, name).toBeGreaterThan(0);
  });

  it('every numeric property of a bounded kind is in the table, and every pipe target has a batch bound', () => {
    expect(uncovered(resources)).toEqual([]);
  });

  it('reports a pipe batch of 25 to the event bus, a new pipe target and an unknown number', () => {
    const copy = structuredClone(resources);
    const [pipe = ''] = idsOfType(copy, 'AWS::Pipes::Pipe');
    const pipeProps = copy[pipe]?.Properties ?? {};
    pipeProps.SourceParameters.DynamoDBStreamParameters.BatchSize = 25;
    expect(violations(copy).wrong).toContainEqual(
      expect.stringMatching(/BatchSize: 25 is above 10 \(pipeBatchSizeToEventBus/),
    );
    const [queue = ''] = idsOfType(copy, 'AWS::SQS::Queue');
    pipeProps.Target = { 'Fn::GetAtt': [queue, 'Arn'] };
    const [fn = ''] = idsOfType(copy, 'AWS::Lambda::Function');
    (copy[fn]?.Properties ?? {}).ReservedConcurrentExecutions = 5;
    expect(uncovered(copy)).toEqual([
      `AWS::Lambda::Function ${fn}: ReservedConcurrentExecutions is not in infra/aws-bounds.ts`,
      `AWS::Pipes::Pipe ${pipe}: a AWS::SQS::Queue target has no batch bound in infra/aws-bounds.ts`,
    ]);
  });

  it("the enrichment never returns more events than the event bus takes, and the pipe's batch is no larger", () => {
    expect(MAX_EVENTS_PER_BATCH).toBeLessThanOrEqual(PIPE_EVENT_BUS_BATCH);
    for (const pipe of idsOfType(resources, 'AWS::Pipes::Pipe'))
      expect(
        resources[pipe]?.Properties?.SourceParameters?.DynamoDBStreamParameters?.BatchSize,
      ).toBeLessThanOrEqual(MAX_EVENTS_PER_BATCH);
  });

  it('all routes at their ceilings together stay within the account-level API Gateway throttle', () => {
    const [stage = ''] = idsOfType(resources, 'AWS::ApiGatewayV2::Stage');
    const { DefaultRouteSettings: fallback, RouteSettings: own = {} } = resources[stage]?.Properties ?? {};
    const ceilings = idsOfType(resources, 'AWS::ApiGatewayV2::Route').map(
      (id) => own[resources[id]?.Properties?.RouteKey] ?? fallback,
    );
    expect(ceilings.length).toBeGreaterThan(0);
    const sum = (key: string) => ceilings.reduce((total, c) => total + c[key], 0);
    expect(sum('ThrottlingRateLimit')).toBeLessThanOrEqual(API_ACCOUNT_THROTTLE.rateLimit);
    expect(sum('ThrottlingBurstLimit')).toBeLessThanOrEqual(API_ACCOUNT_THROTTLE.burstLimit);
  });
});

describe('the TTL attribute', () => {
  let service: TestService;
  afterAll(async () => {
    await service?.stop();
  });

  it('every item the store writes with a ttl holds a Number of epoch seconds in the attribute the table expires on', async () => {
    const [table = ''] = idsOfType(resources, 'AWS::DynamoDB::Table');
    expect(resources[table]?.Properties?.TimeToLiveSpecification).toEqual({
      AttributeName: TABLE.ttlAttribute,
      Enabled: true,
    });
    service = await startService();
    const auth = { authorization: 'Bearer demo-api-key' };
    const answers = [
      await service.request('POST', '/v1/verifications', {
        headers: { ...auth, 'idempotency-key': 'bounds-1' },
        json: { channel: 'email', to: 'ttl@example.com', purpose: 'login' },
      }),
      await service.request('POST', '/api/verify/email', {
        json: { email: 'ttl-link@example.com', state: 's' },
        headers: { 'x-forwarded-for': '198.51.100.9' },
      }),
      await service.request('GET', '/api/v2/sdk/captcha', {
        headers: {
          'x-forwarded-for': '198.51.100.10',
          'x-operating-sys-version': 'windows10.1.1',
          'x-device-fingerprint': 'fp-bounds-156aysdna213sc50',
          'x-agent': 'Mozilla/5.0 (bounds test)',
          'x-client-id': CAPTCHA_CLIENT_ID,
        },
      }),
      await twilioPost(service, '/Verifications', { To: 'ttl-twilio@example.com', Channel: 'email' }),
    ];
    expect(answers.map((a) => a.status < 400)).toEqual(answers.map(() => true));
    const raw = new DynamoDBClient({
      endpoint: service.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Items = [] } = await raw.send(new ScanCommand({ TableName: service.tableName }));
    raw.destroy();
    const withTtl = Items.filter((item) => TABLE.ttlAttribute in item);
    expect(new Set(withTtl.map((item) => String(item.pk?.S).split('#')[0])).size).toBeGreaterThanOrEqual(3);
    const now = Date.now() / 1000;
    for (const item of withTtl) {
      const ttl: { N?: string } = item[TABLE.ttlAttribute] ?? {};
      expect(Object.keys(ttl), `${item.pk?.S} (${DYNAMODB_TTL.quote})`).toEqual([DYNAMODB_TTL.type]);
      const seconds = Number(ttl.N);
      expect(Number.isInteger(seconds), `${item.pk?.S} ttl ${ttl.N}`).toBe(true);
      // Epoch seconds: after now and within ten years (milliseconds would be ~1000 times larger).
      expect(seconds, `${item.pk?.S} ttl ${ttl.N}`).toBeGreaterThan(now);
      expect(seconds, `${item.pk?.S} ttl ${ttl.N}`).toBeLessThan(now + 10 * 365 * 86_400);
    }
  });
});
