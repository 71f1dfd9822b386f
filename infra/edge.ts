// Infra: the optional edge (`-c waf=true`). AWS WAF cannot attach to an HTTP API, so a CloudFront distribution with a
// WAF web ACL (rate-based rules per client IP) goes in front of it, and a secret origin header lets the functions
// refuse every request that did not come through it (lib/http/edge.ts).
import { Aws, CfnRule, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EDGE_HEADERS } from '../lib/http/edge.ts';
import type { Route } from '../lib/routes.ts';
import { AWS_BOUNDS } from './aws-bounds.ts';

/** The region a CLOUDFRONT-scoped web ACL (and a CloudFront certificate) must be created in. */
export const EDGE_REGION = 'us-east-1';
/** The CloudFormation rule's message: a deploy elsewhere is refused with it, before anything is created. */
export const EDGE_REGION_MESSAGE = `-c waf=true needs the stack in ${EDGE_REGION} (a CloudFront WebACL lives there)`;
/** WAF counts each client IP over this window (seconds): five minutes, WAF's default. */
export const WAF_WINDOW_SECONDS = 300;
/** Default per-IP limits over the window: every request, and the requests to the send routes. */
export const DEFAULT_WAF_RATE_LIMIT = 1000;
export const DEFAULT_WAF_SEND_RATE_LIMIT = 100;

/** The edge's settings from the context; undefined when `waf` is absent or `false`. */
export interface EdgeOptions {
  rateLimit: number;
  sendRateLimit: number;
}

/** `waf`, `wafRateLimit`, `wafSendRateLimit` contexts: refused with one line naming the context when invalid. */
export function edgeOptionsOf(scope: Construct): EdgeOptions | undefined {
  const raw: unknown = scope.node.tryGetContext('waf');
  const waf = raw === undefined || raw === null ? '' : String(raw).trim();
  const limitOf = (key: string, fallback: number) => {
    const value: unknown = scope.node.tryGetContext(key);
    if (value === undefined) return fallback;
    if (waf !== 'true') throw new Error(`${key} needs -c waf=true (it sets a WAF rate-based rule)`);
    const { min, max } = AWS_BOUNDS.wafRateLimit;
    const limit = Number(String(value).trim());
    if (!Number.isInteger(limit) || limit < min || limit > max)
      throw new Error(
        `${key} must be a whole number of requests per IP per ${WAF_WINDOW_SECONDS / 60} minutes, ${min} to ${max} (WAF's bounds), got "${String(value)}"`,
      );
    return limit;
  };
  if (waf !== '' && waf !== 'true' && waf !== 'false')
    throw new Error(`waf must be true or false, got "${waf}"`);
  const rateLimit = limitOf('wafRateLimit', DEFAULT_WAF_RATE_LIMIT);
  const sendRateLimit = limitOf('wafSendRateLimit', DEFAULT_WAF_SEND_RATE_LIMIT);
  if (waf !== 'true') return undefined;
  if (sendRateLimit > rateLimit)
    throw new Error(
      `wafSendRateLimit (${sendRateLimit}) must not exceed wafRateLimit (${rateLimit}): every send also counts against wafRateLimit`,
    );
  return { rateLimit, sendRateLimit };
}

/**
 * The viewer-request function (cloudfront-js-2.0). It overwrites, on every request, the viewer's IP (`event.viewer.ip`,
 * as in AWS's True-Client-IP example) and its `Host` into headers of Codegate's own: the origin request policy
 * forwards every viewer header except `Host` (API Gateway needs its own), so this is how the origin learns both, and
 * a viewer cannot choose either value. A request without `Host` gets no host header and the functions refuse it.
 */
