// Grants from behaviour (issue 9): every route is driven through its success and failure paths by the real
// handlers in the local runtime against DynamoDB Local; SDK middleware and the SES/SNS/Secrets Manager mocks
// record every AWS command each function sends, expanded into IAM actions, and the synthesized template must
// grant each function's role exactly those actions — nothing missing (denied on AWS), nothing unused.
// Removing any one action from a route's grant list makes this suite fail: the last test shows it for every
// action of every route by comparing against the grant list with that one action taken out.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PinpointSMSVoiceV2Client, SendVoiceMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendWhatsAppMessageCommand, SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/service-function.ts';
import { CodegateStack } from '../infra/stack.ts';
import { keyedHash } from '../lib/crypto.ts';
import { ROUTES, type Route } from '../lib/routes.ts';
import { documentClient, getRuntime } from '../lib/runtime.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { TenantRegistry } from '../lib/tenants/registry.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';
import {
  actionsOfCommand,
  compareGrants,
  familyOf,
  grantedActions,
  partitionKeysOfCommand,
} from './helpers/grants.ts';
import {
  SCENARIO_ACCOUNTS,
  SCENARIOS,
  type ScenarioContext,
  type ScenarioRequest,
  type ScenarioResponse,
} from './helpers/route-scenarios.ts';
import { startService, type TestService } from './helpers/service.ts';
import { rememberSecret } from './setup/log-guard.ts';

/** Commands sent while the container's runtime is built: every function sends them on a cold start. */
const COLD_START = 'cold start';
const PEPPER = randomBytes(36).toString('base64url');

