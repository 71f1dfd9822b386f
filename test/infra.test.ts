// Infra tests: the synthesized CodegateStack — one Lambda per route, least privilege, the table, the bundles, cdk-nag.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FEEDBACK_GRANTS } from '../infra/feedback.ts';
import { DEFAULT_SMS_BUDGET_USD, SMS_BUDGET_ALARM_SHARE } from '../infra/monitoring.ts';
import { ServiceFunction, SNS_ANY_ARN } from '../infra/service-function.ts';
import {
  alarmEmailOf,
  CodegateStack,
  DEFAULT_STACK_NAME,
  PLACEHOLDER_SES_IDENTITY,
  stackNameOf,
} from '../infra/stack.ts';
import { CAPTCHA_THROTTLE, DEFAULT_THROTTLE, ROUTES, type Route, SEND_THROTTLE } from '../lib/routes.ts';
import { TABLE } from '../lib/store/table.ts';
import { MAX_KB } from '../scripts/cold-start.ts';
import { CDK_JSON_CONTEXT, removeTempApps, tempApp } from './helpers/apps.ts';
import { runCdk } from './helpers/cdk-cli.ts';

const SLOW = 300_000;
const IDENTITIES = ['mail.example.org', 'sender@other.example.net'];
/**
 * Every optional context at once, so one synth covers them all, cdk-nag too. Without bundling: the bundles of every
 * function are test/bundles.test.ts's; the few built here are the ones this context changes (WhatsApp and voice).
 */
const CONTEXT = {
  sesIdentity: IDENTITIES.join(','),
  alarmEmail: 'ops@example.com',
  smsMonthlyBudgetUsd: '250',
  channels: 'whatsapp,voice',
  domainName: 'verify.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
};

type Json = Record<string, any>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let outdir: string;
let app: App;
let stack: CodegateStack;
let template: Template;
let resources: Record<string, Json>;

const actionsOf = (statement: Statement): string[] =>
  (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).slice().sort();
const resourcesOf = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
const logicalId = (resource: CfnResource | undefined): string => {
  if (!resource) throw new Error('construct has no CloudFormation resource');
  return stack.getLogicalId(resource);
};
const tableArn = () => ({ 'Fn::GetAtt': [logicalId(stack.table.node.defaultChild as CfnResource), 'Arn'] });
const pepperId = () => Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0];

/** Every IAM statement that reaches a route's role, from any AWS::IAM::Policy naming it or inline. */
function statementsOf(route: Route): Statement[] {
  const service = stack.functions.get(route.name);
  if (!service) throw new Error(`no function for ${route.name}`);
  const roleId = logicalId(service.role.node.defaultChild as CfnResource);
  const role = resources[roleId];
  expect(role?.Type).toBe('AWS::IAM::Role');
  expect(role?.Properties.ManagedPolicyArns ?? []).toEqual([]);
  const inline = (role?.Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) =>
      (r.Properties.Roles as unknown[]).some(
        (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

function functionOf(route: Route): Json {
  const service = stack.functions.get(route.name);
  if (!service) throw new Error(`no function for ${route.name}`);
  const fn = resources[logicalId(service.function.node.defaultChild as CfnResource)];
  if (!fn) throw new Error(`no AWS::Lambda::Function for ${route.name}`);
  return fn;
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'codegate-cdk-'));
  app = new App({
    outdir,
    context: {
      ...CDK_JSON_CONTEXT,
      ...CONTEXT,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:bundling-stacks': [],
    },
  });
  stack = new CodegateStack(app, 'Codegate');
  // The same wiring as infra/app.ts: synth throws if any finding is unacknowledged.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  app.synth();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, SLOW);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
  removeTempApps();
});

