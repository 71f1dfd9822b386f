// The deployment verifier's AWS mode: each AWS call mocked with the response shapes of the AWS API references,
// the API itself played by the local runtime (the wire is the same), and cleanup proven after failures.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayV2Client, GetStageCommand, type GetStageResponse } from '@aws-sdk/client-apigatewayv2';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListMetricsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DescribePhoneNumbersCommand,
  type PhoneNumberInformation,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { DescribePipeCommand, PipesClient } from '@aws-sdk/client-pipes';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ConfirmSubscriptionCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  ListLinkedWhatsAppBusinessAccountsCommand,
  SocialMessagingClient,
} from '@aws-sdk/client-socialmessaging';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkAlarmMetrics, checkAlarms, tierOf } from '../infra/admin/verify/alarm-checks.ts';
import { checkChosenCodeSend } from '../infra/admin/verify/api-checks.ts';
import {
  captureEvents,
  checkAlarmTopic,
  checkPipe,
  checkStageThrottles,
  declaredThrottles,
} from '../infra/admin/verify/aws-checks.ts';
import type { StackFacts } from '../infra/admin/verify/aws-resources.ts';
import { type AwsClients, runAwsChecks } from '../infra/admin/verify/aws-run.ts';
import { CALL_CHECKS } from '../infra/admin/verify/call-checks.ts';
import { Cleanup } from '../infra/admin/verify/cleanup.ts';
import { type Clock, Report } from '../infra/admin/verify/report.ts';
import {
  buildTemporaryTenant,
  type CallSettings,
  TENANT_TTL_SECONDS,
} from '../infra/admin/verify/temporary-tenant.ts';
import { checkWhatsAppEvents } from '../infra/admin/verify/whatsapp-checks.ts';
import { parseVerifyArgs, UsageError } from '../infra/admin/verify-deployment.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { DEFAULT_THROTTLE, ROUTES } from '../lib/routes.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { SuppressionStore } from '../lib/store/suppressions.ts';
import { suppressionKey } from '../lib/suppression/key.ts';
import { consumeFeedback } from '../lib/suppression/messaging-consumer.ts';
import { TenantRegistry } from '../lib/tenants/registry.ts';
import { voiceEvent } from './fixtures/messaging-events.ts';
import { startService, type TestService } from './helpers/service.ts';
import { scanAll } from './helpers/table.ts';

const ACCOUNT = '123456789012';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:Codegate-MonitoringAlarmTopicD1D6A2C4-kF3x9Qm1`;
const BUS = 'CodegateFeedbackEvents7A1B2C3D';
const API_ID = 'a1b2c3d4e5';
const PIPE = 'FeedbackPipe-Vx7s1QkP0aBc';
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:PepperA1B2C3-AbCdEf`;
const NAMES = { runId: 'feedc0de', prefix: 'codegate-verifier-feedc0de' };

const region = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const clients = {
  cfn: new CloudFormationClient(region),
  cloudwatch: new CloudWatchClient(region),
  events: new EventBridgeClient(region),
  sqs: new SQSClient(region),
  apigw: new ApiGatewayV2Client(region),
  pipes: new PipesClient(region),
  sns: new SNSClient(region),
  secrets: new SecretsManagerClient(region),
  social: new SocialMessagingClient(region),
  smsVoice: new PinpointSMSVoiceV2Client(region),
};
const mocks = {
  cfn: mockClient(clients.cfn),
  cloudwatch: mockClient(clients.cloudwatch),
  events: mockClient(clients.events),
  sqs: mockClient(clients.sqs),
  apigw: mockClient(clients.apigw),
  pipes: mockClient(clients.pipes),
  sns: mockClient(clients.sns),
  secrets: mockClient(clients.secrets),
  social: mockClient(clients.social),
  smsVoice: mockClient(clients.smsVoice),
};

/** Sleeps a real moment (the local mailbox simulator answers asynchronously) but counts the asked time. */
function steppingClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await new Promise((resolve) => setTimeout(resolve, 25));
    },
  };
}

/** A report that keeps its lines. */
function collecting() {
  const lines: string[] = [];
  return { report: new Report((line) => lines.push(line)), lines };
}

const lineOf = (lines: string[], check: string) =>
  lines.find((line) => new RegExp(`^[A-Z]+ ${check} — `).test(line));

let service: TestService;

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

const resource = (type: string, logicalId: string, physicalId: string): StackResourceSummary => ({
  ResourceType: type,
  LogicalResourceId: logicalId,
  PhysicalResourceId: physicalId,
  ResourceStatus: 'UPDATE_COMPLETE',
  LastUpdatedTimestamp: new Date('2026-03-01T10:00:00Z'),
});

/** DescribeAlarms shapes: a single-metric Lambda alarm and a metric-math SNS alarm, both on the topic. */
const ALARMS: MetricAlarm[] = [
  {
    AlarmName: 'Codegate-native-send-Fault-Count-Critical',
    ActionsEnabled: true,
    AlarmActions: [TOPIC],
    StateValue: 'OK',
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Statistic: 'Sum',
    Dimensions: [{ Name: 'FunctionName', Value: 'Codegate-NativeSend1A2B3C-xyz' }],
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
  },
  {
    AlarmName: 'Codegate-delivery-sms-failure-rate-Critical',
    ActionsEnabled: true,
    AlarmActions: [TOPIC],
    StateValue: 'INSUFFICIENT_DATA',
    EvaluationPeriods: 1,
    Threshold: 0.2,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    Metrics: [
      { Id: 'expr', Expression: 'IF(failed >= 5, failed / (failed + delivered), 0)', ReturnData: true },
      {
        Id: 'failed',
        ReturnData: false,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/SNS',
            MetricName: 'NumberOfNotificationsFailed',
            Dimensions: [{ Name: 'PhoneNumber', Value: 'PhoneNumberDirectPublish' }],
          },
          Period: 3600,
          Stat: 'Sum',
        },
      },
    ],
  },
];

/** GetStage as the stack deploys it: the default throttle, and each throttled route under its route key. */
function deployedStage(): GetStageResponse {
  return {
    StageName: '$default',
    AutoDeploy: true,
    DefaultRouteSettings: {
      DetailedMetricsEnabled: true,
      ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
      ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
    },
    RouteSettings: Object.fromEntries(
      ROUTES.filter((route) => route.throttle).map((route) => [
        `${route.method} ${route.path}`,
        {
          DetailedMetricsEnabled: true,
          ThrottlingBurstLimit: route.throttle?.burstLimit,
          ThrottlingRateLimit: route.throttle?.rateLimit,
        },
      ]),
    ),
  };
}

