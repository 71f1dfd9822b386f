// The feedback loops in the synthesized template (cdk-nag as in infra/app.ts): the SES event destination and its
// consumer, the event bus and its pipe, and grants that match what the code really sends; with `-c channels=…`,
// the rule for call outcomes and the WhatsApp event destination topic (a second synth, also under cdk-nag).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { App, type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOICE_RULE_PREFIX } from '../infra/admin/verify/call-checks.ts';
import { FEEDBACK_GRANTS, FEEDBACK_KEYS, type Feedback, SES_DETAIL_TYPES } from '../infra/feedback.ts';
import { CodegateStack } from '../infra/stack.ts';
import { enrichRecords, MAX_EVENTS_PER_BATCH, maxAttemptsFrom } from '../lib/events/enrich.ts';
import { SuppressionStore } from '../lib/store/suppressions.ts';
import { consumeSesNotification } from '../lib/suppression/consumer.ts';
import { consumeFeedback } from '../lib/suppression/messaging-consumer.ts';
import { simulatedNotification } from '../lib/suppression/simulator.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { TenantRegistry } from '../lib/tenants/registry.ts';
import { syncTenants } from '../lib/tenants/sync.ts';
import { voiceEvent, whatsAppFailed, whatsAppSnsEvent, whatsAppStatus } from './fixtures/messaging-events.ts';
import { CDK_JSON_CONTEXT, removeTempApps, tempApp } from './helpers/apps.ts';
import { familyOf, partitionKeysOfCommand } from './helpers/grants.ts';
import { freshTable } from './helpers/table.ts';

type Json = Record<string, any>;
let outdir: string;
let stack: CodegateStack;
let template: Template;
let resources: Record<string, Json>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'codegate-feedback-'));
  // No bundling (test/infra.test.ts checks the bundles): synth takes seconds and never blocks the worker.
  const app = new App({
    outdir,
    context: { ...CDK_JSON_CONTEXT, sesIdentity: 'mail.example.org', 'aws:cdk:bundling-stacks': [] },
  });
  stack = new CodegateStack(app, 'Codegate');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  app.synth(); // throws on any unacknowledged cdk-nag finding
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, 120_000);
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
  removeTempApps();
});

const feedback = () => stack.node.findChild('Feedback') as Feedback;
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnResource);

/** Every action granted to a role by the AWS::IAM::Policy resources attached to it, with resources. */
function grantsOf(roleId: string): { actions: string[]; resource: string; condition?: Json }[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[])
    .map((s) => ({
      actions: [s.Action].flat(),
      resource: JSON.stringify(s.Resource),
      condition: s.Condition,
    }));
}

/** The LeadingKeys patterns the role's table statement is confined to. */
const tableKeys = (roleId: string) =>
  grantsOf(roleId)
    .filter((grant) => grant.actions.some((action) => action.startsWith('dynamodb:')))
    .map((grant) => grant.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);

const tableActions = (roleId: string) =>
  grantsOf(roleId)
    .filter((grant) => grant.actions.some((action) => action.startsWith('dynamodb:')))
    .flatMap((grant) => grant.actions)
    .sort();

/** Records what a function's code sends to DynamoDB, as IAM actions. */
function recorder(db: DynamoDBDocumentClient) {
  const sent = Object.assign(new Set<string>(), { families: new Set<string>() });
  const actions: Record<string, string> = {
    Put: 'PutItem',
    Get: 'GetItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
  };
  db.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      sent.add(`dynamodb:${actions[name] ?? name}`);
      for (const pk of partitionKeysOfCommand(name, args.input)) sent.families.add(familyOf(pk));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return sent;
}