describe('functions and routes', () => {
  it('has exactly one Lambda function per route and no helper functions', () => {
    // No log-retention or other custom-resource helper exists (log groups are declared directly),
    // so every AWS::Lambda::Function in the template is a route's function or one of the feedback
    // loops' two (infra/feedback.ts, tested in test/infra-feedback.test.ts).
    template.resourceCountIs('AWS::Lambda::Function', ROUTES.length + Object.keys(FEEDBACK_GRANTS).length);
    expect(stack.functions.size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((route) => route.name)).size).toBe(ROUTES.length);
  });

  it.each(ROUTES)('$method $path runs Node.js 22 on arm64 with 256 MB and index.handler', (route) => {
    const fn = functionOf(route).Properties;
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.MemorySize).toBe(256);
    expect(fn.Timeout).toBe(10);
    expect(fn.FunctionName).toBeUndefined();
    const logGroup = resources[fn.LoggingConfig?.LogGroup?.Ref];
    expect(logGroup?.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup?.Properties.RetentionInDays).toBe(30);
  });

  it('declares one API route per ROUTES entry, each with its own Lambda proxy integration (payload 2.0)', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
    );
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations).toHaveLength(ROUTES.length);
    for (const integration of integrations) {
      expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
      expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
    }
    const targets = integrations.map((i) => JSON.stringify(i.Properties.IntegrationUri));
    expect(new Set(targets).size).toBe(ROUTES.length);
  });

  it('never deploys the local-only routes', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey as string,
    );
    expect(keys.some((key) => key.includes('_local') || key.includes('outbox') || key === '$default')).toBe(
      false,
    );
  });

  it('is an HTTP API whose $default stage auto-deploys, throttles every route and writes access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.StageName).toBe('$default');
    expect(stage?.Properties.AutoDeploy).toBe(true);
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
      ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
      // The essential monitoring tier (the default) reads no per-route metric: none is published.
      DetailedMetricsEnabled: false,
    });
    const { DestinationArn, Format } = stage?.Properties.AccessLogSettings ?? {};
    expect(DestinationArn['Fn::GetAtt'][1]).toBe('Arn');
    expect(resources[DestinationArn['Fn::GetAtt'][0]]?.Type).toBe('AWS::Logs::LogGroup');
    // Query strings and raw paths can carry addresses; only the route key is logged.
    expect(Format).toContain('$context.requestId');
    expect(Format).not.toMatch(/\$context\.(path|querystring)|\$request/);
  });

  it('throttles each send route and the captcha route below the default, as the route table declares', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const settings: Record<string, Json> = stage?.Properties.RouteSettings ?? {};
    const expected = Object.fromEntries(
      ROUTES.filter((route) => route.throttle).map((route) => [
        `${route.method} ${route.path}`,
        {
          ThrottlingRateLimit: route.throttle?.rateLimit,
          ThrottlingBurstLimit: route.throttle?.burstLimit,
          DetailedMetricsEnabled: false,
        },
      ]),
    );
    expect(settings).toEqual(expected);
    const sends = ROUTES.filter((route) => route.access.mail || route.access.sms);
    expect(sends.length).toBeGreaterThan(0);
    for (const route of sends) {
      const throttle = settings[`${route.method} ${route.path}`];
      expect(throttle?.ThrottlingRateLimit, route.name).toBeLessThanOrEqual(SEND_THROTTLE.rateLimit);
      expect(throttle?.ThrottlingRateLimit).toBeLessThan(DEFAULT_THROTTLE.rateLimit);
    }
    expect(settings['GET /api/v2/sdk/captcha']).toMatchObject({
      ThrottlingRateLimit: CAPTCHA_THROTTLE.rateLimit,
      ThrottlingBurstLimit: CAPTCHA_THROTTLE.burstLimit,
    });
    // Route settings may only name routes that exist when the stage is deployed.
    const routeIds = Object.entries(template.findResources('AWS::ApiGatewayV2::Route'))
      .filter(([, route]) => route.Properties.RouteKey in settings)
      .map(([id]) => id);
    expect(routeIds).toHaveLength(Object.keys(settings).length);
    for (const id of routeIds) expect(stage?.DependsOn).toContain(id);
  });

  it('outputs the API URL and the table name', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('TableName', {
      Value: { Ref: logicalId(stack.table.node.defaultChild as CfnResource) },
    });
  });
});

describe('the table', () => {
  it('is on-demand, keyed from TABLE, with TTL, PITR, AWS-managed encryption, retained and deletion-protected', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.UpdateReplacePolicy).toBe('Retain');
    const p = table?.Properties;
    expect(p.TableName).toBeUndefined();
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(p.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE.sortKey, AttributeType: 'S' },
      ]),
    );
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    // SSEEnabled without a key id: the AWS-managed KMS key (aws/dynamodb).
    expect(p.SSESpecification).toEqual({ SSEEnabled: true });
  });
});

