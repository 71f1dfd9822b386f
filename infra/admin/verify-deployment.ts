// Admin command: proves a deployed stack (or the local runtime) end to end — one line per check, exit 1 on any FAIL.
//   npm run verify:deployment -- --stack <name> [--region <r>] [--from <address>] [--call <number> --call-from <id>]
//                               | --local <url> [--api-key <key>]
import { parseArgs } from 'node:util';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PipesClient } from '@aws-sdk/client-pipes';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parsePhone } from '../../lib/address.ts';
import { randomHex } from '../../lib/crypto.ts';
import { maskPhone } from '../../lib/mask.ts';
import { voiceSchema } from '../../lib/tenants/schema-channels.ts';
import { type AwsClients, runAwsChecks } from './verify/aws-run.ts';
import { Cleanup } from './verify/cleanup.ts';
import { runLocalChecks } from './verify/local-checks.ts';
import { Report, systemClock } from './verify/report.ts';
import type { CallSettings } from './verify/temporary-tenant.ts';

/** The `--help` text: both modes. */
export const USAGE = `usage: npm run verify:deployment -- --stack <name> [--region <region>] [--from <address>]
                                 [--call <your mobile number> --call-from <origination identity>]
       npm run verify:deployment -- --local <url> [--api-key <key>]

Proves a Codegate deployment end to end and prints one line per check: PASS, FAIL (why, and what to do),
SKIP (why) or WARN. Exits 1 if any check FAILs. Prints no API key, token, code, pepper or full address.

AWS mode (--stack), run right after \`cdk deploy\` with the deploying credentials:
  --stack <name>     the CloudFormation stack (the stackName context; Codegate by default)
  --region <region>  the stack's region (otherwise the SDK's: AWS_REGION, the profile)
  --from <address>   a sender on a verified SES identity of the stack; without it the mail checks
                     (send-check, suppression, lifecycle-events) SKIP
  --call <number>    your own mobile number (E.164): the run places one real call to it (a code read
                     aloud) — with voicemail off, decline it or let it ring out, and the call loop (call-send,
                     call-suppression) proves that the call's outcome reaches the suppression list.
                     Needs a stack deployed with -c channels=voice; without --call the loop SKIPs
  --call-from <id>   the voice-capable origination identity to call from (E.164, phone-…, pool-…, ARN)
  It writes a temporary tenant (verifier-…) into the stack's table, sends to SES's mailbox simulator,
  listens on the stack's bus and alarm topic with temporary rules, queues, a subscription and an
  alarm (codegate-verifier-…), and removes all of it at the end, also when a check fails.

Local mode (--local), against \`npm start\`:
  --local <url>      the local runtime's address (npm start prints it)
  --api-key <key>    a native API key of one of its tenants (default demo-api-key)
  Runs what has a local stand-in (send and check through the outbox, the mailbox simulator,
  /_local/events) and SKIPs the AWS-only checks, saying why.

  --help             this text

Details: docs/verify-deployment.md`;

/** A refusal of the command line: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** What the command line asks for. */
export type VerifyRequest =
  | { mode: 'help' }
  | { mode: 'aws'; stackName: string; region?: string; from?: string; call?: CallSettings }
  | { mode: 'local'; url: string; apiKey: string };

/** Parses the command line; throws UsageError for anything it cannot run. */
export function parseVerifyArgs(argv: string[]): VerifyRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        stack: { type: 'string' },
        region: { type: 'string' },
        from: { type: 'string' },
        call: { type: 'string' },
        'call-from': { type: 'string' },
        local: { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (values.help) return { mode: 'help' };
  const stackName = text('stack');
  const local = text('local');
  if (stackName && local) throw new UsageError('give either --stack or --local, not both');
  if (local) {
    if (text('region') || text('from') || text('call') || text('call-from'))
      throw new UsageError('--region, --from, --call and --call-from are for --stack only');
    if (!/^https?:\/\/[^\s/]+/.test(local))
      throw new UsageError(`--local must be the runtime's http(s) URL, got "${local}"`);
    return { mode: 'local', url: local, apiKey: text('api-key') ?? 'demo-api-key' };
  }
  if (!stackName) throw new UsageError('missing --stack <name> (or --local <url>); --help explains both');
  if (text('api-key'))
    throw new UsageError('--api-key is for --local only (AWS mode makes its own credential)');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName))
    throw new UsageError(`--stack must be a stack name, got "${stackName}"`);
  const from = text('from');
  if (from !== undefined && !/^[^@\s<>]+@[^@\s<>]+$/.test(from.replace(/^.*<([^>]+)>$/, '$1')))
    throw new UsageError('--from must be an email address (or "Name <address>")');
  return {
    mode: 'aws',
    stackName,
    region: text('region'),
    from,
    call: callOf(text('call'), text('call-from')),
  };
}

