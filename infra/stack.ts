// Infra: the deployed service — table, pepper, mail configuration, HTTP API and one Lambda per route.
import { Annotations, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { ROUTES, type Route } from '../lib/routes.ts';
import { TABLE } from '../lib/store/table.ts';
import { AdminPolicy } from './admin-policy.ts';
import {
  alarmEmailOf,
  customDomainOf,
  monitoringTierOf,
  PLACEHOLDER_SES_IDENTITY,
  sesIdentities,
  smsBudgetOf,
} from './context.ts';
import { Edge, edgeOptionsOf } from './edge.ts';
import { Feedback } from './feedback.ts';
import {
  channelDailySpendOf,
  extraChannelsOf,
  grantVoice,
  grantWhatsApp,
  monitorChannelSpend,
  monitorExtraChannels,
} from './messaging-grants.ts';
import { Monitoring } from './monitoring.ts';
import { addOutputs } from './outputs.ts';
import { ServiceFunction } from './service-function.ts';
import { stageThrottles } from './throttles.ts';

export {
  alarmEmailOf,
  DEFAULT_STACK_NAME,
  monitoringTierOf,
  PLACEHOLDER_SES_IDENTITY,
  stackNameOf,
} from './context.ts';

/** Turns a route's function name into a construct id: `native-send` → `NativeSend`. */
const constructId = (route: Route): string =>
  route.name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

export interface CodegateStackProps extends StackProps {
  /**
   * The routes to build, for tools that need a few functions quickly (`npm run stack`, test/bundles.test.ts's
   * source-map build). Every route when absent; infra/app.ts never sets it, so `cdk deploy` always builds all.
   */
  routes?: readonly Route[];
}

/**
 * Codegate's stack. Env-agnostic (no lookups), so `cdk synth` works offline with no account; no
 * physical names are hard-coded, so several copies can live in one account.
 */
export class CodegateStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  /** The pepper secret; constructs added later (infra/feedback.ts) grant their functions from it. */
  readonly pepper: Secret;
  /** The SES configuration set every send names; event destinations attach to it. */
  readonly mailConfiguration: ConfigurationSet;
  /** Alarm topic, dashboard and facade: add alarms with `monitoring.facade` or `monitoring.notify`. */
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props?: CodegateStackProps) {
    super(scope, id, props);
    const routes = props?.routes ?? ROUTES;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Tenants and live verifications must survive a mistaken `cdk destroy` (RETAIN) and a
      // mistaken delete of the table itself (deletion protection).
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
      // Lifecycle events are derived from the item changes (infra/feedback.ts, lib/events/).
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });

    const pepper = new Secret(this, 'Pepper', {
      description: 'Codegate pepper: the HMAC key for stored code, token and address hashes',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      // Kept with the retained table: its stored hashes are only meaningful with this pepper.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pepper.node.defaultChild ?? pepper).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The pepper keys the HMACs of live codes, link tokens, address and device keys stored in the table; an automatic rotation would silently invalidate every outstanding code and reset every rate-limit window. Only the functions can read it; operators rotate it deliberately in a quiet window (docs/deploy.md).',
    });

    this.pepper = pepper;

    const mailConfiguration = new ConfigurationSet(this, 'MailConfiguration', {
      reputationMetrics: true,
      // SES's own list too: a bounce or complaint stops mail even before our consumer has run.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.mailConfiguration = mailConfiguration;
    const identities = sesIdentities(this);
    if (identities.includes(PLACEHOLDER_SES_IDENTITY)) {
      Annotations.of(this).addWarningV2(
        'codegate:placeholder-ses-identity',
        `No sesIdentity context given: mail may only be sent as ${PLACEHOLDER_SES_IDENTITY}. Deploy with -c sesIdentity=<your verified domain> (see docs/deploy.md).`,
      );
    }

    const tier = monitoringTierOf(this);
    // Every context is read (and a bad one refused) before the first function is built: bundling 40 functions
    // takes the better part of a minute, and a typo must not cost that before its one-line error.
    const smsMonthlyBudgetUsd = smsBudgetOf(this);
    const alarmEmail = alarmEmailOf(this);
    const extraChannels = extraChannelsOf(this);
    const channelDailySpendUsd = channelDailySpendOf(this);
    // Detailed (per-route) API metrics bill as custom metrics while traffic flows: only the full tier reads them.
    const detailedMetrics = tier === 'full';
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.api = new HttpApi(this, 'Api', {
      description: 'Codegate: wire-compatible verification-code dialects and the native API',
      createDefaultStage: false,
    });
    const domain = customDomainOf(this);
    // -c waf=true: CloudFront + WAF in front (infra/edge.ts); a custom domain then goes on the distribution.
    const edgeOptions = edgeOptionsOf(this);
    const edge = edgeOptions
      ? new Edge(this, 'Edge', { ...edgeOptions, api: this.api, routes, domain })
      : undefined;
    const domainName =
      domain && !edge
        ? new DomainName(this, 'Domain', {
            domainName: domain.domainName,
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
          })
        : undefined;
    const throttles = stageThrottles(this, routes);
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // HTTP API stage throttles apply to each route on its own, never to the API as a whole: this is
      // every route's default ceiling; routes that declare a `throttle` get theirs below.
      throttle: throttles.defaultThrottle,
      detailedMetricsEnabled: detailedMetrics,
      ...(domainName ? { domainMapping: { domainName } } : {}),
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Route key, not path or query: query strings can carry addresses and codes (they never reach the logs).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const functions = new Map<string, ServiceFunction>();
    const routeSettings: Record<string, unknown> = {};
    const cfnStage = stage.node.defaultChild as CfnStage;
    for (const route of routes) {
      const id = constructId(route);
      const service = new ServiceFunction(this, id, {
        name: route.name,
        description: `${route.method} ${route.path}`,
        table: this.table,
        pepper,
        providers: {
          mail: route.access.mail ?? false,
          sms: route.access.sms ?? false,
          // WhatsApp and voice only where `-c channels=…` offers them (infra/messaging-grants.ts).
          whatsapp: (route.access.whatsapp ?? false) && extraChannels.whatsapp,
          voice: (route.access.voice ?? false) && extraChannels.voice,
          captcha: route.access.keys.some((family) => family.startsWith('CAPTCHA')),
          captchaImages: route.access.captchaImages ?? false,
        },
      });
      service.grantTable(this.table, route.access.table, route.access.keys);
      service.grantPepper(pepper);
      if (edge) service.grantEdgeSecret(edge.secret);
      if (route.access.mail) service.grantMail(identities, mailConfiguration);
      if (route.access.sms) service.grantSms();
      if (route.access.whatsapp && extraChannels.whatsapp) grantWhatsApp(service);
      if (route.access.voice && extraChannels.voice) grantVoice(service);

      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${id}Integration`, service.function, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
      });
      const cfnRoute = httpRoute?.node.defaultChild;
      if (!cfnRoute) throw new Error(`no API route was created for ${route.method} ${route.path}`);
      Validations.of(cfnRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Every Codegate dialect authenticates its callers itself, as the wire-compatible API it mimics does (API key, userDomain/clientId with HMAC signature, or tenant host), and answers failures in its own envelope; a gateway authorizer would reject with a foreign error shape and break wire compatibility.',
      });
      const throttle = throttles.routes.get(route.name);
      if (throttle) {
        routeSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: throttle.rateLimit,
          ThrottlingBurstLimit: throttle.burstLimit,
          DetailedMetricsEnabled: detailedMetrics,
        };
        // Route settings name route keys, which must exist before the stage that names them.
        cfnStage.node.addDependency(cfnRoute);
      }
      functions.set(route.name, service);
    }
    this.functions = functions;
    cfnStage.routeSettings = routeSettings;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      tier,
      accessLogs,
      api: this.api,
      routes,
      functions,
      table: this.table,
      smsMonthlyBudgetUsd,
      alarmEmail,
    });
    monitorChannelSpend(this.monitoring.facade, extraChannels, channelDailySpendUsd);
    if (tier === 'full') monitorExtraChannels(this.monitoring.facade, extraChannels);
    // The feedback loops (infra/feedback.ts), using the table, the pepper, mailConfiguration and monitoring above.
    const feedback = new Feedback(this, 'Feedback', {
      table: this.table,
      pepper,
      configurationSet: mailConfiguration,
      monitoring: this.monitoring,
    });
    const admin = new AdminPolicy(this, 'Admin', {
      table: this.table,
      pepper,
      alarmTopic: this.monitoring.alarmTopic,
    });
    addOutputs(this, {
      eventBusName: feedback.bus.eventBusName,
      apiUrl: stage.url,
      throttles,
      tier,
      edgeDomain: edge?.distribution.distributionDomainName,
      domain: domain && {
        name: domain.domainName,
        target: edge?.distribution.distributionDomainName ?? domainName?.regionalDomainName,
      },
      alarmTopicArn: this.monitoring.alarmTopic.topicArn,
      adminPolicyArn: admin.policy.managedPolicyArn,
      tableName: this.table.tableName,
    });
  }
}