describe('secrets', () => {
  it('generates the pepper in Secrets Manager (48 chars, no punctuation) and never puts a value in the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secret?.Properties.GenerateSecretString).toMatchObject({
      PasswordLength: 48,
      ExcludePunctuation: true,
    });
    expect(secret?.Properties.SecretString).toBeUndefined();
    expect(secret?.Properties.Name).toBeUndefined();
  });

  it.each(ROUTES)('$method $path gets the pepper ARN, never a secret value, in its environment', (route) => {
    const variables: Record<string, unknown> = functionOf(route).Properties.Environment.Variables;
    expect(variables.PEPPER_SECRET_ARN).toEqual({ Ref: pepperId() });
    expect(variables.TABLE_NAME).toEqual({ Ref: logicalId(stack.table.node.defaultChild as CfnResource) });
    expect(variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'codegate' });
    // No NODE_OPTIONS: `--enable-source-maps` would parse a map at every cold start (`npm run stack` maps
    // traces offline instead).
    for (const local of ['PEPPER', 'DYNAMODB_ENDPOINT', 'DELIVERY', 'NODE_OPTIONS'])
      expect(variables).not.toHaveProperty(local);
    // Lambda starts the runtime through the launch wrapper in the bundle (test/bundles.test.ts runs it).
    expect(variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/var/task/launch.sh');
    const allowed = ['TABLE_NAME', 'PEPPER_SECRET_ARN', 'POWERTOOLS_SERVICE_NAME', 'AWS_LAMBDA_EXEC_WRAPPER'];
    if (route.access.mail) allowed.push('SES_CONFIGURATION_SET');
    expect(Object.keys(variables).sort()).toEqual(allowed.sort());
  });
});