/** The SQS body SNS delivers (raw delivery off) for an alarm CloudWatch published. */
function snsAlarmBody(alarmName: string, state: string): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    TopicArn: TOPIC,
    Subject: `${state}: "${alarmName}" in US East (N. Virginia)`,
    Message: JSON.stringify({
      AlarmName: alarmName,
      AWSAccountId: ACCOUNT,
      NewStateValue: state,
      NewStateReason: 'deployment verifier probe',
      StateChangeTime: '2026-03-01T10:00:00.000+0000',
      Region: 'US East (N. Virginia)',
      OldStateValue: 'INSUFFICIENT_DATA',
      Trigger: { MetricName: 'Probe', Namespace: 'Codegate/Verifier', Statistic: 'SUM', Dimensions: [] },
    }),
    Timestamp: '2026-03-01T10:00:00.123Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
  });
}

/** A phone number of the account as DescribePhoneNumbers lists it: the call loop's --call-from. */
const CALLER = {
  PhoneNumberArn: `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-12065550100`,
  PhoneNumberId: 'phone-12065550100',
  PhoneNumber: '+12065550100',
  Status: 'ACTIVE',
  IsoCountryCode: 'US',
  MessageType: 'TRANSACTIONAL',
  NumberCapabilities: ['SMS', 'VOICE'],
  NumberType: 'TOLL_FREE',
} as PhoneNumberInformation;

const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;
const queueArn = (url: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${url.split('/').pop()}`;

/**
 * The whole AWS side, played as AWS would: the stack of CloudFormation, a rule that forwards the local
 * runtime's lifecycle events matching its pattern to its queue, and an alarm topic that delivers an
 * alarm's state change to the queues subscribed to it.
 */
function stubAws(url: string, stack: { voice?: boolean } = {}) {
  for (const mock of Object.values(mocks)) mock.reset();
  mocks.cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'Codegate',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2026-03-01T09:00:00Z'),
        Outputs: [
          { OutputKey: 'ApiUrl', OutputValue: `${url}/` },
          { OutputKey: 'TableName', OutputValue: service.tableName },
          { OutputKey: 'AlarmTopicArn', OutputValue: TOPIC },
          { OutputKey: 'EventBusName', OutputValue: BUS },
        ],
        Tags: [],
      },
    ],
  });
  // Two pages: the verifier must follow NextToken (a Codegate stack has more than 100 resources).
  mocks.cfn.on(ListStackResourcesCommand).callsFake((input: { NextToken?: string }) =>
    input.NextToken === 'page-2'
      ? {
          StackResourceSummaries: [
            resource('AWS::CloudWatch::Alarm', 'NativeSendFault', ALARMS[0]?.AlarmName ?? ''),
            resource('AWS::CloudWatch::Alarm', 'SmsFailureRate', ALARMS[1]?.AlarmName ?? ''),
          ],
        }
      : {
          StackResourceSummaries: [
            resource('AWS::ApiGatewayV2::Api', 'Api', API_ID),
            resource('AWS::Pipes::Pipe', 'FeedbackPipe', PIPE),
            resource('AWS::SecretsManager::Secret', 'PepperA1B2C3', SECRET),
            // Only a stack deployed with -c channels=voice has it (test/infra-feedback.test.ts).
            ...(stack.voice
              ? [
                  resource(
                    'AWS::Events::Rule',
                    'FeedbackVoiceFeedback5E2D1C0B',
                    'Codegate-FeedbackVoiceFeedback-Q1w2E3r4',
                  ),
                ]
              : []),
          ],
          NextToken: 'page-2',
        },
  );
  mocks.pipes
    .on(DescribePipeCommand)
    .resolves({ Name: PIPE, CurrentState: 'RUNNING', DesiredState: 'RUNNING' });
  mocks.apigw.on(GetStageCommand).resolves(deployedStage());
  mocks.secrets.on(GetSecretValueCommand).resolves({ ARN: SECRET, SecretString: process.env.PEPPER });
  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: ALARMS });
  mocks.cloudwatch.on(ListMetricsCommand).callsFake((input: { MetricName?: string; Namespace?: string }) =>
    input.MetricName === 'Errors'
      ? {
          Metrics: [{ Namespace: input.Namespace, MetricName: 'Errors', Dimensions: ALARMS[0]?.Dimensions }],
        }
      : { Metrics: [] },
  );
  mocks.cloudwatch.on(PutMetricAlarmCommand).resolves({});
  mocks.cloudwatch.on(SetAlarmStateCommand).resolves({});
  mocks.cloudwatch.on(DeleteAlarmsCommand).resolves({});
  mocks.sns.on(SubscribeCommand).callsFake((input: { Endpoint?: string }) => ({
    SubscriptionArn: `${TOPIC}:${(input.Endpoint ?? '').split(':').pop()}`,
  }));
  mocks.sns.on(UnsubscribeCommand).resolves({});
  // The --call-from identity of the call loop's tests: a voice-capable number of the account.
  mocks.smsVoice.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [CALLER] });
  mocks.events.on(PutRuleCommand).callsFake((input: { Name?: string }) => ({
    RuleArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${BUS}/${input.Name}`,
  }));
  mocks.events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
  mocks.events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
  mocks.events.on(DeleteRuleCommand).resolves({});
  mocks.sqs
    .on(CreateQueueCommand)
    .callsFake((input: { QueueName?: string }) => ({ QueueUrl: queueUrl(input.QueueName ?? '') }));
  mocks.sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl?: string }) => ({
    Attributes: { QueueArn: queueArn(input.QueueUrl ?? '') },
  }));
  mocks.sqs.on(SetQueueAttributesCommand).resolves({});
  mocks.sqs.on(DeleteQueueCommand).resolves({});
  const delivered = new Set<string>();
  mocks.sqs.on(ReceiveMessageCommand).callsFake(async (input: { QueueUrl?: string }) => {
    const arn = queueArn(input.QueueUrl ?? '');
    // The rule's target: events of the local runtime's bus that match the rule's pattern, each once.
    const rule = mocks.events.commandCalls(PutRuleCommand).at(-1)?.args[0].input;
    const targeted = mocks.events
      .commandCalls(PutTargetsCommand)
      .some((call) => call.args[0].input.Targets?.some((target) => target.Arn === arn));
    if (rule && targeted) {
      const pattern = JSON.parse(rule.EventPattern ?? '{}') as {
        source: string[];
        detail: { tenant: string[] };
      };
      const { events } = (await (await fetch(`${url}/_local/events`)).json()) as { events: any[] };
      const matching = events.filter(
        (event) =>
          pattern.source.includes(event.source) &&
          pattern.detail.tenant.includes(event.detail.tenant) &&
          !delivered.has(event.id),
      );
      for (const event of matching) delivered.add(event.id);
      return {
        Messages: matching.map((event) => ({
          MessageId: event.id,
          ReceiptHandle: 'rh',
          Body: JSON.stringify(event),
        })),
      };
    }
    // The alarm topic: an alarm of the topic set to ALARM reaches every queue subscribed to it.
    const subscribed = mocks.sns
      .commandCalls(SubscribeCommand)
      .some((call) => call.args[0].input.TopicArn === TOPIC && call.args[0].input.Endpoint === arn);
    const alarm = mocks.cloudwatch
      .commandCalls(PutMetricAlarmCommand)
      .map((call) => call.args[0].input)
      .find((put) => put.AlarmActions?.includes(TOPIC));
    const set = mocks.cloudwatch
      .commandCalls(SetAlarmStateCommand)
      .some(
        (call) =>
          call.args[0].input.AlarmName === alarm?.AlarmName && call.args[0].input.StateValue === 'ALARM',
      );
    if (subscribed && alarm?.AlarmName && set)
      return {
        Messages: [{ MessageId: 'm1', ReceiptHandle: 'rh', Body: snsAlarmBody(alarm.AlarmName, 'ALARM') }],
      };
    return {};
  });
}

