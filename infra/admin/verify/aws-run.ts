// Deployment verifier, AWS mode: the order of the checks against a live stack, the temporary tenant and
// listeners they share, and what each needs before it can run (a SKIP with the reason when it is missing).
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { PipesClient } from '@aws-sdk/client-pipes';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { maskEmail, maskPhone } from '../../../lib/mask.ts';
import { checkAlarmMetrics, checkAlarms, listStackAlarms } from './alarm-checks.ts';
import {
  checkCredential,
  checkSendWithCustomCode,
  checkSuppressionLoop,
  SIMULATOR,
  type Wait,
} from './api-checks.ts';
import type { ApiTarget } from './api-client.ts';
import {
  captureEvents,
  checkAlarmTopic,
  checkPipe,
  checkStageThrottles,
  declaredThrottles,
  type EventCapture,
  type RunNames,
} from './aws-checks.ts';
import { checkStack, readStack, type StackFacts } from './aws-resources.ts';
import { CALL_CHECKS, runCallChecks } from './call-checks.ts';
import type { Cleanup } from './cleanup.ts';
import { checkLifecycleEvents } from './events-check.ts';
import { type CheckResult, type Clock, describeError, fail, type Report, settle, skip } from './report.ts';
import {
  buildTemporaryTenant,
  type CallSettings,
  deleteTenantItem,
  describeItem,
  readStackPepper,
  removeSuppression,
  writeTemporaryTenant,
} from './temporary-tenant.ts';
import { checkWhatsAppEvents } from './whatsapp-checks.ts';

/** Every SDK client a run uses, created once by the command (tests pass mocked ones). */
export interface AwsClients {
  cfn: CloudFormationClient;
  cloudwatch: CloudWatchClient;
  events: EventBridgeClient;
  sqs: SQSClient;
  apigw: ApiGatewayV2Client;
  pipes: PipesClient;
  sns: SNSClient;
  secrets: SecretsManagerClient;
  social: SocialMessagingClient;
  smsVoice: PinpointSMSVoiceV2Client;
  db: DynamoDBDocumentClient;
}

/** Which stack, the mail sender, the names and the bounded waits of one AWS run. */
export interface AwsOptions {
  stackName: string;
  /** The temporary tenant's mail sender, on a verified SES identity; without it no mail check runs. */
  from?: string;
  /** `--call`: the operator's number and the voice origination identity; without it no call is placed. */
  call?: CallSettings;
  clock: Clock;
  names: RunNames;
  timeouts: {
    credentialMs: number;
    suppressionMs: number;
    eventsMs: number;
    alarmMs: number;
    /** How long the call loop waits for the call's outcome to suppress the number. */
    callMs: number;
  };
  pollMs: number;
  /** SQS long poll per receive (20 at most). */
  longPollSeconds: number;
}

/** Every check after `stack`, in the order they print. */
export const AWS_CHECKS = [
  'pipe',
  'stage-throttles',
  'alarms',
  'whatsapp-events',
  'credential',
  'send-check',
  'suppression-bounce',
  'suppression-complaint',
  'lifecycle-events',
  ...CALL_CHECKS,
  'alarm-topic',
  'alarm-metrics',
] as const;

const MAIL_CHECKS = [
  'send-check',
  'suppression-bounce',
  'suppression-complaint',
  'lifecycle-events',
] as const;

/** The sender the tenant is written with when no --from is given: it never sends. */
const NO_SENDER = 'no-reply@verifier.invalid';

/** The address part of `Name <address>` (or the whole value). */
const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;