describe('least privilege', () => {
  it.each(ROUTES)('$method $path may do exactly what its route declares', (route) => {
    const statements = statementsOf(route);
    for (const statement of statements) {
      // The only Deny is the one that keeps sns:Publish off topics (checked below).
      expect(statement.Effect === 'Allow' || actionsOf(statement).join() === 'sns:Publish').toBe(true);
      for (const action of actionsOf(statement)) expect(action).not.toContain('*');
    }
    const allowed = statements.filter((s) => s.Effect === 'Allow');
    const byService = (prefix: string) =>
      allowed.filter((s) => actionsOf(s).some((action) => action.startsWith(prefix)));

    const dynamo = byService('dynamodb:');
    expect(dynamo.flatMap(actionsOf).sort()).toEqual([...route.access.table].sort());
    for (const statement of dynamo) expect(resourcesOf(statement)).toEqual([tableArn()]);

    const secrets = byService('secretsmanager:');
    expect(secrets.flatMap(actionsOf)).toEqual(['secretsmanager:GetSecretValue']);
    for (const statement of secrets) expect(resourcesOf(statement)).toEqual([{ Ref: pepperId() }]);

    const logs = byService('logs:');
    expect(logs.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const ownLogGroup = functionOf(route).Properties.LoggingConfig.LogGroup;
    for (const statement of logs)
      expect(resourcesOf(statement)).toEqual([{ 'Fn::GetAtt': [ownLogGroup.Ref, 'Arn'] }]);

    const mail = byService('ses:');
    if (route.access.mail) {
      expect(mail.flatMap(actionsOf)).toEqual(['ses:SendEmail']);
      const granted = JSON.stringify(mail.flatMap(resourcesOf));
      for (const identity of IDENTITIES) expect(granted).toContain(`:identity/${identity}`);
      expect(granted).toContain(':configuration-set/');
      expect(granted).not.toContain(`identity/${PLACEHOLDER_SES_IDENTITY}`);
      expect(mail.flatMap(resourcesOf)).not.toContain('*');
    } else {
      expect(mail).toEqual([]);
    }

    const sms = byService('sns:');
    const denied = statements.filter((s) => s.Effect === 'Deny');
    if (route.access.sms) {
      // CDK may merge the Allow on "*" with sms-voice's (also on "*") into one statement: SNS's actions only.
      expect(sms.flatMap(actionsOf).filter((action) => action.startsWith('sns:'))).toEqual(['sns:Publish']);
      expect(denied).toEqual([{ Effect: 'Deny', Action: 'sns:Publish', Resource: SNS_ANY_ARN }]);
    } else {
      expect(sms).toEqual([]);
      expect(denied).toEqual([]);
    }

    // WhatsApp on the account's phone number ids in the stack's region; calls on "*" (the action has no
    // resource type in the Service Authorization Reference: infra/messaging-grants.ts).
    const whatsapp = byService('social-messaging:');
    expect(whatsapp.flatMap(actionsOf)).toEqual(
      route.access.whatsapp ? ['social-messaging:SendWhatsAppMessage'] : [],
    );
    if (route.access.whatsapp)
      expect(JSON.stringify(whatsapp.flatMap(resourcesOf))).toMatch(
        /:social-messaging:.*:phone-number-id\/\*/,
      );
    expect(
      byService('sms-voice:')
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('sms-voice:')),
    ).toEqual(route.access.voice ? ['sms-voice:SendVoiceMessage'] : []);

    const known = [
      'dynamodb:',
      'secretsmanager:',
      'logs:',
      'ses:',
      'sns:',
      'social-messaging:',
      'sms-voice:',
    ];
    const other = allowed.flatMap(actionsOf).filter((a) => !known.some((prefix) => a.startsWith(prefix)));
    expect(other).toEqual([]);
  });

  it('allows sns:Publish to phone numbers only: every Allow on "*" comes with a Deny on every SNS ARN', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const withPublish = policies.filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).some((s) =>
        actionsOf(s).includes('sns:Publish'),
      ),
    );
    expect(withPublish).toHaveLength(ROUTES.filter((route) => route.access.sms).length);
    for (const policy of withPublish) {
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      const publish = statements.filter((s) => actionsOf(s).includes('sns:Publish'));
      // Allowed only on "*" (SMS has no ARN), never on a topic or endpoint ARN …
      for (const allow of publish.filter((s) => s.Effect === 'Allow'))
        expect(resourcesOf(allow)).toEqual(['*']);
      // … and an explicit Deny (which beats any Allow) on every SNS ARN in any region and account.
      expect(publish.filter((s) => s.Effect === 'Deny').flatMap(resourcesOf)).toEqual(['arn:aws:sns:*:*:*']);
    }
  });

  it('grants no table-wide read or delete that no route or feedback function declares', () => {
    const declared = new Set<string>([
      ...ROUTES.flatMap((route) => route.access.table),
      ...Object.values(FEEDBACK_GRANTS).flat(),
    ]);
    // The lifecycle-events pipe reads the table's stream (infra/feedback.ts): stream actions only.
    const streamRead = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    const onStream = (statement: Statement) => JSON.stringify(statement.Resource).includes('"StreamArn"');
    for (const statement of statements.filter(onStream))
      for (const action of actionsOf(statement)) expect(streamRead).toContain(action);
    const granted = statements
      .filter((statement) => !onStream(statement))
      .flatMap(actionsOf)
      .filter((action) => action !== 'dynamodb:ListStreams');
    for (const action of granted.filter((a) => a.startsWith('dynamodb:')))
      expect(declared.has(action as never)).toBe(true);
    for (const action of ['dynamodb:*', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:DeleteItem']) {
      if (!declared.has(action as never)) expect(granted).not.toContain(action);
    }
  });
});

