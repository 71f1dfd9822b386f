// Service-to-service edges (issue 19): every edge found in the synthesized CodegateStack — API route → function,
// alarm → topic, rule → target and dead letters, pipe → stream, enrichment, bus and dead letters, SES → default
// bus, function → table, mail, SMS, pepper and logs — decided by an IAM policy simulator (why that one:
// test/helpers/iam-edges.ts) on identity AND resource policies. Each test fails with one line per wrong edge.
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEEDBACK_GRANTS, FEEDBACK_KEYS, type Feedback } from '../infra/feedback.ts';
import { PROJECT_ROOT, type ServiceFunction } from '../infra/service-function.ts';
import { CodegateStack } from '../infra/stack.ts';
import { ROUTES } from '../lib/routes.ts';
import { KEY_FAMILIES } from '../lib/store/table.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';
import {
  type Decision,
  decide,
  decidePhonePublish,
  FAKE,
  identityPoliciesOf,
  idsOfType,
  logicalIdOf,
  OTHER_ACCOUNT,
  type Policy,
  type Resources,
  resolver,
} from './helpers/iam-edges.ts';
import { alarmEdges, check, type Edge, pipeEdges, routeEdges, ruleEdges } from './helpers/stack-edges.ts';

const MAIL_IDENTITY = 'mail.example.org';
let stack: CodegateStack;
let resources: Resources;

beforeAll(() => {
  // No bundling (policies are all that matter here); path metadata names each resource in the messages.
  const app = tempApp({
    context: {
      sesIdentity: MAIL_IDENTITY,
      channels: 'whatsapp,voice',
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
    },
  });
  stack = new CodegateStack(app, 'Codegate');
  resources = Template.fromStack(stack).toJSON().Resources;
}, 120_000);
afterAll(removeTempApps);

