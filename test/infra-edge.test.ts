// The optional edge (-c waf=true): CloudFront + a WAF web ACL with per-IP rate-based rules in front of the HTTP API,
// refused outside us-east-1 by a CloudFormation rule, and an origin secret the functions read and require. Synthesized
// without bundling, cdk-nag attached.
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atRestItems, type CfnTemplate, totalUsd } from '../infra/admin/cost-model.ts';
import { perMillion } from '../infra/admin/cost-per-million.ts';
import { AWS_BOUNDS, type Bound, WAF_REGEX_MAX_LENGTH } from '../infra/aws-bounds.ts';
import {
  DEFAULT_WAF_RATE_LIMIT,
  DEFAULT_WAF_SEND_RATE_LIMIT,
  EDGE_REGION_MESSAGE,
  edgeOptionsOf,
  VIEWER_REQUEST_CODE,
} from '../infra/edge.ts';
import { PRICES } from '../infra/prices.ts';
import { CodegateStack } from '../infra/stack.ts';
import { EDGE_HEADERS } from '../lib/http/edge.ts';
import { ROUTES } from '../lib/routes.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';

type Json = Record<string, any>;

function synth(context: Record<string, unknown>) {
  const app = tempApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new CodegateStack(app, 'Codegate');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  app.synth(); // throws on any unacknowledged cdk-nag finding
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() as Json };
}
const only = (template: Template, type: string): Json => {
  const found = Object.values(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0]?.Properties as Json;
};
const refusal = (context: Record<string, unknown>) => () => edgeOptionsOf(tempApp({ context }));

let plain: ReturnType<typeof synth>;
let edge: ReturnType<typeof synth>;
beforeAll(() => {
  plain = synth({});
  edge = synth({ waf: 'true', wafRateLimit: '2000', wafSendRateLimit: '50' });
}, 300_000);
afterAll(removeTempApps);

describe('without -c waf=true', () => {
  it('nothing of the edge exists: no web ACL, distribution, function, rule, secret variable or output', () => {
    for (const type of ['AWS::WAFv2::WebACL', 'AWS::CloudFront::Distribution', 'AWS::CloudFront::Function'])
      plain.template.resourceCountIs(type, 0);
    plain.template.resourceCountIs('AWS::SecretsManager::Secret', 1); // the pepper only
    expect(Object.keys(plain.json.Rules ?? {})).toEqual(['CheckBootstrapVersion']);
    expect(plain.json.Outputs.EdgeUrl).toBeUndefined();
    for (const fn of Object.values(plain.template.findResources('AWS::Lambda::Function')))
      expect(fn.Properties.Environment.Variables.EDGE_SECRET_ARN).toBeUndefined();
    expect(edgeOptionsOf(tempApp({ context: { waf: 'false' } }))).toBeUndefined();
  });
});

