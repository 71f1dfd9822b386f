// Infra: the deployed service — table, pepper, mail configuration, HTTP API and one Lambda per route.
import { Annotations, CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { ROUTES, type Route } from '../lib/routes.ts';
import { TABLE } from '../lib/store/table.ts';
import { Feedback } from './feedback.ts';
import { ServiceFunction } from './service-function.ts';

/** The SES identity used when no `sesIdentity` context is given; deploys, but cannot send. */
export const PLACEHOLDER_SES_IDENTITY = 'example.com';

/** Default stage throttling: a ceiling for the whole API; per-tenant limits live in the engine. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** Turns a route's function name into a construct id: `native-send` → `NativeSend`. */
const constructId = (route: Route): string =>
  route.name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** `sesIdentity` context: one or more verified SES identities (domains or addresses), comma-separated. */
function sesIdentities(scope: Construct): string[] {
  const raw: unknown = scope.node.tryGetContext('sesIdentity');
  const value = typeof raw === 'string' && raw.trim() !== '' ? raw : PLACEHOLDER_SES_IDENTITY;
  return value
    .split(',')
    .map((identity) => identity.trim())
    .filter((identity) => identity !== '');
}

/**
 * Codegate's stack. Env-agnostic (no lookups), so `cdk synth` works offline with no account; no
 * physical names are hard-coded, so several copies can live in one account.
 */
export class CodegateStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly functions: ReadonlyMap<string, ServiceFunction>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Tenants and live verifications must survive a mistaken `cdk destroy`.
      removalPolicy: RemovalPolicy.RETAIN,
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

    const mailConfiguration = new ConfigurationSet(this, 'MailConfiguration', {
      reputationMetrics: true,
      // SES's own list too: a bounce or complaint stops mail even before our consumer has run.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const identities = sesIdentities(this);
    if (identities.includes(PLACEHOLDER_SES_IDENTITY)) {
      Annotations.of(this).addWarningV2(
        'codegate:placeholder-ses-identity',
        `No sesIdentity context given: mail may only be sent as ${PLACEHOLDER_SES_IDENTITY}. Deploy with -c sesIdentity=<your verified domain> (see docs/deploy.md).`,
      );
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.api = new HttpApi(this, 'Api', {
      description: 'Codegate: wire-compatible verification-code dialects and the native API',
      createDefaultStage: false,
    });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
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
    for (const route of ROUTES) {
      const id = constructId(route);
      const service = new ServiceFunction(this, id, {
        name: route.name,
        description: `${route.method} ${route.path}`,
        table: this.table,
        pepper,
        providers: {
          mail: route.access.mail ?? false,
          sms: route.access.sms ?? false,
          captchaImages: route.access.captchaImages ?? false,
        },
      });
      service.grantTable(this.table, route.access.table);
      service.grantPepper(pepper);
      if (route.access.mail) service.grantMail(identities, mailConfiguration);
      if (route.access.sms) service.grantSms();

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
      functions.set(route.name, service);
    }
    this.functions = functions;
    const feedback = new Feedback(this, 'Feedback', { table: this.table, pepper, configurationSet: mailConfiguration });
    new CfnOutput(this, 'EventBusName', {
      value: feedback.bus.eventBusName,
      description: 'Lifecycle events (docs/events.md): put your rules on this bus',
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the Codegate API' });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'The DynamoDB table (load tenants into it with npm run tenants:load)',
    });
  }
}