/** A refused `--call` as the user typed it, masked: its digits, with the leading + only if it had one. */
function shownAs(to: string): string {
  const masked = maskPhone(`+${to.replace(/\D/g, '')}`);
  return to.trim().startsWith('+') ? masked : masked.slice(1);
}

/** `--call` and `--call-from`, both or neither: the number to call (a valid mobile number) and who calls. */
function callOf(to: string | undefined, from: string | undefined): CallSettings | undefined {
  if (to === undefined && from === undefined) return undefined;
  if (to === undefined || from === undefined)
    throw new UsageError(
      '--call and --call-from go together: the number to call and the identity to call from',
    );
  const phone = parsePhone(to);
  if (!phone?.country)
    throw new UsageError(
      `--call must be a mobile number in E.164 ("+14155550123"), got "${shownAs(to)}": calls reach mobile numbers only`,
    );
  const identity = voiceSchema.shape.originationIdentity.safeParse(from);
  if (!identity.success)
    throw new UsageError(
      `--call-from ${identity.error.issues[0]?.message ?? 'is not an origination identity'}`,
    );
  return { to: phone.e164, country: phone.country, originationIdentity: identity.data };
}

/** One client of each kind for the run, in the stack's region. */
export function createAwsClients(region?: string): AwsClients {
  const config = region ? { region } : {};
  return {
    cfn: new CloudFormationClient(config),
    cloudwatch: new CloudWatchClient(config),
    events: new EventBridgeClient(config),
    sqs: new SQSClient(config),
    apigw: new ApiGatewayV2Client(config),
    pipes: new PipesClient(config),
    sns: new SNSClient(config),
    secrets: new SecretsManagerClient(config),
    social: new SocialMessagingClient(config),
    smsVoice: new PinpointSMSVoiceV2Client(config),
    db: DynamoDBDocumentClient.from(new DynamoDBClient(config), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  };
}

/** Runs the command; returns the exit code. Lines go to `write` as each check completes. */
export async function verifyDeployment(argv: string[], write: (line: string) => void): Promise<number> {
  const request = parseVerifyArgs(argv);
  if (request.mode === 'help') {
    write(USAGE);
    return 0;
  }
  const report = new Report(write);
  if (request.mode === 'local') {
    await runLocalChecks(report, {
      baseUrl: request.url,
      apiKey: request.apiKey,
      clock: systemClock,
      suppressionTimeoutMs: 30_000,
      pollMs: 500,
    });
    return report.exitCode();
  }
  const clients = createAwsClients(request.region);
  const cleanup = new Cleanup();
  const runId = randomHex(4);
  // Ctrl-C mid-run still removes what was created; a second Ctrl-C leaves at once.
  const interrupted = () => {
    write('interrupted: cleaning up what this run created (Ctrl-C again to leave it)');
    process.once('SIGINT', () => process.exit(130));
    void cleanup.run().then(() => {
      report.add(cleanup.result());
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  try {
    await runAwsChecks(
      report,
      clients,
      {
        stackName: request.stackName,
        from: request.from,
        call: request.call,
        clock: systemClock,
        names: { runId, prefix: `codegate-verifier-${runId}` },
        timeouts: {
          credentialMs: 75_000,
          suppressionMs: 180_000,
          eventsMs: 120_000,
          alarmMs: 120_000,
          callMs: 300_000,
        },
        pollMs: 5_000,
        longPollSeconds: 10,
      },
      cleanup,
    );
  } finally {
    process.removeListener('SIGINT', interrupted);
    await cleanup.run();
    report.add(cleanup.result());
  }
  return report.exitCode();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  verifyDeployment(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`verify:deployment: ${message.split('\n')[0]}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