const ses = mockClient(SESClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const social = mockClient(SocialMessagingClient);
const voice = mockClient(PinpointSMSVoiceV2Client);
const providers: [string, AwsStub<any, any, any>][] = [
  ['SESClient', ses],
  ['SNSClient', sns],
  ['SecretsManagerClient', secrets],
  ['SocialMessagingClient', social],
  ['PinpointSMSVoiceV2Client', voice],
];

let service: TestService;
let db: ReturnType<typeof createDocumentClient>;
let stack: CodegateStack;
let resources: Record<string, any>;

/** IAM actions recorded per route name (and for the cold start). */
const used = new Map<string, Set<string>>();
/** Steps that answered otherwise than their scenario expects, and the outcomes seen on each route. */
const surprises: string[] = [];
const outcomes = new Map<string, Set<string>>();
let current = COLD_START;
const record = (actions: string[]) => {
  const set = used.get(current) ?? new Set<string>();
  for (const action of actions) set.add(action);
  used.set(current, set);
};
/** Key families (`dynamodb:LeadingKeys` prefixes) recorded per route name (and for the cold start). */
const families = new Map<string, Set<string>>();
const recordKeys = (pks: string[]) => {
  const set = families.get(current) ?? new Set<string>();
  for (const pk of pks) set.add(familyOf(pk));
  families.set(current, set);
};
const seen = new Map<string, number>();
/** Moves the provider mocks' new calls into the record of the route in flight. */
function collectProviderCalls() {
  for (const [clientName, mock] of providers) {
    const calls = mock.calls();
    for (const call of calls.slice(seen.get(clientName) ?? 0)) {
      const command = call.args[0] as { constructor: { name: string }; input: unknown };
      record(actionsOfCommand(clientName, command.constructor.name, command.input));
    }
    seen.set(clientName, calls.length);
  }
}

const patterns = ROUTES.map((route) => ({
  route,
  // `{name+}` is API Gateway's greedy variable (the /v2 catch-all): one or more segments.
  pattern: new RegExp(`^${route.path.replace(/\{\w+\+\}/g, '.+').replace(/\{\w+\}/g, '[^/]+')}$`),
}));
const routeOf = (method: string, path: string): Route | undefined =>
  patterns.find(
    (p) =>
      (p.route.method === method || p.route.method === 'ANY') && p.pattern.test(path.split('?')[0] ?? ''),
  )?.route;

/** Messages SES and SNS were asked to deliver, newest last. */
const delivered: { to: string; text: string }[] = [];
let failNext = false;
function deliver(to: string, text: string) {
  rememberSecret(text.match(/\b(\d{6})\b/)?.[1] ?? '');
  if (failNext) {
    failNext = false;
    throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
  }
  delivered.push({ to, text });
  return { MessageId: `m-${delivered.length}` };
}

let counter = 0;
const context = (saved: Record<string, ScenarioResponse>): ScenarioContext => {
  const message = (to: string) => {
    const found = delivered.findLast((m) => m.to === to);
    if (!found) throw new Error(`nothing was delivered to ${to}`);
    return found.text;
  };
  return {
    email: (label) => `${label}-${++counter}@example.com`,
    phone: () => `1391${String(++counter).padStart(7, '0')}`,
    ip: () => ({ 'x-forwarded-for': `10.9.${(++counter >> 8) & 255}.${counter & 255}` }),
    message,
    code: (to) => message(to).match(/\b(\d{6})\b/)?.[1] ?? 'none',
    link(to) {
      const url = message(to).match(/https?:\/\/\S+\/api\/verify\/email\?\S+/)?.[0];
      if (!url) throw new Error(`no link in the mail to ${to}`);
      const parsed = new URL(url);
      return `${parsed.pathname}${parsed.search}`;
    },
    failNextDelivery: () => {
      failNext = true;
    },
    async captchaX(token) {
      const key = keyedHash(Buffer.from(PEPPER, 'utf8'), 'captcha-challenge', 'demo', token);
      const { Item } = await db.send(
        new GetCommand({ TableName: service.tableName, Key: { pk: `CAPTCHA#${key}`, sk: 'CAPTCHA' } }),
      );
      return Number(Item?.x);
    },
    saved,
  };
};

const registries = new Map<string, TenantRegistry>();

async function drive(request: ScenarioRequest): Promise<ScenarioResponse> {
  const route = routeOf(request.method, request.path);
  if (!route) throw new Error(`no route serves ${request.method} ${request.path}`);
  current = route.name;
  // Each function is its own container: its own tenant cache, never warmed by another route's requests.
  const runtime = await getRuntime();
  if (!registries.has(route.name) && documentClient)
    registries.set(
      route.name,
      new TenantRegistry(documentClient, service.tableName).opening(Buffer.from(PEPPER, 'utf8')),
    );
  runtime.tenants = registries.get(route.name) ?? runtime.tenants;
  try {
    // Redirects (the reset confirmation's 302) are answers here, not followed.
    return await service.request(request.method, request.path, {
      query: request.query,
      json: request.json,
      body: request.body,
      headers: request.headers,
      redirect: 'manual',
    });
  } finally {
    collectProviderCalls();
    current = COLD_START;
    failNext = false;
  }
}

beforeAll(async () => {
  ses
    .on(SendEmailCommand)
    .callsFake((input) =>
      deliver(input.Destination?.ToAddresses?.[0] ?? '', input.Message?.Body?.Text?.Data ?? ''),
    );
  sns.on(PublishCommand).callsFake((input) => deliver(input.PhoneNumber ?? '', input.Message ?? ''));
  // WhatsApp: the code is the template's body parameter; a call: the SSML reads it digit by digit.
  social.on(SendWhatsAppMessageCommand).callsFake((input) => {
    const message = JSON.parse(new TextDecoder().decode(input.message));
    return { messageId: deliver(message.to, message.template.components[0].parameters[0].text).MessageId };
  });
  voice.on(SendVoiceMessageCommand).callsFake((input) => {
    const digits = [...String(input.MessageBody).matchAll(/>(\d)</g)].map((match) => match[1]);
    return deliver(input.DestinationPhoneNumber ?? '', digits.slice(0, 6).join(''));
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: PEPPER });

  const demo = await loadTenantsFile(DEMO_TENANTS_FILE);
  const tenants = demo.tenants.map((tenant) =>
    tenant.id === 'demo'
      ? {
          ...tenant,
          accounts: [
            ...(tenant.accounts ?? []),
            ...SCENARIO_ACCOUNTS.map((email, i) => ({ id: `grants-${i}`, email })),
          ],
        }
      : tenant,
  );
  // The tenants are sealed under the pepper the functions later read from Secrets Manager.
  process.env.PEPPER = PEPPER;
  service = await startService({ delivery: 'aws', tenants: { ...demo, tenants } });
  // As deployed: the pepper comes from Secrets Manager at cold start, not from the environment.
  delete process.env.PEPPER;
  process.env.PEPPER_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:pepper';
  db = createDocumentClient(service.endpoint);

  current = COLD_START;
  await getRuntime();
  collectProviderCalls();
  documentClient?.middlewareStack.add(
    (next, ctx) => async (args) => {
      record(actionsOfCommand(String(ctx.clientName), String(ctx.commandName), args.input));
      recordKeys(partitionKeysOfCommand(String(ctx.commandName), args.input));
      return next(args);
    },
    { step: 'initialize', name: 'recordGrantsUsed' },
  );

  for (const route of ROUTES) {
    const scenario = SCENARIOS[route.name];
    if (!scenario) continue;
    const saved: Record<string, ScenarioResponse> = {};
    for (const [index, step] of scenario().entries()) {
      let request: ScenarioRequest;
      let response: ScenarioResponse;
      try {
        request = await step.request(context(saved));
        response = await drive(request);
      } catch (error) {
        surprises.push(`${route.name} step ${index + 1}: ${(error as Error).message}`);
        continue;
      }
      if (step.as) saved[step.as] = response;
      const served = routeOf(request.method, request.path)?.name;
      const bodyMatches =
        step.expect.body === undefined ||
        Object.entries(step.expect.body).every(
          ([key, value]) => JSON.stringify(response.body?.[key]) === JSON.stringify(value),
        );
      if (response.status !== step.expect.status || !bodyMatches) {
        surprises.push(
          `${route.name} step ${index + 1} (${request.method} ${request.path.split('?')[0]}): ${response.status} ${response.text.slice(0, 160)}`,
        );
      } else if (served === route.name) {
        const set = outcomes.get(route.name) ?? new Set<string>();
        set.add(step.outcome);
        outcomes.set(route.name, set);
      }
    }
  }

  // The deployed side: the same stack as infra/app.ts, without bundling (only the policies matter here).
  // As deployed with WhatsApp and voice on (`-c channels=…`): the scenarios send on both.
  const app = tempApp({
    context: { sesIdentity: 'mail.example.org', channels: 'whatsapp,voice', 'aws:cdk:bundling-stacks': [] },
  });
  stack = new CodegateStack(app, 'Codegate');
  resources = Template.fromStack(stack).toJSON().Resources;
}, 300_000);

afterAll(async () => {
  removeTempApps();
  db?.destroy();
  for (const [, mock] of providers) mock.restore();
  await service?.stop();
});

/** Every statement attached to (or inline in) a route's role in the synthesized template. */
function statementsOf(route: Route) {
  const service = stack.functions.get(route.name);
  if (!service) throw new Error(`no function for ${route.name}`);
  const roleId = stack.getLogicalId(service.role.node.defaultChild as CfnResource);
  const role = resources[roleId];
  const inline = (role?.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles).includes(JSON.stringify({ Ref: roleId })))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

const usedBy = (route: Route) => new Set([...(used.get(route.name) ?? []), ...(used.get(COLD_START) ?? [])]);

describe('grants from behaviour', () => {
  it('every step of every scenario answers as its scenario expects', () => {
    expect(surprises).toEqual([]);
  });

  it('the cold start reads the pepper from Secrets Manager, and every function builds that runtime', () => {
    expect([...(used.get(COLD_START) ?? [])]).toEqual(['secretsmanager:GetSecretValue']);
    // The cold-start commands count for every route because every handler is an `endpoint(...)` (or, for the
    // routes that only send, a `sendingEndpoint(...)`: the same pipeline over the send engine).
    for (const route of ROUTES) {
      const source = readFileSync(`${PROJECT_ROOT}functions/${route.name}.ts`, 'utf8');
      expect(source, route.name).toMatch(/\b(?:endpoint|sendingEndpoint)\(/);
    }
  });

  it.each(ROUTES)('$name has a scenario that reaches both its success and its failure paths', (route) => {
    expect(
      SCENARIOS[route.name],
      `add a scenario for ${route.name} in test/helpers/route-scenarios.ts`,
    ).toBeDefined();
    expect([...(outcomes.get(route.name) ?? [])].sort()).toEqual(['failure', 'success']);
  });

  it.each(ROUTES)('$name is granted exactly the AWS actions its paths send', (route) => {
    const comparison = compareGrants(usedBy(route), grantedActions(statementsOf(route)));
    expect(comparison).toEqual({ missing: [], unused: [] });
  });

  it.each(ROUTES)(
    '$name touches exactly the key families its route declares (none at cold start)',
    (route) => {
      expect(families.get(COLD_START) ?? new Set()).toEqual(new Set());
      expect(compareGrants(families.get(route.name) ?? [], route.access.keys)).toEqual({
        missing: [],
        unused: [],
      });
    },
  );

  it.each(ROUTES)(
    "$name's role may use its table actions only on items of those families (dynamodb:LeadingKeys)",
    (route) => {
      const onTable = statementsOf(route).filter((statement: { Action: string | string[] }) =>
        [statement.Action].flat().some((a) => a.startsWith('dynamodb:')),
      );
      expect(onTable).toHaveLength(1);
      expect(onTable[0].Condition).toEqual({
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': route.access.keys.map((family) => `${family}#*`),
        },
      });
    },
  );

  it('fails when code touches a key family its role lacks (e.g. the captcha drawing reading tenant configs)', () => {
    const captcha = ROUTES.find((route) => route.name === 'eiam-captcha-get');
    expect(families.get('eiam-captcha-get')?.has('TENANT')).toBe(true);
    expect(compareGrants(families.get('eiam-captcha-get') ?? [], ['CAPTCHA', 'CTR']).missing).toEqual([
      'TENANT',
    ]);
    expect(captcha?.access.keys).not.toContain('SUPP');
    for (const route of ROUTES) {
      for (const family of families.get(route.name) ?? []) {
        const reduced = route.access.keys.filter((declared) => declared !== family);
        expect(
          compareGrants(families.get(route.name) ?? [], reduced).missing,
          `${route.name} without ${family}`,
        ).toEqual([family]);
      }
    }
  });

  it('fails when any one action is removed from any route grant list (e.g. PutItem from the AnqiCMS confirm)', () => {
    const confirm = ROUTES.find((route) => route.name === 'anqicms-verify-email-confirm');
    if (!confirm) throw new Error('no confirm route');
    // The issue 9 defect: consumeLink's transaction writes a Put, which a GetItem/UpdateItem grant denies.
    expect(usedBy(confirm).has('dynamodb:PutItem')).toBe(true);
    for (const route of ROUTES) {
      const granted = grantedActions(statementsOf(route));
      for (const action of usedBy(route)) {
        const reduced = [...granted].filter((a) => a !== action);
        expect(compareGrants(usedBy(route), reduced).missing, `${route.name} without ${action}`).toContain(
          action,
        );
      }
    }
  });
});
