// The stack against CloudFormation's own resource definitions: the CDK's built-in validation (the
// `@aws/cloudformation-validate` engine: the resource schemas AWS publishes, plus the CDK's default rules),
// which cdk.json turns from warnings into errors (`@aws-cdk/core:validateAgainstDefaultRules`), as every
// `cdk synth` and `cdk deploy` runs it.
//
// The rest of the suite synthesizes with it off (`CDK_VALIDATION=false` in vitest.config.ts): the engine costs
// 4–5 s of CPU to start in each test process, and a dozen files synthesize. This file turns it back on and
// synthesizes the templates that between them hold every resource the stack can make: the default deploy,
// and every optional context at once, with the custom domain on API Gateway and on the WAF's distribution.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, type CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodegateStack } from '../infra/stack.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';

beforeAll(() => {
  delete process.env.CDK_VALIDATION;
});
afterAll(removeTempApps);

const EVERY_OPTION = {
  sesIdentity: 'mail.example.org,sender@other.example.net',
  alarmEmail: 'ops@example.com',
  smsMonthlyBudgetUsd: '250',
  channels: 'whatsapp,voice',
  channelDailySpendUsd: '25',
  monitoring: 'full',
  domainName: 'verify.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
  'throttle:native-send': '120/240',
};

const VARIANTS: Record<string, Record<string, unknown>> = {
  'the default deploy': {},
  'every option, the domain on API Gateway': EVERY_OPTION,
  'every option, behind the WAF': {
    ...EVERY_OPTION,
    waf: 'true',
    wafRateLimit: '2000',
    wafSendRateLimit: '50',
  },
};

type Report = {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
};

/** Synthesizes the stack as infra/app.ts does (cdk-nag too), without bundling; returns the app and its stack. */
function build(context: Record<string, unknown>): { app: App; stack: CodegateStack } {
  const app = tempApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new CodegateStack(app, 'Codegate');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return { app, stack };
}

/** The findings of CloudFormation's validation in a synthesized assembly, warnings included. */
function cloudFormationFindings(directory: string): string[] {
  const report = JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8')) as Report;
  return report.pluginReports
    .filter((plugin) => /cloudformation/i.test(plugin.pluginName))
    .flatMap((plugin) => plugin.violations.map((violation) => `${violation.severity} ${violation.ruleName}`));
}

describe("CloudFormation's validation", () => {
  it.each(Object.entries(VARIANTS))(
    'passes %s with no finding, not even a warning',
    (_variant, context) => {
      const { app } = build(context);
      const assembly = app.synth();
      expect(cloudFormationFindings(assembly.directory)).toEqual([]);
    },
    120_000,
  );

  it('is on in this file: a property outside the resource’s schema stops the synth, naming the rule', () => {
    const { app, stack } = build({});
    (stack.table.node.defaultChild as CfnResource).addPropertyOverride('BillingMode', 'FREE');
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    // 'FREE' is not one of the billing modes (a warning), so a provisioned throughput is required (an error).
    expect(message).toMatch(/^ERROR .*\(CloudFormation Validate\)$/m);
    expect(message).toContain('CloudFormation-Validate::W3030');
    expect(cloudFormationFindings(app.outdir)).toEqual(['error F3003', 'warning W3030']);
  }, 120_000);
});