describe('service-to-service edges, simulated', () => {
  it('API Gateway may invoke the function of every route, for that route of this API only', async () => {
    const edges = routeEdges(resources);
    expect(edges).toHaveLength(2 * ROUTES.length);
    expect(await check(resources, edges)).toEqual([]);
  });

  it('every alarm action reaches its topic: cloudwatch.amazonaws.com → sns:Publish on Monitoring/AlarmTopic is Allowed', async () => {
    const edges = alarmEdges(resources);
    expect(edges.length).toBeGreaterThanOrEqual(idsOfType(resources, 'AWS::CloudWatch::Alarm').length);
    expect(await check(resources, edges)).toEqual([]);
    // Refused: another account's alarm, and a publish over plain HTTP (the enforceSSL Deny).
    const [first] = edges;
    if (!first) throw new Error('no alarm action');
    const foreign = `arn:aws:cloudwatch:${FAKE.region}:${OTHER_ACCOUNT}:alarm:x`;
    const other = { 'aws:SourceArn': foreign, 'aws:SourceAccount': OTHER_ACCOUNT };
    expect(await decide({ ...first, context: other })).toBe('ImplicitlyDenied');
    const plain = { ...first.context, 'aws:SecureTransport': 'false' };
    expect(await decide({ ...first, context: plain })).toBe('ExplicitlyDenied');
  });

  it('without the CloudWatchAlarmsPublish statement it reports "cloudwatch.amazonaws.com → sns:Publish on Monitoring/AlarmTopic: ImplicitlyDenied"', async () => {
    // The enforceSSL topic policy alone holds only a Deny, and a topic policy replaces SNS's default one.
    const copy = structuredClone(resources);
    for (const id of idsOfType(copy, 'AWS::SNS::TopicPolicy')) {
      const document = copy[id]?.Properties?.PolicyDocument;
      document.Statement = document.Statement.filter((s: any) => s.Sid !== 'CloudWatchAlarmsPublish');
    }
    const wrong = await check(copy, alarmEdges(copy));
    expect(wrong).toHaveLength(alarmEdges(copy).length);
    expect(new Set(wrong)).toEqual(
      new Set(['cloudwatch.amazonaws.com → sns:Publish on Monitoring/AlarmTopic: ImplicitlyDenied']),
    );
  });

  it('each EventBridge rule may invoke its target and dead-letter into its queue, and no other rule may', async () => {
    const edges = ruleEdges(resources);
    expect(edges.length).toBeGreaterThan(0);
    expect(await check(resources, edges)).toEqual([]);
  });

  it('each pipe: Pipes assumes its role, which reads the stream, invokes the enrichment, puts on the bus and dead-letters', async () => {
    const edges = pipeEdges(resources);
    expect(edges.length).toBeGreaterThanOrEqual(9 * idsOfType(resources, 'AWS::Pipes::Pipe').length);
    expect(idsOfType(resources, 'AWS::Pipes::Pipe').length).toBeGreaterThan(0);
    expect(await check(resources, edges)).toEqual([]);
  });

  it('SES publishes to the default bus, which needs no grant: every EventBridge destination names it', () => {
    // SES sends configuration-set events to the account's default event bus ("Only the default bus is
    // supported": AWS::SES::ConfigurationSetEventDestination EventBridgeDestination; SES Developer Guide,
    // "Monitoring SES events using Amazon EventBridge"). Unlike a Firehose destination it takes no role, and a
    // bus needs no policy for its own account's AWS service events: nothing to simulate. The edge holds when the
    // destination names this account's default bus and the SES rule listens there.
    const resolve = resolver(resources);
    const destinations = idsOfType(resources, 'AWS::SES::ConfigurationSetEventDestination')
      .map((id) => resolve(resources[id]?.Properties?.EventDestination?.EventBridgeDestination?.EventBusArn))
      .filter(Boolean);
    expect(destinations.length).toBeGreaterThan(0);
    for (const bus of destinations)
      expect(bus).toBe(`arn:aws:events:${FAKE.region}:${FAKE.account}:event-bus/default`);
    const sesRules = idsOfType(resources, 'AWS::Events::Rule').filter((id) =>
      JSON.stringify(resources[id]?.Properties?.EventPattern ?? {}).includes('aws.ses'),
    );
    expect(sesRules.length).toBeGreaterThan(0);
    for (const id of sesRules) expect(resources[id]?.Properties?.EventBusName ?? 'default').toBe('default');
  });

  it('every function role: its table actions, mail, SMS to numbers only, its pepper reads and its logs', async () => {
    const resolve = resolver(resources);
    const feedback = stack.node.findChild('Feedback') as Feedback;
    const named: [string, ServiceFunction][] = [
      ...stack.functions,
      ['delivery-feedback', feedback.consumer],
      ['lifecycle-events', feedback.enrichment],
    ];
    expect(named).toHaveLength(idsOfType(resources, 'AWS::Lambda::Function').length);
    const id = (c: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(c.node.defaultChild as CfnResource);
    const tableArn = resolve({ 'Fn::GetAtt': [id(stack.table), 'Arn'] }) as string;
    const pepperArn = resolve({ Ref: id(stack.pepper) }) as string;
    const configurationSet = resolve({ Ref: id(stack.mailConfiguration) });
    const ses = (resource: string) => `arn:aws:ses:${FAKE.region}:${FAKE.account}:${resource}`;
    const topicArn = resolve({ Ref: id(stack.monitoring.alarmTopic) }) as string;
    const grants = new Map<string, readonly string[]>([
      ...ROUTES.map((route) => [route.name, route.access.table] as const),
      ...Object.entries(FEEDBACK_GRANTS),
    ]);
    const itemActions = [...new Set([...grants.values()].flat())];
    const families = new Map<string, readonly string[]>([
      ...ROUTES.map((route) => [route.name, route.access.keys] as const),
      ...Object.entries(FEEDBACK_KEYS),
    ]);
    const wrong: string[] = [];
    for (const [name, service] of named) {
      const route = ROUTES.find((r) => r.name === name);
      const fnId = id(service.function);
      const props = resources[fnId]?.Properties ?? {};
      const roleId = logicalIdOf(props.Role);
      const role = {
        principal: resolve(props.Role),
        identity: identityPoliciesOf(resources, roleId, resolve),
      };
      // Whether the code reads the pepper at all: its handler's imports reach lib/pepper.ts.
      const bundle = await build({
        entryPoints: [`${PROJECT_ROOT}functions/${name}.ts`],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'silent',
        absWorkingDir: PROJECT_ROOT,
      });
      const readsPepper = 'lib/pepper.ts' in bundle.metafile.inputs;
      const table = grants.get(name) ?? [];
      const mail = route?.access.mail === true;
      const allowedIf = (yes: boolean): Decision => (yes ? 'Allowed' : 'ImplicitlyDenied');
      const logGroup = resolve(props.LoggingConfig?.LogGroup);
      const edges: Edge[] = [
        {
          to: roleId,
          principal: 'lambda.amazonaws.com',
          action: 'sts:AssumeRole',
          resource: role.principal,
          resourcePolicy: resolve(resources[roleId]?.Properties?.AssumeRolePolicyDocument),
        },
        ...[...itemActions, 'dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable'].map(
          (action) => ({
            ...role,
            to: id(stack.table),
            action,
            resource: tableArn,
            // An item of each family the function may touch, as a transaction names several.
            context: { 'dynamodb:LeadingKeys': (families.get(name) ?? []).map((family) => `${family}#x`) },
            expect: allowedIf(table.includes(action)),
          }),
        ),
        // dynamodb:LeadingKeys: any item of a family outside the route's is denied, alone or in a transaction.
        ...table.flatMap((action) =>
          KEY_FAMILIES.filter((family) => !(families.get(name) ?? []).includes(family)).map((family) => ({
            ...role,
            to: id(stack.table),
            action,
            resource: tableArn,
            context: {
              'dynamodb:LeadingKeys': [...(families.get(name) ?? []).map((f) => `${f}#x`), `${family}#x`],
            },
            expect: 'ImplicitlyDenied' as const,
          })),
        ),
        {
          ...role,
          to: id(stack.table),
          action: 'dynamodb:Query',
          resource: `${tableArn}/index/any`,
          expect: 'ImplicitlyDenied',
        },
        {
          ...role,
          to: id(stack.pepper),
          action: 'secretsmanager:GetSecretValue',
          resource: pepperArn,
          expect: allowedIf(readsPepper),
        },
        ...[`identity/${MAIL_IDENTITY}`, `configuration-set/${configurationSet}`].map((resource) => ({
          ...role,
          to: id(stack.mailConfiguration),
          action: 'ses:SendEmail',
          resource: ses(resource),
          expect: allowedIf(mail),
        })),
        {
          ...role,
          to: id(stack.mailConfiguration),
          action: 'ses:SendEmail',
          resource: ses('identity/other.example'),
          expect: 'ImplicitlyDenied',
        },
        {
          ...role,
          to: id(stack.monitoring.alarmTopic),
          action: 'sns:Publish',
          resource: topicArn,
          expect: route?.access.sms ? 'ExplicitlyDenied' : 'ImplicitlyDenied',
        },
        // WhatsApp: the account's phone number ids in the stack's region only (infra/messaging-grants.ts).
        ...[FAKE.region, 'ap-south-1'].map((region) => ({
          ...role,
          to: 'WhatsAppPhoneNumber',
          action: 'social-messaging:SendWhatsAppMessage',
          resource: `arn:aws:social-messaging:${region}:${FAKE.account}:phone-number-id/0123456789abcdef0123456789abcdef`,
          expect:
            region === FAKE.region
              ? allowedIf(route?.access.whatsapp === true)
              : ('ImplicitlyDenied' as const),
        })),
        {
          ...role,
          to: 'VoiceOriginationIdentity',
          action: 'sms-voice:SendVoiceMessage',
          resource: '*',
          expect: allowedIf(route?.access.voice === true),
        },
        {
          ...role,
          to: logicalIdOf(props.LoggingConfig?.LogGroup),
          action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${FAKE.region}:${FAKE.account}:log-group:${logGroup}:log-stream:2026/01/01/x`,
        },
      ];
      wrong.push(...(await check(resources, edges)).map((line) => `${name}: ${line}`));
      const sms = decidePhonePublish(role.principal, role.identity);
      if (sms !== allowedIf(route?.access.sms === true))
        wrong.push(`${name}: sns:Publish to a phone number: ${sms}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("the operators' admin policy (AdminPolicyArn), simulated", () => {
  /** The managed policy, resolved, as an operator's role would carry it. */
  const operator = () => {
    const ids = idsOfType(resources, 'AWS::IAM::ManagedPolicy');
    const [id] = ids;
    if (ids.length !== 1 || !id) throw new Error(`expected the admin policy alone, got ${ids.join(', ')}`);
    const policy = resolver(resources)(resources[id]?.Properties?.PolicyDocument) as Policy;
    return { principal: `arn:aws:iam::${FAKE.account}:role/operator`, identity: [{ name: id, policy }] };
  };
  const arn = (service: string, resource: string, account: string = FAKE.account) =>
    `arn:aws:${service}:${FAKE.region}:${account}:${resource}`;

  it('lets tenants:load and the verifier make each End User Messaging read on resources of the account', async () => {
    const reads: [string, string][] = [
      ['sms-voice:DescribePhoneNumbers', arn('sms-voice', 'phone-number/phone-0123456789abcdef')],
      ['sms-voice:DescribePools', arn('sms-voice', 'pool/pool-0123456789abcdef')],
      ['sms-voice:ListPoolOriginationIdentities', arn('sms-voice', 'pool/pool-0123456789abcdef')],
      ['sms-voice:DescribeConfigurationSets', arn('sms-voice', 'configuration-set/codegate-calls')],
      [
        'social-messaging:GetLinkedWhatsAppBusinessAccountPhoneNumber',
        arn('social-messaging', `phone-number-id/${'0123456789abcdef'.repeat(2)}`),
      ],
      ['social-messaging:ListWhatsAppMessageTemplates', arn('social-messaging', `waba/${'a'.repeat(32)}`)],
      ['social-messaging:ListLinkedWhatsAppBusinessAccounts', '*'],
    ];
    const decisions = await Promise.all(
      reads.map(async ([action, resource]) => [action, await decide({ ...operator(), action, resource })]),
    );
    expect(decisions).toEqual(reads.map(([action]) => [action, 'Allowed']));
  });

  it('reads no WhatsApp number or account of another account, and sends nothing', async () => {
    const number = `phone-number-id/${'0123456789abcdef'.repeat(2)}`;
    const refused: [string, string][] = [
      [
        'social-messaging:GetLinkedWhatsAppBusinessAccountPhoneNumber',
        arn('social-messaging', number, OTHER_ACCOUNT),
      ],
      ['social-messaging:ListWhatsAppMessageTemplates', arn('social-messaging', 'waba/x', OTHER_ACCOUNT)],
      ['social-messaging:SendWhatsAppMessage', arn('social-messaging', number)],
      ['sms-voice:SendVoiceMessage', '*'],
    ];
    for (const [action, resource] of refused)
      expect(await decide({ ...operator(), action, resource }), action).toBe<Decision>('ImplicitlyDenied');
  });
});