/** Runs every AWS check against the stack; what it creates is registered in `cleanup` (run by the caller). */
export async function runAwsChecks(
  report: Report,
  clients: AwsClients,
  options: AwsOptions,
  cleanup: Cleanup,
): Promise<void> {
  let stack: StackFacts | undefined;
  const stackLine = await report.run(
    'stack',
    'are the credentials and --region those of the stack?',
    async () => {
      stack = await readStack(clients.cfn, options.stackName);
      return checkStack(stack);
    },
  );
  if (!stack || stackLine.status !== 'PASS') {
    for (const check of AWS_CHECKS) report.add(skip(check, 'needs a readable, settled stack (see stack)'));
    return;
  }
  const facts = stack;
  const outputs = facts.outputs as Record<'ApiUrl' | 'TableName' | 'AlarmTopicArn' | 'EventBusName', string>;
  const wait = (timeoutMs: number): Wait => ({ clock: options.clock, timeoutMs, pollMs: options.pollMs });
  const temporary = buildTemporaryTenant(options.from ?? NO_SENDER, Date.now(), options.call);
  const tenantId = temporary.tenant.id;
  report.protect(temporary.apiKey);
  report.protect(temporary.twilio.authToken);
  if (options.from) report.protect(addressOf(options.from), maskEmail(addressOf(options.from)));
  if (options.call) report.protect(options.call.to, maskPhone(options.call.to));

  // The listener first: a new rule takes a moment before it matches, and the static checks give it that.
  let capture: EventCapture | undefined;
  let captureProblem = '';
  try {
    capture = await captureEvents(
      clients,
      outputs.EventBusName,
      tenantId,
      options.names,
      cleanup,
      options.longPollSeconds,
    );
  } catch (error) {
    captureProblem = describeError(error);
  }

  await report.run('pipe', 'the verifier needs pipes:DescribePipe', () => checkPipe(clients.pipes, facts));
  await report.run('stage-throttles', 'the verifier needs apigateway:GET on the API', () =>
    checkStageThrottles(clients.apigw, facts, ...declaredThrottles(facts.outputs.StageThrottles)),
  );
  let alarms: MetricAlarm[] = [];
  await report.run('alarms', 'the verifier needs cloudwatch:DescribeAlarms', async () => {
    alarms = await listStackAlarms(clients.cloudwatch, facts);
    return checkAlarms(facts, alarms, outputs.AlarmTopicArn);
  });
  await report.run(
    'whatsapp-events',
    'the verifier needs social-messaging:ListLinkedWhatsAppBusinessAccounts',
    () => checkWhatsAppEvents(clients.social, facts),
  );

  const target: ApiTarget = { baseUrl: outputs.ApiUrl, apiKey: temporary.apiKey, twilio: temporary.twilio };
  // Read once, when a loop first needs it: the suppression items a run causes are named by the pepper.
  let pepperRead: Promise<Buffer | Error> | undefined;
  const pepper = () => {
    pepperRead ??= readStackPepper(clients.secrets, facts);
    return pepperRead;
  };
  const { db } = clients;
  const credential = await report.run(
    'credential',
    `the verifier writes its temporary tenant into ${outputs.TableName}: it needs dynamodb:PutItem and DeleteItem there`,
    async () => {
      await writeTemporaryTenant(db, outputs.TableName, temporary, (item) =>
        cleanup.add(describeItem(item), () => deleteTenantItem(db, outputs.TableName, item)),
      );
      return checkCredential(
        target,
        wait(options.timeouts.credentialMs),
        `temporary tenant ${tenantId}'s API key and Twilio account`,
        `its items are in ${outputs.TableName}; does the API (ApiUrl output) belong to this stack and reach that table?`,
      );
    },
  );

  if (!options.from) {
    for (const check of MAIL_CHECKS)
      report.add(
        skip(
          check,
          '--from <address> not given: the temporary tenant needs a sender on a verified SES identity of the stack (its sesIdentity context) to send any mail',
        ),
      );
  } else if (credential.status !== 'PASS') {
    for (const check of MAIL_CHECKS)
      report.add(skip(check, 'needs the temporary tenant the API accepts (see credential)'));
  } else {
    await report.run('send-check', 'is the API URL reachable from here?', () =>
      checkSendWithCustomCode(target, SIMULATOR.success, report.protect.bind(report)),
    );
    for (const line of await suppressionLoops(clients, facts, target, options, cleanup, await pepper()))
      report.add(line);
    await report.run('lifecycle-events', 'the verifier needs sqs:ReceiveMessage on its queue', async () =>
      capture
        ? checkLifecycleEvents(
            capture.read,
            { tenant: tenantId },
            wait(options.timeouts.eventsMs),
            "a temporary rule on the stack's bus",
          )
        : fail(
            'lifecycle-events',
            `could not set up the temporary rule and queue (${captureProblem}): the verifier needs events:PutRule, PutTargets, RemoveTargets, DeleteRule on the bus and sqs:CreateQueue, SetQueueAttributes, DeleteQueue`,
          ),
    );
  }

  await runCallChecks(report, options.call, credential.status === 'PASS', {
    clients,
    tableName: outputs.TableName,
    stack: facts,
    target,
    tenant: temporary.tenant,
    pepper,
    wait: wait(options.timeouts.callMs),
    cleanup,
  });

  await report.run(
    'alarm-topic',
    'the verifier needs cloudwatch:PutMetricAlarm/SetAlarmState/DeleteAlarms, sns:Subscribe/Unsubscribe and the SQS queue actions',
    () =>
      checkAlarmTopic(clients, outputs.AlarmTopicArn, options.names, cleanup, {
        ...wait(options.timeouts.alarmMs),
        longPollSeconds: options.longPollSeconds,
      }),
  );
  if (alarms.length === 0) report.add(skip('alarm-metrics', 'no alarms were read (see alarms)'));
  else
    await report.run('alarm-metrics', 'the verifier needs cloudwatch:ListMetrics', () =>
      checkAlarmMetrics(clients.cloudwatch, alarms),
    );
}

/**
 * Both simulator loops side by side. Each first lifts a leftover suppression of its address (nobody's
 * mailbox: it can only be an earlier run's) and registers the lifting of the one it causes.
 */
async function suppressionLoops(
  clients: AwsClients,
  stack: StackFacts,
  target: ApiTarget,
  options: AwsOptions,
  cleanup: Cleanup,
  pepper: Buffer | Error,
): Promise<CheckResult[]> {
  const kinds = ['bounce', 'complaint'] as const;
  if (pepper instanceof Error) {
    const why = `cannot read the pepper (${pepper.message}), so the suppression this loop causes could not be lifted afterwards: grant the verifier secretsmanager:GetSecretValue on the stack's Pepper secret`;
    return kinds.map((kind) => skip(`suppression-${kind}`, why));
  }
  const table = stack.outputs.TableName ?? '';
  const wait = { clock: options.clock, timeoutMs: options.timeouts.suppressionMs, pollMs: options.pollMs };
  return Promise.all(
    kinds.map((kind) =>
      settle(
        `suppression-${kind}`,
        'is the API URL reachable, and may the verifier use the table?',
        async () => {
          const address = SIMULATOR[kind];
          const leftover = await removeSuppression(clients.db, table, pepper, address);
          cleanup.add(`suppression of ${maskEmail(address)}`, () =>
            removeSuppression(clients.db, table, pepper, address),
          );
          const result = await checkSuppressionLoop(target, kind, wait, 'fail');
          return leftover
            ? {
                ...result,
                detail: `${result.detail} (an earlier run's leftover suppression was lifted first)`,
              }
            : result;
        },
      ),
    ),
  );
}