describe('SES feedback → suppression consumer', () => {
  it('the configuration set publishes bounces, complaints and rejects to the default bus and keeps SES suppression on', () => {
    const destination = Object.values(
      template.findResources('AWS::SES::ConfigurationSetEventDestination'),
    )[0];
    const target = destination?.Properties.EventDestination;
    expect(target.MatchingEventTypes).toEqual(['bounce', 'complaint', 'reject']);
    expect(target.Enabled ?? true).toBe(true);
    expect(JSON.stringify(target.EventBridgeDestination.EventBusArn)).toContain('event-bus/default');
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('a rule for this configuration set only invokes the consumer, with bounded retries and a dead-letter queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties.EventPattern).includes('aws.ses'),
    );
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    expect(rule?.Properties.EventPattern['detail-type']).toEqual(SES_DETAIL_TYPES);
    expect(JSON.stringify(rule?.Properties.EventPattern.detail)).toContain('ses:configuration-set');
    const [target] = rule?.Properties.Targets ?? [];
    expect(JSON.stringify(target.Arn)).toContain(idOf(feedback().consumer.function));
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21_600 });
    expect(JSON.stringify(target.DeadLetterConfig)).toContain(idOf(feedback().deadLetters));
  });

  it('the consumer may do on the table exactly what it sends while consuming notifications', async () => {
    const { db, tableName } = await freshTable();
    const sent = recorder(db);
    const ports = {
      store: new SuppressionStore(db, tableName),
      pepper: Buffer.from('x'.repeat(32)),
      clock: { now: () => Date.now() },
      log: () => undefined,
    };
    const message = { to: 'bounce@simulator.amazonses.com', tenantId: 'demo', purpose: 'login' as const };
    const sender = { from: 'no-reply@mail.example.org' };
    await consumeSesNotification(ports, simulatedNotification('bounce', message, sender));
    await consumeSesNotification(ports, simulatedNotification('complaint', message, sender));
    expect([...sent].sort()).toEqual([...FEEDBACK_GRANTS['delivery-feedback']]);
    const roleId = idOf(feedback().consumer.role);
    expect([...sent.families]).toEqual([...FEEDBACK_KEYS['delivery-feedback']]);
    expect(tableKeys(roleId)).toEqual([FEEDBACK_KEYS['delivery-feedback'].map((family) => `${family}#*`)]);
    expect(tableActions(roleId)).toEqual([...FEEDBACK_GRANTS['delivery-feedback']].sort());
    const all = grantsOf(roleId).flatMap((grant) => grant.actions);
    expect(all.filter((action) => !action.startsWith('logs:')).sort()).toEqual([
      'dynamodb:PutItem',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
    ]);
    // SendMessage only for Lambda's on-failure destination: the dead letters, nothing else.
    const send = grantsOf(roleId).filter((grant) => grant.actions.includes('sqs:SendMessage'));
    expect(send.map((grant) => grant.resource)).toEqual([
      JSON.stringify({ 'Fn::GetAtt': [idOf(feedback().deadLetters), 'Arn'] }),
    ]);
  });

  it('an event the consumer took and failed on, past two retries, goes to the dead letters instead of being dropped', () => {
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(configs).toHaveLength(1);
    const [config] = configs;
    expect(JSON.stringify(config?.Properties.FunctionName)).toContain(idOf(feedback().consumer.function));
    expect(config?.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600 });
    expect(config?.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [idOf(feedback().deadLetters), 'Arn'] } },
    });
  });
});

