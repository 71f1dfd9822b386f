// Infra: the one house Lambda construct (runtime, arm64, bundling, logs) and its least-privilege grants.
import { spawnSync } from 'node:child_process';
import { AssetHashType, DockerImage, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { TableAction } from '../lib/routes.ts';
import type { KeyFamily } from '../lib/store/table.ts';
import { type FunctionBuild, LAUNCH_WRAPPER, PROJECT_ROOT } from './bundling.ts';

export { PROJECT_ROOT };

/** Every SNS resource ARN (topics, platform applications and endpoints) in any region and account. */
export const SNS_ANY_ARN = 'arn:aws:sns:*:*:*';

/** The Node.js runtime every function runs on (what the suites run against). */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/** `sourceMaps` context (`npm run stack` sets it): build each bundle with a linked source map beside it. */
export function sourceMaps(scope: Construct): boolean {
  return String(scope.node.tryGetContext('sourceMaps') ?? '').trim() === 'true';
}

export interface ServiceFunctionProps {
  /** File under `functions/` without `.ts` (a route's `name`). */
  name: string;
  /** Shown in the console; e.g. the route key. */
  description: string;
  /** The single table; its name becomes `TABLE_NAME` (access is granted separately by `grantTable`). */
  table: ITable;
  /** The pepper; only its ARN reaches the environment, the function reads the value at cold start. */
  pepper: ISecret;
  /** Extra environment (never a secret value). */
  environment?: Record<string, string>;
  /**
   * The providers the function may use (its route's `access`). They are fixed at bundle time, so
   * esbuild leaves out the SES client, the SNS client or the captcha drawing where they are not used.
   */
  providers: {
    mail: boolean;
    sms: boolean;
    whatsapp?: boolean;
    voice?: boolean;
    /** The EIAM captcha's service and store (its challenge and pass items): only the captcha and EIAM send routes. */
    captcha?: boolean;
    captchaImages: boolean;
  };
}

/**
 * One endpoint's Lambda: Node.js 22 on arm64, 256 MB, 10 s, bundled by infra/bundling.ts (local esbuild, minified ESM,
 * AWS SDK inside the bundle, no source map), started through the launch wrapper (a 4 MB semi-space
 * instead of the runtime's 16), a one-month log group and an own role that starts with nothing but
 * writing to that log group. Everything else is granted explicitly.
 *
 * No source map is deployed and `--enable-source-maps` is not set: Node reads and parses a linked map
 * at every cold start (about 6 MB and 10% more load time for these bundles, `npm run bench`). Stack
 * traces in the logs are mapped offline by `npm run stack`, which synthesizes with the `sourceMaps`
 * context: esbuild then writes the same code plus a map beside it.
 */
export class ServiceFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to any log group.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Codegate ${props.name}: least privilege for one endpoint`,
    });
    this.role = role;
    this.logGroup.grantWrite(role);

    this.function = new LambdaFunction(this, 'Function', {
      description: props.description,
      code: bundledCode(this, props),
      handler: 'index.handler',
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup: this.logGroup,
      environment: {
        AWS_LAMBDA_EXEC_WRAPPER: `${LAUNCH_WRAPPER.task}${LAUNCH_WRAPPER.file}`,
        TABLE_NAME: props.table.tableName,
        PEPPER_SECRET_ARN: props.pepper.secretArn,
        POWERTOOLS_SERVICE_NAME: 'codegate',
        ...props.environment,
      },
    });

    // Node.js 22 is the runtime the code and the suites target; cdk-nag wants the newest family.
    Validations.of(this.function.node.defaultChild ?? this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The functions are pinned to the Node.js 22 runtime (the version the code and tests target); moving to a newer runtime is a deliberate, tested upgrade, not an automatic one.',
    });
  }

  /**
   * Grants exactly these DynamoDB actions on the table itself (no indexes, no streams, no wildcards), and only on
   * items whose partition key is of one of these families: `dynamodb:LeadingKeys` is the partition key of every
   * item an action names (each item of a transaction, a Query's key condition), so a function can neither read
   * nor rewrite another family's items — the captcha function cannot touch a tenant's config.
   */
  grantTable(table: ITable, actions: readonly TableAction[], families: readonly KeyFamily[]): void {
    if (actions.length === 0) return;
    if (families.length === 0)
      throw new Error(`${this.node.path}: table actions need the key families they touch`);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...actions],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': families.map((family) => `${family}#*`) },
        },
      }),
    );
  }

  /**
   * Grants reading the pepper secret: GetSecretValue on that secret only. Not `secret.grantRead`,
   * which adds DescribeSecret that no code path calls (test/grants.test.ts compares).
   */
  grantPepper(secret: ISecret): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
  }

  /**
   * With `-c waf=true`: tells the function the edge secret (`EDGE_SECRET_ARN`, read at cold start beside the pepper)
   * and grants GetSecretValue on that secret only.
   */
  grantEdgeSecret(secret: ISecret): void {
    this.grantPepper(secret);
    this.function.addEnvironment('EDGE_SECRET_ARN', secret.secretArn);
  }

  /**
   * Grants `ses:SendEmail` (the only SES call the mailer makes) for the given verified identities, only together
   * with this configuration set (SES authorizes both the identity and the set of a send).
   * Also tells the function the configuration set's name.
   */
  grantMail(identities: readonly string[], configurationSet: IConfigurationSet): void {
    const stack = Stack.of(this);
    const resources = [
      ...identities.map((identity) =>
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
      ),
      stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: configurationSet.configurationSetName,
      }),
    ];
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources }));
    this.function.addEnvironment('SES_CONFIGURATION_SET', configurationSet.configurationSetName);
  }

  /**
   * Grants `sns:Publish` to phone numbers only. A phone number has no ARN, so SMS publishing is
   * authorized against Resource `*`; the explicit Deny on every SNS ARN (`arn:aws:sns:*:*:*`: topics
   * and mobile-push endpoints, in any account) takes away what that `*` would otherwise allow, and an
   * explicit Deny wins over any Allow.
   */
  grantSms(): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['sns:Publish'],
        resources: [SNS_ANY_ARN],
      }),
    );
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:Publish to a phone number (SMS) is authorized only against Resource "*": SNS has no ARN or condition key for a phone number. An explicit Deny on arn:aws:sns:*:*:* in the same policy removes every topic and endpoint from it, so only SMS remains; only SMS-sending routes get it.',
    });
  }
}