describe('with -c waf=true', () => {
  it('the web ACL is CLOUDFRONT-scoped, blocks with 429 per client IP over five minutes, limits from the context', () => {
    const acl = only(edge.template, 'AWS::WAFv2::WebACL');
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    expect(acl.VisibilityConfig).toMatchObject({
      CloudWatchMetricsEnabled: true,
      SampledRequestsEnabled: true,
    });
    const rules = Object.fromEntries(acl.Rules.map((rule: Json) => [rule.Name, rule]));
    expect(Object.keys(rules).sort()).toEqual(['requests-per-ip', 'sends-per-ip']);
    for (const rule of acl.Rules) {
      expect(rule.Statement.RateBasedStatement).toMatchObject({
        AggregateKeyType: 'IP',
        EvaluationWindowSec: 300,
      });
      expect(rule.Action.Block.CustomResponse.ResponseCode).toBe(429);
      expect(acl.CustomResponseBodies[rule.Action.Block.CustomResponse.CustomResponseBodyKey]).toBeDefined();
      expect(rule.VisibilityConfig).toMatchObject({
        CloudWatchMetricsEnabled: true,
        SampledRequestsEnabled: true,
      });
    }
    expect(rules['requests-per-ip'].Statement.RateBasedStatement.Limit).toBe(2000);
    expect(rules['requests-per-ip'].Statement.RateBasedStatement.ScopeDownStatement).toBeUndefined();
    expect(rules['sends-per-ip'].Statement.RateBasedStatement.Limit).toBe(50);
    // Defaults when the context names no limit.
    expect(edgeOptionsOf(tempApp({ context: { waf: 'true' } }))).toEqual({
      rateLimit: DEFAULT_WAF_RATE_LIMIT,
      sendRateLimit: DEFAULT_WAF_SEND_RATE_LIMIT,
    });
  });

  it("the send rule's scope-down matches exactly the send routes (method and path), nothing else", () => {
    const acl = only(edge.template, 'AWS::WAFv2::WebACL');
    const sends = acl.Rules.find((rule: Json) => rule.Name === 'sends-per-ip');
    const scope = sends.Statement.RateBasedStatement.ScopeDownStatement;
    const groups: Json[] = scope.OrStatement?.Statements ?? [scope];
    const matches = (method: string, path: string) =>
      groups.some((group) => {
        const [byMethod, byPath] = group.AndStatement.Statements;
        return (
          byMethod.ByteMatchStatement.SearchString === method &&
          new RegExp(byPath.RegexMatchStatement.RegexString).test(path)
        );
      });
    const concrete = (path: string) => path.replace(/\{\w+\}/g, 'VA123');
    for (const route of ROUTES)
      expect(matches(route.method, concrete(route.path)), `${route.method} ${route.path}`).toBe(
        Boolean(route.access.mail || route.access.sms),
      );
    for (const group of groups) {
      const regex = group.AndStatement.Statements[1].RegexMatchStatement;
      expect(regex.RegexString.length).toBeLessThanOrEqual(WAF_REGEX_MAX_LENGTH.max);
      expect(regex.TextTransformations).toEqual([{ Priority: 0, Type: 'URL_DECODE' }]);
    }
  });

  it("every number in the web ACL is within AWS's documented bound (infra/aws-bounds.ts)", () => {
    const acl = only(edge.template, 'AWS::WAFv2::WebACL');
    const bounds = Object.values(AWS_BOUNDS as Record<string, Bound>).filter(
      (b) => b.resourceType === 'AWS::WAFv2::WebACL',
    );
    const leaves = (value: unknown, path: string[] = []): { path: string[]; value: number }[] =>
      typeof value === 'number'
        ? [{ path, value }]
        : value && typeof value === 'object'
          ? Object.entries(value).flatMap(([key, child]) => leaves(child, [...path, key]))
          : [];
    // Text transformations' priorities (always 0: one transformation per match) sit at every nesting depth of the
    // scope-down; the table bounds the rule-level numbers.
    const numbers = leaves(acl).filter((leaf) => !leaf.path.includes('TextTransformations'));
    expect(numbers.length).toBeGreaterThan(0);
    for (const leaf of numbers) {
      const bound = bounds.find(
        (b) => b.path.length === leaf.path.length && b.path.every((p, i) => p === '*' || p === leaf.path[i]),
      );
      expect(bound, leaf.path.join('.')).toBeDefined();
      if (bound?.min !== undefined) expect(leaf.value).toBeGreaterThanOrEqual(bound.min);
      if (bound?.max !== undefined) expect(leaf.value).toBeLessThanOrEqual(bound.max);
      if (bound?.oneOf) expect(bound.oneOf).toContain(leaf.value);
    }
  });

  it('a CloudFormation rule refuses a deploy outside us-east-1, and a stack pinned elsewhere fails the synth', () => {
    const rules = Object.entries(edge.json.Rules as Json).filter(([id]) => id !== 'CheckBootstrapVersion');
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1]).toEqual({
      Assertions: [
        {
          Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
          AssertDescription: EDGE_REGION_MESSAGE,
        },
      ],
    });
    expect(EDGE_REGION_MESSAGE).toBe(
      '-c waf=true needs the stack in us-east-1 (a CloudFront WebACL lives there)',
    );
    const app = tempApp({ context: { waf: 'true', 'aws:cdk:bundling-stacks': [] } });
    expect(() => new CodegateStack(app, 'Pinned', { env: { region: 'eu-west-1' } })).toThrow(
      EDGE_REGION_MESSAGE,
    );
  });

  it('the distribution fronts the API over HTTPS with the web ACL, no caching, and the secret as a dynamic reference', () => {
    const config = only(edge.template, 'AWS::CloudFront::Distribution').DistributionConfig;
    const aclId = Object.keys(edge.template.findResources('AWS::WAFv2::WebACL'))[0];
    const apiId = Object.keys(edge.template.findResources('AWS::ApiGatewayV2::Api'))[0];
    const secretIds = Object.keys(edge.template.findResources('AWS::SecretsManager::Secret'));
    const edgeSecretId = secretIds.find((id) => id.startsWith('EdgeSecret'));
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const [origin] = config.Origins;
    expect(JSON.stringify(origin.DomainName)).toContain(JSON.stringify({ Ref: apiId }));
    expect(JSON.stringify(origin.DomainName)).toContain('.execute-api.');
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const behavior = config.DefaultCacheBehavior;
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
    expect(origin.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'X-Codegate-Edge',
        HeaderValue: {
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: edgeSecretId }, ':SecretString:::}}']],
        },
      },
    ]);
    // No secret value anywhere in the template: the edge secret is generated by Secrets Manager.
    expect(only(edge.template, 'AWS::CloudFront::Function')).toBeDefined();
    const secret = edge.json.Resources[edgeSecretId ?? ''].Properties;
    expect(secret.SecretString).toBeUndefined();
    expect(secret.GenerateSecretString).toMatchObject({ PasswordLength: 48 });
    expect(edge.json.Outputs.EdgeUrl.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^EdgeDistribution/), 'DomainName'] }, '/'],
      ],
    });
  });

  it('the viewer-request function overwrites the viewer IP and host a viewer might forge', () => {
    const fn = only(edge.template, 'AWS::CloudFront::Function');
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.FunctionCode).toBe(VIEWER_REQUEST_CODE);
    const config = only(edge.template, 'AWS::CloudFront::Distribution').DistributionConfig;
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [expect.any(String), 'FunctionARN'] } },
    ]);
    const handler = new Function(`${VIEWER_REQUEST_CODE}; return handler;`)() as (event: Json) => Json;
    const forged = {
      host: { value: 'tenant.example.com' },
      [EDGE_HEADERS.viewerIp]: { value: '10.0.0.1' },
      [EDGE_HEADERS.viewerHost]: { value: 'victim.example.com' },
    };
    const out = handler({ viewer: { ip: '203.0.113.9' }, request: { headers: structuredClone(forged) } });
    expect(out.headers[EDGE_HEADERS.viewerIp]).toEqual({ value: '203.0.113.9' });
    expect(out.headers[EDGE_HEADERS.viewerHost]).toEqual({ value: 'tenant.example.com' });
    const { host: _host, ...hostless } = forged;
    const noHost = handler({
      viewer: { ip: '2001:db8::1' },
      request: { headers: structuredClone(hostless) },
    });
    expect(noHost.headers[EDGE_HEADERS.viewerHost]).toBeUndefined();
  });

  it('every route function gets EDGE_SECRET_ARN and GetSecretValue on the edge secret (and on nothing else new)', () => {
    const secretId = Object.keys(edge.template.findResources('AWS::SecretsManager::Secret')).find((id) =>
      id.startsWith('EdgeSecret'),
    );
    const policies = Object.values(edge.template.findResources('AWS::IAM::Policy'));
    for (const route of ROUTES) {
      const service = edge.stack.functions.get(route.name);
      const fnId = edge.stack.getLogicalId(service?.function.node.defaultChild as any);
      const roleId = edge.stack.getLogicalId(service?.role.node.defaultChild as any);
      const fn = edge.json.Resources[fnId].Properties;
      expect(fn.Environment.Variables.EDGE_SECRET_ARN, route.name).toEqual({ Ref: secretId });
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement);
      const onSecrets = statements.filter((s: Json) =>
        [s.Action].flat().some((a) => a.startsWith('secretsmanager:')),
      );
      expect(
        onSecrets.flatMap((s: Json) => [s.Action].flat()),
        route.name,
      ).toEqual(onSecrets.map(() => 'secretsmanager:GetSecretValue'));
      expect(JSON.stringify(onSecrets.map((s: Json) => s.Resource))).toContain(
        JSON.stringify({ Ref: secretId }),
      );
    }
  });

  it('with domainName the custom domain is on the distribution (TLSv1.2_2021), not on API Gateway', () => {
    const withDomain = synth({
      waf: 'true',
      domainName: 'verify.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
    });
    withDomain.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    const config = only(withDomain.template, 'AWS::CloudFront::Distribution').DistributionConfig;
    expect(config.Aliases).toEqual(['verify.example.com']);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(JSON.stringify(withDomain.json.Outputs.CustomDomainTarget.Value)).toContain('EdgeDistribution');
  }, 120_000);

  it('invalid waf or limits are refused with one line naming the context', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ waf: 'yes' }, 'waf must be true or false, got "yes"'],
      [{ waf: 'true', wafRateLimit: '9' }, 'wafRateLimit must be a whole number'],
      [{ waf: 'true', wafRateLimit: '2000000001' }, 'wafRateLimit must be a whole number'],
      [{ waf: 'true', wafSendRateLimit: '12.5' }, 'wafSendRateLimit must be a whole number'],
      [
        { waf: 'true', wafRateLimit: '100', wafSendRateLimit: '200' },
        'wafSendRateLimit (200) must not exceed',
      ],
      [{ wafRateLimit: '500' }, 'wafRateLimit needs -c waf=true'],
    ];
    for (const [context, message] of cases) {
      expect(refusal(context), JSON.stringify(context)).toThrow(message);
      try {
        refusal(context)();
      } catch (error) {
        expect((error as Error).message).not.toContain('\n');
      }
    }
    expect(
      edgeOptionsOf(tempApp({ context: { waf: 'true', wafRateLimit: '10', wafSendRateLimit: '10' } })),
    ).toEqual({
      rateLimit: 10,
      sendRateLimit: 10,
    });
  });

  it('the cost model prices what the edge adds: the web ACL, its two rules, the secret, and every request at the edge', () => {
    const withEdge = edge.json as CfnTemplate;
    const without = plain.json as CfnTemplate;
    const added = totalUsd(atRestItems(withEdge)) - totalUsd(atRestItems(without));
    expect(added).toBeCloseTo(PRICES.wafWebAcl.usd + 2 * PRICES.wafRule.usd + PRICES.secret.usd, 10);
    expect(added).toBeCloseTo(7.4, 10);
    const edgeLine = perMillion(withEdge, 'email', 0).find((line) => line.item.startsWith('Edge:'));
    expect(edgeLine?.monthlyUsd).toBeCloseTo(
      2e6 * (PRICES.cloudFrontHttpsRequest.usd + PRICES.cloudFrontFunction.usd + PRICES.wafRequest.usd),
      6,
    );
    expect(perMillion(without, 'email', 0).some((line) => line.item.startsWith('Edge:'))).toBe(false);
  });
});