describe('lifecycle events: table stream → pipe → event bus', () => {
  it('the table streams new and old images, and the stack has its own bus', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });

  it('the pipe reads only address and suppression items, enriches them and puts them on the bus', () => {
    const [pipe] = Object.values(template.findResources('AWS::Pipes::Pipe'));
    const props = pipe?.Properties;
    expect(JSON.stringify(props.Source)).toContain('StreamArn');
    expect(JSON.stringify(props.Enrichment)).toContain(idOf(feedback().enrichment.function));
    expect(JSON.stringify(props.Target)).toContain(idOf(feedback().bus));
    expect(props.TargetParameters.EventBridgeEventBusParameters).toEqual({
      Source: 'codegate',
      DetailType: 'Codegate Lifecycle Event',
    });
    const filters = props.SourceParameters.FilterCriteria.Filters.map((f: Json) => JSON.parse(f.Pattern));
    expect(filters.map((f: Json) => f.dynamodb.Keys.pk.S[0].prefix)).toEqual(['ADDR#', 'SUPP#', 'GUARD#']);
    // A pumping-guard prefix item reaches the pipe only when a block (or a window) starts it afresh, not per send.
    expect(filters[2].dynamodb.NewImage).toEqual({ s: { N: ['0'] } });
    expect(filters[2].eventName).toEqual(['MODIFY']);
    const stream = props.SourceParameters.DynamoDBStreamParameters;
    expect(stream.MaximumRetryAttempts).toBe(10);
    // An event bus target takes at most 10 entries per batch: a larger source batch may be refused by CreatePipe.
    expect(stream.BatchSize).toBe(MAX_EVENTS_PER_BATCH);
    expect(stream.OnPartialBatchItemFailure).toBe('AUTOMATIC_BISECT');
    expect(JSON.stringify(stream.DeadLetterConfig)).toContain(idOf(feedback().deadLetters));
    const pipeRole = grantsOf(JSON.stringify(props.RoleArn).match(/"(\w+)","Arn"/)?.[1] ?? '');
    expect(pipeRole.flatMap((grant) => grant.actions).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'events:PutEvents',
      'lambda:InvokeFunction',
      'sqs:SendMessage',
    ]);
  });

  it('the enrichment may do on the table exactly what it sends while deriving events', async () => {
    const { db, tableName } = await freshTable();
    await syncTenants(db, tableName, (await loadTenantsFile(DEMO_TENANTS_FILE)).tenants, {
      pepper: randomBytes(32),
    });
    const sent = recorder(db);
    const addrKey = 'A'.repeat(43);
    const image = (n: number) =>
      marshall({
        pk: `ADDR#demo#email#${addrKey}`,
        sk: 'ADDR',
        i_login: '0123456789abcdef',
        h_login: new Set(['h']),
        n_login: n,
        m: 'a***@example.com',
      });
    const events = await enrichRecords(
      [{ eventName: 'MODIFY', dynamodb: { OldImage: image(4) as never, NewImage: image(5) as never } }],
      maxAttemptsFrom(new TenantRegistry(db, tableName)),
    );
    expect(events.map((event) => [event.type, event.reason])).toEqual([
      ['verification.failed', 'max_attempts'],
    ]);
    expect([...sent].sort()).toEqual([...FEEDBACK_GRANTS['lifecycle-events']]);
    const roleId = idOf(feedback().enrichment.role);
    expect([...sent.families]).toEqual([...FEEDBACK_KEYS['lifecycle-events']]);
    expect(tableKeys(roleId)).toEqual([FEEDBACK_KEYS['lifecycle-events'].map((family) => `${family}#*`)]);
    expect(tableActions(roleId)).toEqual([...FEEDBACK_GRANTS['lifecycle-events']]);
    expect(
      grantsOf(roleId)
        .flatMap((grant) => grant.actions)
        .filter((a) => !a.startsWith('logs:')),
    ).toEqual(['dynamodb:GetItem']);
  });
});

describe('alarms on the feedback loops', () => {
  const alarms = () =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const topic = () => Object.keys(template.findResources('AWS::SNS::Topic'))[0];
  /** The one alarm whose name contains `part`, and the one metric it reads. */
  const alarmOn = (part: string) => {
    const found = alarms().filter((alarm) => String(alarm.AlarmName).includes(`-${part}-`));
    expect(found, part).toHaveLength(1);
    const alarm = found[0] as Json;
    expect(alarm.AlarmActions).toEqual([{ Ref: topic() }]);
    const metrics = (alarm.Metrics as Json[]).filter((m) => m.MetricStat);
    expect(metrics).toHaveLength(1);
    return { alarm, metric: metrics[0]?.MetricStat as Json };
  };

  it.each([
    ['delivery-feedback', () => feedback().consumer],
    ['lifecycle-events', () => feedback().enrichment],
  ])('%s: any error of its function in 5 minutes (its throttles page in the full tier)', (name, service) => {
    const { alarm, metric } = alarmOn(`${name}-Fault-Count`);
    expect(metric.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    expect(metric.Metric.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: idOf(service().function) } },
    ]);
    expect([metric.Stat, metric.Period]).toEqual(['Sum', 300]);
    expect([alarm.ComparisonOperator, alarm.Threshold]).toEqual(['GreaterThanThreshold', 0]);
    // The essential tier (this template): a throttled invocation is retried, and what fails every retry lands
    // in the dead letters, whose alarm pages.
    expect(alarms().filter((a) => String(a.AlarmName).includes(`-${name}-Throttled-Count-`))).toEqual([]);
  });

  it('anything in the dead letters: an SES event or a stream batch given up on', () => {
    const { alarm, metric } = alarmOn('feedback-dead-letters-Queue-Message-Count-Max');
    expect(metric.Metric).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(feedback().deadLetters), 'QueueName'] } },
      ],
    });
    expect(metric.Stat).toBe('Maximum');
    expect([alarm.ComparisonOperator, alarm.Threshold]).toEqual(['GreaterThanThreshold', 0]);
  });
});

