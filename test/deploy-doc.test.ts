// docs/deploy.md against the synthesized template: "What the stack creates" names every CloudFormation resource
// type the stack can create (default contexts and the optional ones), as one unbroken table, and the Outputs
// table names every output. The admin policy in the doc is valid JSON that grants what the admin commands call.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CodegateStack } from '../infra/stack.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';

const DOC = readFileSync(join(import.meta.dirname, '../docs/deploy.md'), 'utf8');

afterAll(removeTempApps);

/** The text of one `## …` section, up to the next heading (its own subsections excluded). */
function section(heading: string): string {
  const start = DOC.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const body = DOC.slice(start + heading.length + 2);
  const next = body.search(/\n#{1,6} /);
  return `${heading}\n${next < 0 ? body : body.slice(0, next)}`;
}

/** A template without bundling (no esbuild run), with these contexts. */
function template(context: Record<string, unknown> = {}) {
  const app = tempApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(new CodegateStack(app, 'Codegate')).toJSON() as {
    Resources: Record<string, { Type: string }>;
    Outputs?: Record<string, unknown>;
  };
}

const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  'full monitoring, an alarm address and a custom domain': {
    monitoring: 'full',
    alarmEmail: 'ops@example.com',
    domainName: 'verify.example.com',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
  },
  // The WhatsApp and voice feedback loops: a rule, the event destination topic and its output.
  'WhatsApp and voice': { channels: 'whatsapp,voice' },
};

describe('docs/deploy.md, What the stack creates', () => {
  const creates = section('## What the stack creates');
  const table = creates.slice(creates.indexOf('\n|'));
  const rows = table.slice(0, table.search(/\n(?!\|)/)).trim();

  it('is one table: no blank line breaks it, and every row has the header’s three cells', () => {
    const lines = rows.split('\n');
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) expect(line.split(/(?<!\\)\|/).length - 2, line).toBe(3);
    // Nothing but prose follows the table in the section: a row after a blank line would start a second table.
    expect(creates.slice(creates.indexOf(rows) + rows.length)).not.toMatch(/^\|/m);
  });

  for (const [name, context] of Object.entries(VARIANTS)) {
    it(`names every resource type of the template (${name})`, () => {
      const types = [...new Set(Object.values(template(context).Resources).map((resource) => resource.Type))];
      expect(types.length).toBeGreaterThan(10);
      const missing = types.filter((type) => !rows.includes(`\`${type}\``));
      expect(missing).toEqual([]);
    });
  }
});

describe('docs/deploy.md, Outputs', () => {
  it('names every output of the template, in every variant', () => {
    const outputs = section('## Outputs');
    const documented = [...outputs.matchAll(/^\| `(\w+)` /gm)].map((match) => match[1]);
    for (const context of Object.values(VARIANTS)) {
      const missing = Object.keys(template(context).Outputs ?? {}).filter(
        (name) => !documented.includes(name),
      );
      expect(missing).toEqual([]);
    }
  });
});

/** An SDK call in a source file: a command sent, or a paginator that sends it (`paginateListX` sends ListX). */
const CALLS = /new (\w+)Command\(|paginate(\w+)\(/g;

describe('## An admin policy for the admin commands', () => {
  const text = section('## An admin policy for the admin commands');
  const json = /```json\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const policy = JSON.parse(json) as {
    Version: string;
    Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[];
  };
  const actions = policy.Statement.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );

  it('is an IAM policy document that only allows', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const statement of policy.Statement) expect(statement.Effect).toBe('Allow');
  });

  it('grants the table actions tenants:load and suppressions send, and the pepper read, and no wildcard action', () => {
    for (const action of [
      'dynamodb:Scan',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'secretsmanager:GetSecretValue',
    ])
      expect(actions).toContain(action);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('is what the stack attaches to the AdminPolicyArn output, action for action', () => {
    const synthesized = template();
    const outputs = synthesized.Outputs as Record<string, { Value: { Ref: string } }>;
    const policyId = outputs.AdminPolicyArn?.Value.Ref ?? '';
    const managed = synthesized.Resources[policyId] as unknown as {
      Type: string;
      Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } };
    };
    expect(managed.Type).toBe('AWS::IAM::ManagedPolicy');
    const stackActions = managed.Properties.PolicyDocument.Statement.flatMap((statement) =>
      [statement.Action].flat(),
    );
    expect([...stackActions].sort()).toEqual([...actions].sort());
  });

  it("grants each AWS call the deployment verifier's sources make", () => {
    const folder = join(import.meta.dirname, '../infra/admin/verify');
    const sources = readdirSync(folder)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(join(folder, file), 'utf8'))
      .join('\n');
    const commands = [...new Set([...sources.matchAll(CALLS)].map((match) => match[1] ?? match[2] ?? ''))];
    expect(commands.length).toBeGreaterThan(10);
    const granted = (command: string) =>
      actions.some((action) => action.split(':')[1] === command) ||
      (command === 'GetStage' && actions.includes('apigateway:GET')) ||
      (command === 'Put' && actions.includes('dynamodb:PutItem')) ||
      (command === 'Delete' && actions.includes('dynamodb:DeleteItem')) ||
      (command === 'Get' && actions.includes('dynamodb:GetItem')) ||
      // Only a stack with WhatsApp grants it (the test below); the verifier calls it only there.
      (command === 'ListLinkedWhatsAppBusinessAccounts' && text.includes(`social-messaging:${command}`));
    expect(commands.filter((command) => !granted(command))).toEqual([]);
  });

  it('a stack with WhatsApp or calls adds the reads of that channel, and only those; the doc names them', () => {
    const statements = (context: Record<string, string>) => {
      const synthesized = template(context);
      const outputs = synthesized.Outputs as Record<string, { Value: { Ref: string } }>;
      const managed = synthesized.Resources[outputs.AdminPolicyArn?.Value.Ref ?? ''] as unknown as {
        Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } };
      };
      return managed.Properties.PolicyDocument.Statement.flatMap((statement) => [statement.Action].flat());
    };
    const added = (context: Record<string, string>) =>
      statements(context)
        .filter((action) => !actions.includes(action))
        .sort();
    const whatsapp = [
      'social-messaging:GetLinkedWhatsAppBusinessAccountPhoneNumber',
      'social-messaging:ListLinkedWhatsAppBusinessAccounts',
      'social-messaging:ListWhatsAppMessageTemplates',
    ];
    const voice = [
      'sms-voice:DescribeConfigurationSets',
      'sms-voice:DescribePhoneNumbers',
      'sms-voice:DescribePools',
      'sms-voice:ListPoolOriginationIdentities',
    ];
    expect(added({ channels: 'whatsapp' })).toEqual(whatsapp);
    expect(added({ channels: 'voice' })).toEqual(voice);
    for (const action of [...whatsapp, ...voice]) expect(text).toContain(`\`${action}\``);
    // Each call tenants:load's provider checks make is one of them.
    const source = readFileSync(join(import.meta.dirname, '../infra/admin/provider-settings.ts'), 'utf8');
    const commands = [...new Set([...source.matchAll(CALLS)].map((match) => match[1] ?? match[2] ?? ''))];
    expect(commands.length).toBe(6);
    const both = added({ channels: 'whatsapp,voice' });
    expect(commands.filter((command) => !both.some((action) => action.endsWith(`:${command}`)))).toEqual([]);
  });
});