/** The provider switches a function is built with: esbuild leaves out the code behind each one that is off. */
function providerDefines(providers: ServiceFunctionProps['providers']): Record<string, string> {
  const on = (value: boolean | undefined) => JSON.stringify(String(value ?? false));
  return {
    'process.env.CODEGATE_MAIL': on(providers.mail),
    'process.env.CODEGATE_SMS': on(providers.sms),
    'process.env.CODEGATE_WHATSAPP': on(providers.whatsapp),
    'process.env.CODEGATE_VOICE': on(providers.voice),
    'process.env.CODEGATE_CAPTCHA': on(providers.captcha),
    'process.env.CODEGATE_CAPTCHA_IMAGES': on(providers.captchaImages),
  };
}

/**
 * The function's code: bundled locally by infra/bundling.ts, run in a child process under tsx (esbuild's plugins need
 * its asynchronous API; CDK's local bundling is synchronous), hashed by its output as NodejsFunction hashes. There
 * is no Docker fallback: a failed build stops the synth, naming the function and esbuild's message.
 */
function bundledCode(scope: Construct, props: ServiceFunctionProps): Code {
  const job: Omit<FunctionBuild, 'outfile'> = {
    entry: `${PROJECT_ROOT}functions/${props.name}.ts`,
    define: providerDefines(props.providers),
    sourceMap: sourceMaps(scope),
  };
  // The command is also the asset cache's key (CDK keys bundled assets by their bundling options): one per build.
  const args = ['--import', 'tsx', `${PROJECT_ROOT}infra/bundling.ts`];
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: local bundling always answers.
      image: DockerImage.fromRegistry('codegate-bundles-locally'),
      command: ['node', ...args, JSON.stringify(job)],
      local: {
        tryBundle(outdir) {
          const run = spawnSync(process.execPath, [...args, JSON.stringify({ ...job, outdir })], {
            cwd: PROJECT_ROOT,
            encoding: 'utf8',
          });
          if (run.status !== 0)
            throw new Error(`bundling ${props.name} failed:\n${run.stderr || run.error?.message}`);
          return true;
        },
      },
    },
  });
}