export const VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var headers = request.headers;
  headers['${EDGE_HEADERS.viewerIp}'] = { value: event.viewer.ip };
  if (headers.host && headers.host.value) headers['${EDGE_HEADERS.viewerHost}'] = { value: headers.host.value };
  else delete headers['${EDGE_HEADERS.viewerHost}'];
  return request;
}`;

/** The request path of a route as a regular expression (`{param}` is one path segment; a trailing slash is allowed). */
const pathPattern = (path: string) => path.replace(/[.+?^$()[\]\\|*]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');

/**
 * The send routes' requests (routes that mail or text): per method, the method and a path pattern. The pattern is
 * matched on the URL-decoded path, so `%2F`-style spellings do not slip past it.
 */
export function sendRequestsStatement(routes: readonly Route[]): CfnWebACL.StatementProperty {
  const sends = routes.filter((route) => route.access.mail || route.access.sms);
  const methods = [...new Set(sends.map((route) => route.method))].sort();
  const byMethod = methods.map((method): CfnWebACL.StatementProperty => {
    const paths = [...new Set(sends.filter((r) => r.method === method).map((r) => pathPattern(r.path)))];
    return {
      andStatement: {
        statements: [
          {
            byteMatchStatement: {
              fieldToMatch: { method: {} },
              positionalConstraint: 'EXACTLY',
              searchString: method,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          {
            regexMatchStatement: {
              fieldToMatch: { uriPath: {} },
              regexString: `^(${paths.join('|')})/?$`,
              textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
            },
          },
        ],
      },
    };
  });
  const [only] = byMethod;
  if (byMethod.length === 1 && only) return only;
  return { orStatement: { statements: byMethod } };
}

export interface EdgeProps extends EdgeOptions {
  api: HttpApi;
  routes: readonly Route[];
  /** With `domainName` + `certificateArn`: the custom domain goes on the distribution (not on API Gateway). */
  domain?: { domainName: string; certificateArn: string };
}

/**
 * CloudFront + WAF in front of the HTTP API: the web ACL (two rate-based rules per client IP, blocked with 429), the
 * region rule, the edge secret, the viewer-request function and the distribution.
 */
export class Edge extends Construct {
  /** CloudFront sends its value as the `X-Codegate-Edge` origin header; the functions read it at cold start. */
  readonly secret: Secret;
  readonly distribution: Distribution;
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region !== EDGE_REGION)
      throw new Error(EDGE_REGION_MESSAGE);
    // The stack is environment-agnostic: the region is known only at deploy time, where this rule refuses any other.
    new CfnRule(this, 'Region', {
      assertions: [
        { assert: Fn.conditionEquals(Aws.REGION, EDGE_REGION), assertDescription: EDGE_REGION_MESSAGE },
      ],
    });

    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const rateRule = (
      name: string,
      priority: number,
      limit: number,
      scopeDownStatement?: CfnWebACL.StatementProperty,
    ): CfnWebACL.RuleProperty => ({
      name,
      priority,
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rate-limited' } } },
      statement: {
        rateBasedStatement: {
          limit,
          evaluationWindowSec: WAF_WINDOW_SECONDS,
          aggregateKeyType: 'IP',
          ...(scopeDownStatement ? { scopeDownStatement } : {}),
        },
      },
      visibilityConfig: visibility(`${stack.stackName}-${name}`),
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      description: 'Codegate edge: requests per client IP over five minutes',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${stack.stackName}-edge`),
      customResponseBodies: {
        'rate-limited': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: 'rate_limited',
            message: 'Too many requests from this address; retry in a few minutes.',
          }),
        },
      },
      rules: [
        rateRule('sends-per-ip', 0, props.sendRateLimit, sendRequestsStatement(props.routes)),
        rateRule('requests-per-ip', 1, props.rateLimit),
      ],
    });

    this.secret = new Secret(this, 'Secret', {
      description:
        'Codegate edge: the X-Codegate-Edge header CloudFront adds; the functions refuse requests without it',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.secret.node.defaultChild ?? this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront receives the edge secret through a CloudFormation dynamic reference, resolved only when the stack is deployed, while the functions read it at cold start: an automatic rotation would make every request through the edge answer 403 until the next deploy. Change it deliberately: put a new value, then cdk deploy.',
    });

    const viewerRequest = new EdgeFunction(this, 'ViewerRequest', {
      comment: 'Codegate: the viewer IP and Host for the origin',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(VIEWER_REQUEST_CODE),
    });
    // A dynamic reference ({{resolve:secretsmanager:…}}): the value never appears in the template.
    const origin = new HttpOrigin(`${props.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { 'X-Codegate-Edge': this.secret.secretValue.unsafeUnwrap() },
    });
    const domain = props.domain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Codegate edge (${stack.stackName}): WAF per-IP rate limits in front of the HTTP API`,
      webAclId: this.webAcl.attrArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      ...(domain
        ? {
            domainNames: [domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
          }
        : {}),
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: viewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    });
    const distribution = Validations.of(this.distribution.node.defaultChild ?? this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        "Every request CloudFront forwards reaches the API's access log (request id, route key, status, latency; kept a month); the requests WAF blocks show in its metrics and sampled requests. A standard-log bucket would keep a second record of every request with its full query string, where addresses and codes travel, which the API's log deliberately leaves out.",
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        "Tenants serve users in any country; which countries a tenant texts is its own setting (sms.allowedCountries), checked by the engine per request; a distribution-wide geo restriction would refuse some tenant's users.",
    });
    if (!domain)
      distribution.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution answers on its *.cloudfront.net name with the CloudFront default certificate, for which CloudFront fixes the security policy at TLSv1 (the minimum-protocol setting applies only to a custom certificate). Give domainName + certificateArn to get TLSv1.2_2021.',
      });
  }
}