describe('bundles with WhatsApp and voice (-c channels)', () => {
  // The functions whose code this context changes, and one that draws captcha images; every function's default
  // bundle is checked in test/bundles.test.ts.
  const BUILT = ['native-send', 'twilio-create-verification', 'eiam-captcha-get'];
  let built: CodegateStack;
  let builtAssembly: CloudAssembly;
  beforeAll(() => {
    const bundled = tempApp({ context: { ...CONTEXT, 'aws:cdk:enable-asset-metadata': true } });
    built = new CodegateStack(bundled, 'Codegate', {
      routes: ROUTES.filter((route) => BUILT.includes(route.name)),
    });
    builtAssembly = bundled.synth();
  }, SLOW);

  const bundleOf = (name: string): { dir: string; code: string } => {
    const service = built.functions.get(name);
    if (!service) throw new Error(`no function for ${name}`);
    const json = Template.fromStack(built).toJSON().Resources as Record<string, Json>;
    const assetPath =
      json[built.getLogicalId(service.function.node.defaultChild as CfnResource)]?.Metadata?.[
        'aws:asset:path'
      ];
    expect(typeof assetPath).toBe('string');
    const dir = join(builtAssembly.directory, assetPath);
    return { dir, code: readFileSync(join(dir, 'index.mjs'), 'utf8') };
  };

  it.each(BUILT)(
    '%s carries exactly the providers its route declares, WhatsApp and voice included',
    (name) => {
      const route = ROUTES.find((entry) => entry.name === name) as Route;
      const { code } = bundleOf(name);
      expect(code.includes('"SendEmail"')).toBe(route.access.mail === true);
      expect(code.includes('"Publish"')).toBe(route.access.sms === true);
      expect(code.includes('IHDR')).toBe(route.access.captchaImages === true);
      expect(code.includes('"SendWhatsAppMessage"')).toBe(route.access.whatsapp === true);
      expect(code.includes('"SendVoiceMessage"')).toBe(route.access.voice === true);
    },
  );

  it(`are each at most ${MAX_KB} KB with WhatsApp and voice built in`, () => {
    const sizes = BUILT.map((name) => ({
      name,
      kb: statSync(join(bundleOf(name).dir, 'index.mjs')).size / 1000,
    }));
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(
      sizes.filter(({ kb }) => kb > MAX_KB),
      JSON.stringify(sizes),
    ).toEqual([]);
  });

  it('loads on its own, with no node_modules anywhere near it', () => {
    const { dir } = bundleOf('native-send');
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    // A fresh Node process imports the bundle from the assembly (outside the project): any
    // module the bundle left out would fail here; the banner's require must work in ESM.
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(`file://${join(dir, 'index.mjs')}`)}); if (typeof m.handler !== 'function') process.exit(3);`,
      ],
      { cwd: dir, env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' }, encoding: 'utf8' },
    );
    expect(probe.stderr).toBe('');
    expect(probe.status).toBe(0);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged finding, error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('gives every acknowledgment a specific reason', () => {
    const suppressions = Object.values(resources).flatMap(
      (r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[],
    );
    expect(suppressions.length).toBeGreaterThan(0);
    for (const { id, reason } of suppressions) {
      expect(id).toMatch(/^AwsSolutions-/);
      expect(reason.length).toBeGreaterThan(60);
    }
  });

  it('acknowledges only findings that really occur, on the resources that raise them', () => {
    // Rebuild without acknowledgments (and without bundling) and compare: no stale or broad suppression.
    const acknowledge = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    let raised: Set<string>;
    try {
      const bare = tempApp({ context: { ...CONTEXT, 'aws:cdk:bundling-stacks': [] } });
      new CodegateStack(bare, 'Codegate');
      const report = new AwsSolutionsChecks().validateScope(bare);
      raised = new Set(
        report.violations.flatMap((v) => v.violatingResources.map((r) => `${r.constructPath} ${v.ruleName}`)),
      );
    } finally {
      acknowledge.mockRestore();
    }
    const acknowledged = new Set(
      Object.entries(resources).flatMap(([id, r]) =>
        ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string }[]).map(
          (s) => `${r.Metadata?.['aws:cdk:path'] ?? id} ${s.id}`,
        ),
      ),
    );
    expect([...acknowledged].sort()).toEqual([...raised].sort());
  });
});

describe('deploy context', () => {
  let bare: CodegateStack;
  const bareTemplate = () => Template.fromStack(bare);
  beforeAll(() => {
    bare = new CodegateStack(tempApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Codegate');
  });

  it('maps the API to domainName with certificateArn, and outputs the target for DNS', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: CONTEXT.domainName,
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: CONTEXT.certificateArn })],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: Match.anyValue() });
    template.hasOutput('CustomDomainTarget', {});
    expect(bareTemplate().findResources('AWS::ApiGatewayV2::DomainName')).toEqual({});
    expect(
      () =>
        new CodegateStack(
          tempApp({ context: { domainName: 'x.example.com', 'aws:cdk:bundling-stacks': [] } }),
          'Codegate',
        ),
    ).toThrow(/domainName and certificateArn together/);
  });

  it('subscribes no address without alarmEmail, and budgets SMS at the SNS default without smsMonthlyBudgetUsd', () => {
    bareTemplate().resourceCountIs('AWS::SNS::Subscription', 0);
    bareTemplate().resourceCountIs('AWS::SNS::Topic', 1);
    const spend = Object.values(bareTemplate().findResources('AWS::CloudWatch::Alarm')).find((alarm) =>
      String(alarm.Properties.AlarmName).includes('-sms-spend-'),
    );
    expect(spend?.Properties.Threshold).toBe(DEFAULT_SMS_BUDGET_USD * SMS_BUDGET_ALARM_SHARE);
    expect(
      () =>
        new CodegateStack(
          tempApp({ context: { smsMonthlyBudgetUsd: 'lots', 'aws:cdk:bundling-stacks': [] } }),
          'Codegate',
        ),
    ).toThrow(/smsMonthlyBudgetUsd/);
  });

  it('names the stack from the stackName context (Codegate by default) and refuses invalid names', () => {
    expect(stackNameOf(tempApp())).toBe(DEFAULT_STACK_NAME);
    expect(stackNameOf(tempApp({ context: { stackName: 'codegate-eu' } }))).toBe('codegate-eu');
    expect(() => stackNameOf(tempApp({ context: { stackName: 'no spaces' } }))).toThrow(/stackName/);
    const copy = new CodegateStack(tempApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'codegate-eu');
    const names = Object.values(Template.fromStack(copy).findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => String(alarm.Properties.AlarmName),
    );
    // Alarm and dashboard names are the only physical names, and they carry the stack name.
    expect(names.every((name) => name.startsWith('codegate-eu-'))).toBe(true);
  });

  it('falls back to the placeholder SES identity with a visible warning', () => {
    const placeholder = bare;
    const warnings = Annotations.fromStack(placeholder).findWarning(
      '*',
      Match.stringLikeRegexp('sesIdentity'),
    );
    expect(warnings).toHaveLength(1);
    const policies = JSON.stringify(Template.fromStack(placeholder).findResources('AWS::IAM::Policy'));
    expect(policies).toContain(`:identity/${PLACEHOLDER_SES_IDENTITY}`);
    expect(Stack.of(placeholder).resolve(placeholder.region)).toEqual({ Ref: 'AWS::Region' });
  });
});

describe('bad contexts', () => {
  it('are refused before any function is built (bundling them all would come first otherwise)', () => {
    for (const context of [
      { alarmEmail: 'not-an-email' },
      { smsMonthlyBudgetUsd: '0' },
      { channels: 'fax' },
      { channels: 'voice', channelDailySpendUsd: 'lots' },
    ]) {
      const app = tempApp({ context });
      expect(() => new CodegateStack(app, 'Codegate'), JSON.stringify(context)).toThrow(
        new RegExp(Object.keys(context).at(-1) ?? ''),
      );
      expect(app.node.findAll().filter((node) => node instanceof ServiceFunction)).toEqual([]);
    }
  });

  it('-c alarmEmail that is not one address is refused naming alarmEmail', () => {
    expect(alarmEmailOf(tempApp({ context: { alarmEmail: 'ops@example.com' } }))).toBe('ops@example.com');
    for (const bad of ['not-an-email', 'a@b.c,d@e.f', 'ops@example'])
      expect(() => alarmEmailOf(tempApp({ context: { alarmEmail: bad } })), bad).toThrow(
        `alarmEmail must be one email address, got "${bad}"`,
      );
  });

  it(
    '`cdk synth` with a bad context prints one line naming it, no stack trace, and fails',
    async () => {
      const { code, output } = await runCdk([
        'synth',
        '--quiet',
        '--no-notices',
        '-c',
        'alarmEmail=not-an-email',
      ]);
      expect(code).not.toBe(0);
      expect(output).toContain('codegate: alarmEmail must be one email address, got "not-an-email"');
      expect(output).not.toMatch(/^\s+at /m);
    },
    SLOW,
  );
});