describe('-c channels: call outcomes and WhatsApp statuses → the same consumer', () => {
  let withChannels: CodegateStack;
  let json: { Resources: Record<string, Json>; Outputs?: Record<string, Json> };
  const idIn = (construct: { node: { defaultChild?: unknown } }) =>
    Stack.of(withChannels).getLogicalId(construct.node.defaultChild as CfnResource);
  const consumer = () => (withChannels.node.findChild('Feedback') as Feedback).consumer;
  const ofType = (type: string, resources = json.Resources) =>
    Object.values(resources).filter((resource) => resource.Type === type);
  /** A template without bundling or cdk-nag, for the contexts that only need to show what is absent. */
  const plain = (channels?: string) =>
    Template.fromStack(
      new CodegateStack(
        tempApp({ context: { 'aws:cdk:bundling-stacks': [], ...(channels ? { channels } : {}) } }),
        'Codegate',
      ),
    ).toJSON() as { Resources: Record<string, Json>; Outputs?: Record<string, Json> };

  beforeAll(() => {
    const app = tempApp({
      context: { sesIdentity: 'mail.example.org', 'aws:cdk:bundling-stacks': [], channels: 'whatsapp,voice' },
    });
    withChannels = new CodegateStack(app, 'Codegate');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
    app.synth(); // throws on any unacknowledged cdk-nag finding
    json = Template.fromStack(withChannels).toJSON() as typeof json;
  }, 120_000);

  it('a rule matches exactly the documented source and detail-type, and only busy, unanswered and failed calls', () => {
    const rules = ofType('AWS::Events::Rule').filter((rule) =>
      JSON.stringify(rule.Properties.EventPattern).includes('aws.sms-voice'),
    );
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    // The names as AWS documents them (EventBridge reference, events-ref-sms-voice.html; event types,
    // configuration-sets-event-types.html): literals here, so a typo in the code cannot agree with itself.
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.sms-voice'],
      'detail-type': ['Voice Message Delivery Status Updated'],
      detail: { eventType: ['VOICE_BUSY', 'VOICE_NO_ANSWER', 'VOICE_FAILED'] },
    });
    expect(rule?.Properties.EventBusName).toBeUndefined(); // the default bus, where SMS and Voice puts them
    const [target] = rule?.Properties.Targets ?? [];
    expect(JSON.stringify(target.Arn)).toContain(idIn(consumer().function));
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21_600 });
    expect(JSON.stringify(target.DeadLetterConfig)).toContain('DeadLetters');
  });

  it("the voice rule's logical id is the one the deployment verifier looks for, and only the voice rule has it", () => {
    const ids = (resources: Record<string, Json>) =>
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
        .filter(([id]) => id.startsWith(VOICE_RULE_PREFIX))
        .map(([, resource]) => JSON.stringify(resource.Properties.EventPattern.source));
    expect(ids(json.Resources)).toEqual(['["aws.sms-voice"]']);
    expect(ids(plain().Resources)).toEqual([]);
  });

  it('no rule listens for the EventBridge WhatsApp events, which do not name the recipient', () => {
    expect(JSON.stringify(ofType('AWS::Events::Rule'))).not.toContain('aws.social-messaging');
  });

  it('a topic End User Messaging Social may publish to (this account only, over TLS), subscribed by the consumer', () => {
    const topics = Object.entries(json.Resources).filter(
      ([, resource]) =>
        resource.Type === 'AWS::SNS::Topic' && String(resource.Properties?.DisplayName).includes('WhatsApp'),
    );
    expect(topics).toHaveLength(1);
    const [topicId] = topics[0] ?? [];
    const policies = ofType('AWS::SNS::TopicPolicy').filter((policy) =>
      JSON.stringify(policy.Properties.Topics).includes(`"${topicId}"`),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement as Json[];
    const publish = statements.find((statement) => statement.Effect === 'Allow');
    expect(publish).toMatchObject({
      Action: 'sns:Publish',
      Principal: { Service: 'social-messaging.amazonaws.com' },
      Resource: { Ref: topicId },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    // Nobody else may publish, and no one without TLS.
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toHaveLength(1);
    expect(statements.find((statement) => statement.Effect === 'Deny')?.Condition).toEqual({
      Bool: { 'aws:SecureTransport': 'false' },
    });
    const subscriptions = ofType('AWS::SNS::Subscription').filter(
      (subscription) => subscription.Properties.TopicArn?.Ref === topicId,
    );
    expect(subscriptions).toHaveLength(1);
    const [subscription] = subscriptions;
    expect(subscription?.Properties.Protocol).toBe('lambda');
    expect(JSON.stringify(subscription?.Properties.Endpoint)).toContain(idIn(consumer().function));
    expect(JSON.stringify(subscription?.Properties.RedrivePolicy)).toContain('DeadLetters');
    expect(json.Outputs?.WhatsAppEventTopicArn?.Value).toEqual({ Ref: topicId });
  });

  it('the dead letters take what the voice rule and the WhatsApp topic give up on, from those sources only', () => {
    const [policy] = ofType('AWS::SQS::QueuePolicy');
    const statements = policy?.Properties.PolicyDocument.Statement as Json[];
    const senders = statements
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => [statement.Principal?.Service, JSON.stringify(statement.Condition)]);
    const voiceRule = Object.entries(json.Resources).find(
      ([, resource]) =>
        resource.Type === 'AWS::Events::Rule' &&
        JSON.stringify(resource.Properties.EventPattern).includes('aws.sms-voice'),
    )?.[0];
    const topic = Object.entries(json.Resources).find(
      ([, resource]) =>
        resource.Type === 'AWS::SNS::Topic' && String(resource.Properties?.DisplayName).includes('WhatsApp'),
    )?.[0];
    expect(senders.filter(([service]) => service === 'sns.amazonaws.com')).toEqual([
      ['sns.amazonaws.com', expect.stringContaining(`"${topic}"`)],
    ]);
    expect(
      senders.filter(
        ([service, condition]) => service === 'events.amazonaws.com' && condition?.includes(`"${voiceRule}"`),
      ),
    ).toHaveLength(1);
  });

  it('each channel brings only its own loop; without -c channels neither exists', () => {
    const count = (template: { Resources: Record<string, Json>; Outputs?: Record<string, Json> }) => ({
      voiceRules: ofType('AWS::Events::Rule', template.Resources).filter((rule) =>
        JSON.stringify(rule.Properties.EventPattern).includes('aws.sms-voice'),
      ).length,
      whatsAppTopics: ofType('AWS::SNS::Topic', template.Resources).filter((topic) =>
        String(topic.Properties?.DisplayName).includes('WhatsApp'),
      ).length,
      output: template.Outputs?.WhatsAppEventTopicArn !== undefined,
    });
    expect(count(plain())).toEqual({ voiceRules: 0, whatsAppTopics: 0, output: false });
    expect(count(plain('voice'))).toEqual({ voiceRules: 1, whatsAppTopics: 0, output: false });
    expect(count(plain('whatsapp'))).toEqual({ voiceRules: 0, whatsAppTopics: 1, output: true });
  });

  it('the consumer may still do exactly what it sends, now for call and WhatsApp outcomes too', async () => {
    const { db, tableName } = await freshTable();
    const sent = recorder(db);
    const ports = {
      store: new SuppressionStore(db, tableName),
      pepper: Buffer.from('x'.repeat(32)),
      clock: { now: () => Date.now() },
      log: () => undefined,
    };
    expect(await consumeFeedback(ports, voiceEvent('VOICE_NO_ANSWER', '+14155550120'))).toEqual({
      suppressed: 1,
    });
    const whatsApp = whatsAppSnsEvent(whatsAppStatus(whatsAppFailed('14155550121', 131026)));
    expect(await consumeFeedback(ports, whatsApp)).toEqual({ suppressed: 1 });
    expect([...sent].sort()).toEqual([...FEEDBACK_GRANTS['delivery-feedback']]);
    expect([...sent.families]).toEqual([...FEEDBACK_KEYS['delivery-feedback']]);
    const roleId = idIn(consumer().role);
    const grants = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
    // No more than without the channels: SNS and EventBridge invoke it through its resource policy.
    expect(
      grants
        .flatMap((grant) => [grant.Action].flat() as string[])
        .filter((action) => !action.startsWith('logs:'))
        .sort(),
    ).toEqual(['dynamodb:PutItem', 'secretsmanager:GetSecretValue', 'sqs:SendMessage']);
    const invokers = ofType('AWS::Lambda::Permission')
      .filter((permission) =>
        JSON.stringify(permission.Properties.FunctionName).includes(idIn(consumer().function)),
      )
      .map((permission) => permission.Properties.Principal)
      .sort();
    expect(invokers).toEqual(['events.amazonaws.com', 'events.amazonaws.com', 'sns.amazonaws.com']);
  });
});