function options(from?: string, call?: CallSettings) {
  return {
    stackName: 'Codegate',
    from,
    call,
    clock: steppingClock(),
    names: NAMES,
    timeouts: { credentialMs: 0, suppressionMs: 600_000, eventsMs: 600_000, alarmMs: 0, callMs: 600_000 },
    pollMs: 1_000,
    longPollSeconds: 0,
  };
}

function awsClients(): AwsClients {
  return { ...clients, db: createDocumentClient(service.endpoint) };
}

beforeEach(() => stubAws(service.url));

describe('verify:deployment --stack (AWS mocked, API on the local runtime)', () => {
  it('passes every check against a healthy stack and removes all it created', async () => {
    const { report, lines } = collecting();
    const cleanup = new Cleanup();

    await runAwsChecks(
      report,
      awsClients(),
      options('Codegate Verifier <verifier@mail.example.com>'),
      cleanup,
    );
    await cleanup.run();
    report.add(cleanup.result());

    for (const check of [
      'stack',
      'pipe',
      'stage-throttles',
      'alarms',
      'credential',
      'send-check',
      'suppression-bounce',
      'suppression-complaint',
      'lifecycle-events',
      'alarm-topic',
      'cleanup',
    ])
      expect(lineOf(lines, check), `${check}\n${lines.join('\n')}`).toMatch(/^PASS /);
    // The metric-math alarm's inner SNS metric has no data yet: listed by name, a WARN and no FAIL.
    expect(lineOf(lines, 'alarms')).toMatch(/^PASS alarms — 2 alarms, monitoring tier essential \(inferred/);
    expect(lineOf(lines, 'whatsapp-events')).toMatch(/^SKIP whatsapp-events — the stack offers no WhatsApp/);
    expect(mocks.social.commandCalls(ListLinkedWhatsAppBusinessAccountsCommand)).toHaveLength(0);
    expect(lines).toContain('    AWS/SNS (1): Codegate-delivery-sms-failure-rate-Critical');
    expect(lineOf(lines, 'alarm-metrics')).toMatch(/^WARN alarm-metrics — 1 of 2 metrics/);
    expect(lines.join('\n')).toContain(
      'AWS/SNS NumberOfNotificationsFailed {PhoneNumber=PhoneNumberDirectPublish} — read by Codegate-delivery-sms-failure-rate-Critical',
    );
    expect(report.exitCode()).toBe(0);

    // Cleanup, in the table: no item of the temporary tenant and no suppression the loops caused.
    const items = await scanAll(awsClients().db, service.tableName);
    expect(
      items.filter(
        (item) => String(item.pk).startsWith('TENANT#') && JSON.stringify(item).includes('verifier-'),
      ),
    ).toEqual([]);
    expect(items.filter((item) => String(item.pk).startsWith('SUPP#'))).toEqual([]);
    // …and on AWS: the rule, its target, both queues, the subscription and the probe alarm.
    expect(mocks.events.commandCalls(RemoveTargetsCommand)).toHaveLength(1);
    expect(mocks.events.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    expect(mocks.sqs.commandCalls(DeleteQueueCommand)).toHaveLength(2);
    expect(mocks.sns.commandCalls(UnsubscribeCommand)).toHaveLength(1);
    expect(mocks.cloudwatch.commandCalls(DeleteAlarmsCommand)[0]?.args[0].input.AlarmNames).toEqual([
      `${NAMES.prefix}-alarm-topic-probe`,
    ]);
    // Each queue lets only its sender in, for its source only.
    const policies = mocks.sqs
      .commandCalls(SetQueueAttributesCommand)
      .map((call) => JSON.parse(call.args[0].input.Attributes?.Policy ?? '{}').Statement[0]);
    expect(policies.map((statement) => statement.Principal.Service).sort()).toEqual([
      'events.amazonaws.com',
      'sns.amazonaws.com',
    ]);
    expect(
      policies.find((s) => s.Principal.Service === 'sns.amazonaws.com').Condition.ArnEquals['aws:SourceArn'],
    ).toBe(TOPIC);

    // Nothing secret printed: not the code it chose (read back from the outbox), the pepper, a full address.
    const code = /\b(\d{6})\b/.exec(service.messages('success@simulator.amazonses.com')[0]?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const output = lines.join('\n');
    for (const secret of [
      code ?? 'no code',
      process.env.PEPPER ?? 'no pepper',
      'cgv_',
      'verifier@mail.example.com',
    ])
      expect(output).not.toContain(secret);
    expect(output).not.toMatch(/[a-z0-9-]{2,}@simulator\.amazonses\.com/);
  });

  it('cleans up everything even when checks fail and one throws, and exits 1', async () => {
    mocks.pipes
      .on(DescribePipeCommand)
      .resolves({ Name: PIPE, CurrentState: 'STOPPED', DesiredState: 'STOPPED' });
    mocks.cloudwatch.on(SetAlarmStateCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudwatch:SetAlarmState'), {
        name: 'AccessDenied',
      }),
    );
    const { report, lines } = collecting();
    const cleanup = new Cleanup();

    await runAwsChecks(report, awsClients(), options(), cleanup);
    await cleanup.run();
    report.add(cleanup.result());

    expect(lineOf(lines, 'pipe')).toMatch(/^FAIL pipe — .*STOPPED.*start-pipe/);
    expect(lineOf(lines, 'alarm-topic')).toMatch(
      /^FAIL alarm-topic — AccessDenied: .*cloudwatch:PutMetricAlarm\/SetAlarmState/,
    );
    expect(lineOf(lines, 'send-check')).toMatch(/^SKIP send-check — --from <address> not given/);
    for (const check of CALL_CHECKS)
      expect(lineOf(lines, check)).toMatch(new RegExp(`^SKIP ${check} — --call <your mobile number>`));
    expect(report.exitCode()).toBe(1);
    expect(mocks.cloudwatch.commandCalls(DeleteAlarmsCommand)).toHaveLength(1);
    expect(mocks.sns.commandCalls(UnsubscribeCommand)).toHaveLength(1);
    expect(mocks.sqs.commandCalls(DeleteQueueCommand)).toHaveLength(2);
    expect(mocks.events.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    const items = await scanAll(awsClients().db, service.tableName);
    expect(
      items.filter(
        (item) => String(item.pk).startsWith('TENANT#') && JSON.stringify(item).includes('verifier-'),
      ),
    ).toEqual([]);
    expect(lineOf(lines, 'cleanup')).toMatch(/^PASS cleanup — removed \d+: /);
  });

  it('reports a cleanup that fails by name, as a FAIL', async () => {
    mocks.sqs
      .on(DeleteQueueCommand)
      .rejects(Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' }));
    const { report, lines } = collecting();
    const cleanup = new Cleanup();

    await runAwsChecks(report, awsClients(), options(), cleanup);
    await cleanup.run();
    report.add(cleanup.result());

    expect(lineOf(lines, 'cleanup')).toMatch(/^FAIL cleanup — 2 thing\(s\) could not be removed/);
    expect(lines).toContain(
      `    queue ${NAMES.prefix}-events (AccessDenied: Access to the resource is denied.)`,
    );
    expect(report.exitCode()).toBe(1);
  });
});

/** The stack as readStack leaves it, for the checks called one by one. */
const FACTS: StackFacts = {
  name: 'Codegate',
  status: 'UPDATE_COMPLETE',
  outputs: { AlarmTopicArn: TOPIC, EventBusName: BUS },
  tags: {},
  resources: [
    { type: 'AWS::Pipes::Pipe', logicalId: 'FeedbackPipe', physicalId: PIPE },
    { type: 'AWS::ApiGatewayV2::Api', logicalId: 'Api', physicalId: API_ID },
  ],
};
const instant: Clock = { now: () => 0, sleep: async () => undefined };

describe('the AWS-only checks, one by one', () => {
  it('a RUNNING pipe passes; a STOPPED one fails with its reason and how to start it', async () => {
    mocks.pipes
      .on(DescribePipeCommand, { Name: PIPE })
      .resolves({ Name: PIPE, CurrentState: 'RUNNING', DesiredState: 'RUNNING' });
    expect((await checkPipe(clients.pipes, FACTS)).status).toBe('PASS');

    mocks.pipes.on(DescribePipeCommand, { Name: PIPE }).resolves({
      Name: PIPE,
      CurrentState: 'STOPPED',
      DesiredState: 'STOPPED',
      StateReason: 'USER_INITIATED',
    });
    const stopped = await checkPipe(clients.pipes, FACTS);
    expect(stopped.status).toBe('FAIL');
    expect(stopped.detail).toContain(`is STOPPED (desired STOPPED: USER_INITIATED)`);
    expect(stopped.detail).toContain(`aws pipes start-pipe --name ${PIPE}`);
  });

  it('throttles as lib/routes.ts declares pass; a drifted route and an undeclared one fail, each named', async () => {
    expect((await checkStageThrottles(clients.apigw, FACTS, ROUTES, DEFAULT_THROTTLE)).status).toBe('PASS');

    const send = ROUTES.find((route) => route.name === 'native-send')?.throttle;
    const drifted = deployedStage();
    const settings = drifted.RouteSettings ?? {};
    settings['POST /v1/verifications'] = { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 10 };
    settings['POST /v1/verifications/check'] = { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 };
    mocks.apigw.on(GetStageCommand, { ApiId: API_ID, StageName: '$default' }).resolves(drifted);
    const result = await checkStageThrottles(clients.apigw, FACTS, ROUTES, DEFAULT_THROTTLE);

    expect(result.status).toBe('FAIL');
    expect(result.more).toEqual([
      `POST /v1/verifications: live rate 10/burst 500, declared ${send?.rateLimit}/${send?.burstLimit}`,
      'POST /v1/verifications/check: live rate 1/burst 1, declared none (the default applies)',
    ]);
  });

  it('throttles a deploy overrode (the StageThrottles output) are what the live stage must hold', async () => {
    const send = ROUTES.find((route) => route.name === 'native-send')?.throttle;
    const declared = declaredThrottles(
      JSON.stringify({ default: '300/600', 'native-send': '120/240', 'eiam-captcha-get': '25/50' }),
    );
    expect(declared[1]).toEqual({ rateLimit: 300, burstLimit: 600 });
    // The stage as lib/routes.ts alone would have it differs from this deploy's declaration: named.
    const result = await checkStageThrottles(clients.apigw, FACTS, ...declared);
    expect(result.status).toBe('FAIL');
    expect(result.more).toContain(
      `POST /v1/verifications: live rate ${send?.rateLimit}/burst ${send?.burstLimit}, declared 120/240`,
    );
    // Without the output (a stack from before it), lib/routes.ts is the declaration.
    expect(declaredThrottles(undefined)).toEqual([ROUTES, DEFAULT_THROTTLE]);
  });

  it('the alarm topic fails with advice when no notification arrives, and its cleanup removes all it made', async () => {
    mocks.sqs.on(ReceiveMessageCommand).resolves({});
    const cleanup = new Cleanup();

    const result = await checkAlarmTopic(clients, TOPIC, NAMES, cleanup, {
      clock: instant,
      timeoutMs: 0,
      pollMs: 0,
      longPollSeconds: 0,
    });
    await cleanup.run();

    expect(result.status).toBe('FAIL');
    expect(result.detail).toMatch(/topic policy must Allow cloudwatch\.amazonaws\.com sns:Publish/);
    expect(mocks.cloudwatch.commandCalls(SetAlarmStateCommand)[0]?.args[0].input.StateValue).toBe('ALARM');
    expect(mocks.cloudwatch.commandCalls(DeleteAlarmsCommand)).toHaveLength(1);
    expect(mocks.sns.commandCalls(UnsubscribeCommand)[0]?.args[0].input.SubscriptionArn).toMatch(
      /^arn:aws:sns:/,
    );
    expect(mocks.sqs.commandCalls(DeleteQueueCommand)[0]?.args[0].input.QueueUrl).toBe(
      queueUrl(`${NAMES.prefix}-alarms`),
    );
  });

  it("the alarm topic ignores another alarm's notification and an OK one", async () => {
    mocks.sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { MessageId: 'a', ReceiptHandle: 'a', Body: snsAlarmBody('someone-elses-alarm', 'ALARM') },
        { MessageId: 'b', ReceiptHandle: 'b', Body: snsAlarmBody(`${NAMES.prefix}-alarm-topic-probe`, 'OK') },
      ],
    });
    const result = await checkAlarmTopic(clients, TOPIC, NAMES, new Cleanup(), {
      clock: instant,
      timeoutMs: 0,
      pollMs: 0,
      longPollSeconds: 0,
    });
    expect(result.status).toBe('FAIL');
  });

  it('a subscription SNS asks to confirm is confirmed, and the alarm set again so its notification follows', async () => {
    const probe = `${NAMES.prefix}-alarm-topic-probe`;
    const confirmation = JSON.stringify({
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token:
        '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
      TopicArn: TOPIC,
      Message:
        'You have chosen to subscribe to the topic. To confirm the subscription, visit the SubscribeURL included in this message.',
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
      Timestamp: '2026-03-01T10:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
    });
    mocks.sns.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${TOPIC}:abc` });
    let now = 0;
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    mocks.sqs.on(ReceiveMessageCommand).callsFake(async () => {
      now += 1;
      return mocks.sqs.commandCalls(ReceiveMessageCommand).length === 1
        ? { Messages: [{ MessageId: 'c', ReceiptHandle: 'c', Body: confirmation }] }
        : { Messages: [{ MessageId: 'n', ReceiptHandle: 'n', Body: snsAlarmBody(probe, 'ALARM') }] };
    });

    const result = await checkAlarmTopic(clients, TOPIC, NAMES, new Cleanup(), {
      clock,
      timeoutMs: 10,
      pollMs: 0,
      longPollSeconds: 0,
    });

    expect(result.status).toBe('PASS');
    expect(mocks.sns.commandCalls(ConfirmSubscriptionCommand)[0]?.args[0].input.TopicArn).toBe(TOPIC);
    expect(
      mocks.cloudwatch.commandCalls(SetAlarmStateCommand).map((call) => call.args[0].input.StateValue),
    ).toEqual(['ALARM', 'OK', 'ALARM']);
  });

  it('a rule whose target cannot be put leaves no rule and no queue behind', async () => {
    mocks.events
      .on(PutTargetsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const cleanup = new Cleanup();

    await expect(captureEvents(clients, BUS, 'verifier-abc', NAMES, cleanup, 0)).rejects.toThrow('denied');
    await cleanup.run();

    expect(mocks.events.commandCalls(PutRuleCommand)[0]?.args[0].input.EventPattern).toBe(
      JSON.stringify({ source: ['codegate'], detail: { tenant: ['verifier-abc'] } }),
    );
    expect(mocks.events.commandCalls(DeleteRuleCommand)[0]?.args[0].input).toEqual({
      Name: NAMES.prefix,
      EventBusName: BUS,
    });
    expect(mocks.sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
    expect(cleanup.result().status).toBe('PASS');
  });

  it('tells the tier from an output, else from the dashboard; an alarm that notifies elsewhere fails', () => {
    const dashboard = { type: 'AWS::CloudWatch::Dashboard', logicalId: 'Dashboard', physicalId: 'Codegate' };
    expect(tierOf({ ...FACTS, outputs: { MonitoringTier: 'essential' } })).toBe('monitoring tier essential');
    expect(tierOf({ ...FACTS, resources: [...FACTS.resources, dashboard] })).toMatch(
      /^monitoring tier full \(inferred/,
    );
    expect(tierOf(FACTS)).toMatch(/^monitoring tier essential \(inferred/);

    const elsewhere = { ...ALARMS[0], AlarmActions: ['arn:aws:sns:us-east-1:123456789012:old-topic'] };
    const result = checkAlarms(FACTS, [elsewhere, ALARMS[1] as MetricAlarm], TOPIC);
    expect(result.status).toBe('FAIL');
    expect(result.more).toEqual([ALARMS[0]?.AlarmName]);
  });

  it('a metric listed only with more dimensions than the alarm names counts as missing (ListMetrics matches supersets)', async () => {
    mocks.cloudwatch.on(ListMetricsCommand).resolves({
      Metrics: [
        {
          Namespace: 'AWS/SNS',
          MetricName: 'NumberOfNotificationsFailed',
          Dimensions: [
            { Name: 'PhoneNumber', Value: 'PhoneNumberDirectPublish' },
            { Name: 'Country', Value: 'US' },
          ],
        },
      ],
    });
    const result = await checkAlarmMetrics(clients.cloudwatch, [ALARMS[1] as MetricAlarm]);

    expect(result.status).toBe('WARN');
    expect(mocks.cloudwatch.commandCalls(ListMetricsCommand)[0]?.args[0].input).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [{ Name: 'PhoneNumber', Value: 'PhoneNumberDirectPublish' }],
    });

    mocks.cloudwatch.on(ListMetricsCommand).resolves({
      Metrics: [
        {
          Namespace: 'AWS/SNS',
          MetricName: 'NumberOfNotificationsFailed',
          Dimensions: [{ Name: 'PhoneNumber', Value: 'PhoneNumberDirectPublish' }],
        },
      ],
    });
    expect((await checkAlarmMetrics(clients.cloudwatch, [ALARMS[1] as MetricAlarm])).status).toBe('PASS');
  });
});

describe('a create with a chosen code', () => {
  it('a 201 on another channel than asked fails, saying a code may have gone out there', async () => {
    // An API answering as a broken deployment might: 201, but the verification on SMS.
    const api = createServer((_request, response) => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ sid: `VE${'1'.repeat(32)}`, status: 'pending', channel: 'sms' }));
    });
    await new Promise<void>((listening) => api.listen(0, '127.0.0.1', listening));
    const { port } = api.address() as AddressInfo;
    try {
      const target = {
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: 'k',
        twilio: { accountSid: `AC${'2'.repeat(32)}`, authToken: 't', serviceSid: `VA${'3'.repeat(32)}` },
      };
      const send = { check: 'call-send', channel: 'call' as const, refused: 'refused', proven: 'proven' };
      expect(await checkChosenCodeSend(target, '+14155550188', () => undefined, send)).toEqual({
        status: 'FAIL',
        check: 'call-send',
        detail:
          'Twilio create answered 201 with channel "sms", not "call": a code may have gone out on that channel — see the twilio-create-verification function\'s log',
      });
    } finally {
      api.close();
    }
  });
});

describe('whatsapp-events: the WABA event destination the operator points at the stack', () => {
  const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:Codegate-FeedbackWhatsAppEvents1A2B3C4D-Q1w2E3r4T5y6`;
  const withWhatsApp: StackFacts = {
    ...FACTS,
    outputs: { ...FACTS.outputs, WhatsAppEventTopicArn: TOPIC_ARN },
  };
  const waba = (id: string, destinations: string[]) => ({
    arn: `arn:aws:social-messaging:us-east-1:${ACCOUNT}:waba/${id}`,
    id: `waba-${id}`,
    wabaId: '1234567890',
    registrationStatus: 'COMPLETE' as const,
    linkDate: new Date('2026-03-01T09:00:00Z'),
    wabaName: `Shop ${id}`,
    eventDestinations: destinations.map((eventDestinationArn) => ({ eventDestinationArn })),
  });
  const elsewhere = `arn:aws:sns:us-east-1:${ACCOUNT}:crm-events`;

  it('passes when every linked WABA, on every page, sends its events to the topic', async () => {
    mocks.social
      .on(ListLinkedWhatsAppBusinessAccountsCommand)
      .callsFake((input: { nextToken?: string }) =>
        input.nextToken === 'p2'
          ? { linkedAccounts: [waba('b2', [TOPIC_ARN])] }
          : { linkedAccounts: [waba('a1', [TOPIC_ARN])], nextToken: 'p2' },
      );
    const result = await checkWhatsAppEvents(clients.social, withWhatsApp);
    expect(result).toMatchObject({ status: 'PASS', check: 'whatsapp-events' });
    expect(result.detail).toMatch(/^2 linked WhatsApp Business Account\(s\), each sending its events/);
  });

  it('fails when none does (the loop is broken), naming each WABA and where it points', async () => {
    mocks.social
      .on(ListLinkedWhatsAppBusinessAccountsCommand)
      .resolves({ linkedAccounts: [waba('a1', [elsewhere]), waba('b2', [])] });
    const result = await checkWhatsAppEvents(clients.social, withWhatsApp);
    expect(result.status).toBe('FAIL');
    expect(result.detail).toMatch(/never suppressed .*step 3/);
    expect(result.more).toEqual([
      `waba-a1 (Shop a1): ${elsewhere}`,
      'waba-b2 (Shop b2): no event destination',
    ]);
  });

  it('warns when only some do (another application may own the others), or when no WABA is linked', async () => {
    mocks.social
      .on(ListLinkedWhatsAppBusinessAccountsCommand)
      .resolves({ linkedAccounts: [waba('a1', [TOPIC_ARN]), waba('b2', [elsewhere])] });
    const some = await checkWhatsAppEvents(clients.social, withWhatsApp);
    expect(some).toMatchObject({ status: 'WARN', more: [`waba-b2 (Shop b2): ${elsewhere}`] });
    expect(some.detail).toMatch(/^1 of 2 linked WhatsApp Business Accounts send their events elsewhere/);
    mocks.social.on(ListLinkedWhatsAppBusinessAccountsCommand).resolves({ linkedAccounts: [] });
    expect(await checkWhatsAppEvents(clients.social, withWhatsApp)).toMatchObject({
      status: 'WARN',
      detail: expect.stringMatching(/^no WhatsApp Business Account is linked in this region/),
    });
  });

  it('skips a stack without WhatsApp without calling End User Messaging Social', async () => {
    expect((await checkWhatsAppEvents(clients.social, FACTS)).status).toBe('SKIP');
    expect(mocks.social.commandCalls(ListLinkedWhatsAppBusinessAccountsCommand)).toHaveLength(0);
  });
});

describe('the temporary tenant', () => {
  it("is stored in the loader's layout with only hashes of its credentials, and every item expires on its own", async () => {
    const now = Date.UTC(2026, 2, 1);
    const temporary = buildTemporaryTenant('verifier@mail.example.com', now);

    expect(temporary.tenant.id).toMatch(/^verifier-[0-9a-f]{12}$/);
    expect(temporary.tenant.twilio?.services[0]?.customCodeEnabled).toBe(true);
    expect(temporary.items.map((item) => item.pk)).toEqual([
      `TENANT#id#${temporary.tenant.id}`,
      `TENANT#apiKey#${sha256Hex(temporary.apiKey)}`,
      `TENANT#twilioAccount#${temporary.twilio.accountSid}`,
    ]);
    for (const item of temporary.items) expect(item.ttl).toBe(now / 1000 + TENANT_TTL_SECONDS);
    const stored = JSON.stringify(temporary.items);
    expect(stored).not.toContain(temporary.apiKey);
    expect(stored).not.toContain(temporary.twilio.authToken);
    // What the deployed functions read: the registry finds the tenant by its key.
    const db = createDocumentClient(service.endpoint);
    for (const item of temporary.items)
      await db.send(new PutCommand({ TableName: service.tableName, Item: item }));
    const found = await new TenantRegistry(db, service.tableName).findByApiKey(temporary.apiKey);
    expect(found?.id).toBe(temporary.tenant.id);
  });
});

describe('verify:deployment --call: the call loop (AWS mocked, the call placed by the local runtime)', () => {
  const NUMBER = '+14155550188';
  const CALL: CallSettings = { to: NUMBER, country: 'US', originationIdentity: '+12065550100' };
  const pepper = () => Buffer.from(process.env.PEPPER ?? '', 'utf8');
  const store = () => new SuppressionStore(awsClients().db, service.tableName);
  const voiceItems = async () =>
    (await scanAll(awsClients().db, service.tableName)).filter((item) =>
      String(item.pk).startsWith('SUPP#voice#'),
    );
  const consumerLog: string[] = [];

  /**
   * Plays what AWS does after a call nobody answers: once the local runtime has placed it (the outbox holds a
   * voice message to the number), SMS and Voice puts the outcome on the default bus and the stack's rule hands
   * it to the consumer, with the number and the call's Context — or, as asked, without the number, or with a
   * Context naming another tenant ('' for none).
   */
  function unansweredCall(eventType: string, event: { withNumber?: boolean; tenant?: string } = {}) {
    const clock = steppingClock();
    let played = false;
    return {
      now: clock.now,
      sleep: async (ms: number) => {
        await clock.sleep(ms);
        const call = service.messages(NUMBER).find((message) => message.channel === 'voice');
        if (!call || played) return;
        played = true;
        await consumeFeedback(
          {
            store: store(),
            pepper: pepper(),
            clock: { now: () => Date.now() },
            log: (_level, message, facts) => consumerLog.push(`${message} ${JSON.stringify(facts)}`),
          },
          voiceEvent(eventType, event.withNumber === false ? undefined : NUMBER, event.tenant ?? call.tenant),
        );
      },
    };
  }

  const callRun = async (call: CallSettings, clock: Clock, callMs = 600_000) => {
    const { report, lines } = collecting();
    const cleanup = new Cleanup();
    await runAwsChecks(
      report,
      awsClients(),
      { ...options(undefined, call), clock, timeouts: { ...options().timeouts, callMs } },
      cleanup,
    );
    await cleanup.run();
    report.add(cleanup.result());
    return { report, lines };
  };

  beforeEach(() => {
    stubAws(service.url, { voice: true });
    consumerLog.length = 0;
  });

  it('places one call with a chosen code, sees the unanswered call suppress the number, and lifts that suppression', async () => {
    const before = service.messages(NUMBER).length;
    const { report, lines } = await callRun(CALL, unansweredCall('VOICE_NO_ANSWER'));

    expect(lineOf(lines, 'call-send')).toMatch(
      /^PASS call-send — Twilio create with Channel=call and a chosen code to \+141\*+0188 answered 201 .*decline the call/,
    );
    // The --call-from identity was read before the call, as tenants:load reads a tenant's.
    expect(mocks.smsVoice.commandCalls(DescribePhoneNumbersCommand).length).toBeGreaterThan(0);
    expect(lineOf(lines, 'call-suppression')).toMatch(
      /^PASS call-suppression — \+141\*+0188 was suppressed on voice \(unanswered\) \d+ s after the call was placed: .*destinationPhoneNumber\) and the tenant \(Context\)$/,
    );
    expect(report.exitCode()).toBe(0);
    // One call, from the temporary tenant, as a voice message reading the code.
    const calls = service.messages(NUMBER).slice(0, service.messages(NUMBER).length - before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ channel: 'voice', tenant: expect.stringMatching(/^verifier-/) });
    // The suppression it caused is lifted, named by its masked number, and the tenant is gone.
    expect(lineOf(lines, 'cleanup')).toMatch(
      /^PASS cleanup — removed \d+: .*voice suppression of \+141\*+0188/,
    );
    expect(await voiceItems()).toEqual([]);
    // Nothing printed holds the number or the code the call read out.
    const code = /(\d(?:[ ,.]*\d){5})/.exec(calls[0]?.text ?? '')?.[1]?.replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);
    const output = lines.join('\n');
    expect(output).not.toContain(NUMBER);
    expect(output).not.toContain('4155550188');
    expect(output).not.toContain(code ?? 'no code');
  });

  it.each([
    ['another tenant', 'another-tenant', 'tenant another-tenant'],
    ['no tenant', '', 'no tenant'],
  ])(
    "a suppression naming %s is a WARN: the loop works, but the call's Context did not come back",
    async (_, tenant, named) => {
      const { report, lines } = await callRun(CALL, unansweredCall('VOICE_BUSY', { tenant }));

      expect(lineOf(lines, 'call-suppression')).toMatch(
        new RegExp(
          `^WARN call-suppression — \\+141\\*+0188 was suppressed on voice \\(unanswered\\) .*, but not with the call's Context \\(the suppression names ${named}\\)`,
        ),
      );
      expect(report.exitCode()).toBe(0);
      expect(await voiceItems()).toEqual([]);
    },
  );

  it('a call outcome that does not carry the number fails call-suppression, naming the log line that says so', async () => {
    const { report, lines } = await callRun(
      CALL,
      unansweredCall('VOICE_NO_ANSWER', { withNumber: false }),
      5_000,
    );

    expect(lineOf(lines, 'call-send')).toMatch(/^PASS call-send/);
    expect(lineOf(lines, 'call-suppression')).toMatch(
      /^FAIL call-suppression — \+141\*+0188 was not suppressed within 5 s\. If the call was answered, by you or by voicemail, .*"… without destinationPhoneNumber" means AWS's call events do not carry the number/,
    );
    expect(consumerLog.join('\n')).toContain('VOICE_NO_ANSWER event without destinationPhoneNumber');
    expect(report.exitCode()).toBe(1);
    expect(await voiceItems()).toEqual([]);
    expect(lineOf(lines, 'cleanup')).toMatch(/^PASS cleanup/);
  });

  it('a stack deployed without voice fails call-send before any call is placed', async () => {
    stubAws(service.url);
    const before = service.messages(NUMBER).length;
    const { report, lines } = await callRun(CALL, unansweredCall('VOICE_NO_ANSWER'));

    expect(lineOf(lines, 'call-send')).toMatch(
      /^FAIL call-send — the stack has no VoiceFeedback rule: .*-c channels=voice/,
    );
    expect(lineOf(lines, 'call-suppression')).toMatch(/^SKIP call-suppression — needs a placed call/);
    expect(service.messages(NUMBER)).toHaveLength(before);
    expect(report.exitCode()).toBe(1);
  });

  it('a number already suppressed on voice is left as it was: no call, both checks SKIP saying why', async () => {
    const key = suppressionKey(pepper(), 'voice', NUMBER);
    await store().suppress({
      channel: 'voice',
      key,
      reason: 'operator',
      at: Date.now(),
      masked: '+141****0188',
      source: 'admin',
    });
    const before = service.messages(NUMBER).length;
    try {
      const { report, lines } = await callRun(CALL, unansweredCall('VOICE_NO_ANSWER'));

      for (const check of CALL_CHECKS)
        expect(lineOf(lines, check)).toMatch(
          new RegExp(`^SKIP ${check} — \\+141\\*+0188 is already suppressed on voice \\(operator\\)`),
        );
      expect(service.messages(NUMBER)).toHaveLength(before);
      expect(await voiceItems()).toHaveLength(1);
      expect(report.exitCode()).toBe(0);
    } finally {
      await store().remove('voice', key);
    }
  });

  it('a suppression that has lapsed (TTL deletes lazily) does not stop the loop, as it does not stop a send', async () => {
    await store().suppress({
      channel: 'voice',
      key: suppressionKey(pepper(), 'voice', NUMBER),
      reason: 'unanswered',
      at: Date.now() - 7_200_000,
      masked: '+141****0188',
      source: 'sms-voice',
      until: Date.now() - 3_600_000,
    });
    const { report, lines } = await callRun(CALL, unansweredCall('VOICE_NO_ANSWER'));

    expect(lineOf(lines, 'call-send')).toMatch(/^PASS call-send/);
    expect(lineOf(lines, 'call-suppression')).toMatch(/^PASS call-suppression/);
    expect(report.exitCode()).toBe(0);
    expect(await voiceItems()).toEqual([]);
  });

  it('a --call-from that cannot place calls fails call-send before any call, saying why', async () => {
    mocks.smsVoice
      .on(DescribePhoneNumbersCommand)
      .resolves({ PhoneNumbers: [{ ...CALLER, NumberCapabilities: ['SMS'] }] });
    const before = service.messages(NUMBER).length;
    const { report, lines } = await callRun(CALL, unansweredCall('VOICE_NO_ANSWER'));

    expect(lineOf(lines, 'call-send')).toBe(
      'FAIL call-send — --call-from cannot place calls (its capabilities: SMS): use a number or pool with VOICE — no call was placed',
    );
    expect(lineOf(lines, 'call-suppression')).toMatch(/^SKIP call-suppression — needs a placed call/);
    expect(service.messages(NUMBER)).toHaveLength(before);
    expect(report.exitCode()).toBe(1);
  });

  it("a read of --call-from AWS refuses fails call-send naming the verifier's own need, and places no call", async () => {
    mocks.smsVoice
      .on(DescribePhoneNumbersCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const before = service.messages(NUMBER).length;
    const { lines } = await callRun(CALL, unansweredCall('VOICE_NO_ANSWER'));

    const line = lineOf(lines, 'call-send') ?? '';
    expect(line).toMatch(
      /^FAIL call-send — tenant verifier-[0-9a-f]+: reading its WhatsApp and call settings .*\(AccessDeniedException: User is not authorized\): verify:deployment --call \(reading --call-from\) needs sms-voice:DescribePhoneNumbers, /,
    );
    expect(line).not.toContain('social-messaging');
    expect(line).not.toContain('tenants:load');
    expect(service.messages(NUMBER)).toHaveLength(before);
  });

  it('a create the API refuses fails call-send with its answer and what to look at, and places no call', async () => {
    // On AWS this is SMS and Voice refusing the call (20503); locally the outbox takes every call, so the refusal
    // is played by a tenant whose voice countries leave the number out (the verifier itself never builds one).
    const before = service.messages(NUMBER).length;
    const { report, lines } = await callRun({ ...CALL, country: 'GB' }, unansweredCall('VOICE_NO_ANSWER'));

    expect(lineOf(lines, 'call-send')).toMatch(
      /^FAIL call-send — Twilio create answered 4\d\d \d+, not 201 — 20503 means SMS and Voice refused the call: .*twilio-create-verification function's log/,
    );
    expect(lineOf(lines, 'call-suppression')).toMatch(/^SKIP call-suppression — needs a placed call/);
    expect(service.messages(NUMBER)).toHaveLength(before);
    expect(report.exitCode()).toBe(1);
  });
});

describe('verify:deployment command line: --call and --call-from', () => {
  const base = ['--stack', 'Codegate'];

  it('a mobile number and an origination identity become the call settings, the number in E.164 with its country', () => {
    expect(
      parseVerifyArgs([...base, '--call', '+447400123456', '--call-from', 'phone-1234567890abcdef']),
    ).toMatchObject({
      mode: 'aws',
      call: { to: '+447400123456', country: 'GB', originationIdentity: 'phone-1234567890abcdef' },
    });
    expect(parseVerifyArgs(base)).toMatchObject({ mode: 'aws', call: undefined });
  });

  it.each([
    [['--call', '+447400123456'], /--call and --call-from go together/],
    [['--call-from', '+12065550100'], /--call and --call-from go together/],
    // A valid London landline: calls reach mobile numbers only.
    [['--call', '+442071234567', '--call-from', '+12065550100'], /--call must be a mobile number in E\.164/],
    [['--call', '+447400123456', '--call-from', 'no spaces allowed'], /^--call-from must be a phone number/],
  ])('refuses %j naming the cause', (extra, message) => {
    expect(() => parseVerifyArgs([...base, ...extra])).toThrow(UsageError);
    expect(() => parseVerifyArgs([...base, ...extra])).toThrow(message);
  });

  it.each(['+4420712345678', '+44 20 7123 4567', '+44-20-7123-4567'])(
    'a refused number (%s) is masked, never echoed in full',
    (number) => {
      const refusal = () => parseVerifyArgs([...base, '--call', number, '--call-from', 'x']);
      expect(refusal).toThrow(/got "\+44\d{2,3}\*{4}\d{4}": calls reach mobile numbers only/);
      expect(refusal).not.toThrow(/7123|712345/);
    },
  );

  it('a refused number without its + is shown without one, so the message does not look like E.164', () => {
    expect(() => parseVerifyArgs([...base, '--call', '447400123456', '--call-from', 'x'])).toThrow(
      'got "4474****3456": calls reach mobile numbers only',
    );
  });

  it('--call is for --stack only', () => {
    expect(() =>
      parseVerifyArgs(['--local', 'http://127.0.0.1:3000', '--call', '+447400123456', '--call-from', 'x']),
    ).toThrow(/--call and --call-from are for --stack only/);
  });
});
