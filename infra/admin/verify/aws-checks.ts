// Deployment verifier, AWS-only checks: the pipe runs, the stage throttles are the route table's, the alarm
// topic takes CloudWatch's publish, and a temporary rule on the stack's bus to hear lifecycle events.
import { type ApiGatewayV2Client, GetStageCommand, type RouteSettings } from '@aws-sdk/client-apigatewayv2';
import {
  type CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { DescribePipeCommand, type PipesClient } from '@aws-sdk/client-pipes';
import {
  ConfirmSubscriptionCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_SOURCE } from '../../../lib/events/lifecycle.ts';
import { DEFAULT_THROTTLE, ROUTES, type Route, type Throttle } from '../../../lib/routes.ts';
import type { Wait } from './api-checks.ts';
import {
  createTemporaryQueue,
  parseJson,
  receiveBodies,
  resourcesOf,
  type StackFacts,
} from './aws-resources.ts';
import type { Cleanup } from './cleanup.ts';
import { type CheckResult, fail, pass } from './report.ts';

/** The pipe (table stream → enrichment → bus) is RUNNING; any other state is a FAIL with its reason. */
export async function checkPipe(pipes: PipesClient, stack: StackFacts): Promise<CheckResult> {
  const names = resourcesOf(stack, 'AWS::Pipes::Pipe');
  if (names.length === 0)
    return fail('pipe', 'the stack has no AWS::Pipes::Pipe: deploy the current infra/feedback.ts');
  const states: string[] = [];
  for (const name of names) {
    const pipe = await pipes.send(new DescribePipeCommand({ Name: name }));
    if (pipe.CurrentState !== 'RUNNING')
      return fail(
        'pipe',
        `${name} is ${pipe.CurrentState ?? 'in no state'} (desired ${pipe.DesiredState ?? '?'}${pipe.StateReason ? `: ${pipe.StateReason}` : ''}) — no lifecycle event reaches the bus; a STOPPED pipe restarts with \`aws pipes start-pipe --name ${name}\`, a *_FAILED one needs the reason fixed (role, stream, enrichment function) and a deploy`,
      );
    states.push(`${name} RUNNING`);
  }
  return pass('pipe', states.join(', '));
}

const throttleOf = (settings: RouteSettings | undefined) => ({
  rate: settings?.ThrottlingRateLimit,
  burst: settings?.ThrottlingBurstLimit,
});

/**
 * What the deployed stack declares for its stage: the `StageThrottles` output (route name → `rate/burst`, `-c
 * throttle:*` overrides included) over lib/routes.ts, or lib/routes.ts alone for a stack without that output.
 */
export function declaredThrottles(output: string | undefined): [readonly Route[], Throttle] {
  if (!output) return [ROUTES, DEFAULT_THROTTLE];
  const parsed = JSON.parse(output) as Record<string, string>;
  const throttleOf = (value: string | undefined): Throttle | undefined => {
    const [rate, burst] = (value ?? '').split('/').map(Number);
    return rate && burst ? { rateLimit: rate, burstLimit: burst } : undefined;
  };
  const routes = ROUTES.map((route) => ({ ...route, throttle: throttleOf(parsed[route.name]) }));
  return [routes, throttleOf(parsed.default) ?? DEFAULT_THROTTLE];
}

/**
 * The `$default` stage's throttles equal what the stack declares (lib/routes.ts and the deploy's overrides): the default route settings are DEFAULT_THROTTLE,
 * every route with a throttle has it under its route key, and no other route key has one.
 */
export async function checkStageThrottles(
  apigw: ApiGatewayV2Client,
  stack: StackFacts,
  routes: readonly Route[],
  defaultThrottle: Throttle,
): Promise<CheckResult> {
  const [apiId] = resourcesOf(stack, 'AWS::ApiGatewayV2::Api');
  if (!apiId) return fail('stage-throttles', 'the stack has no AWS::ApiGatewayV2::Api');
  const stage = await apigw.send(new GetStageCommand({ ApiId: apiId, StageName: '$default' }));
  const drift: string[] = [];
  const compare = (what: string, live: RouteSettings | undefined, want: Throttle) => {
    const got = throttleOf(live);
    if (got.rate !== want.rateLimit || got.burst !== want.burstLimit)
      drift.push(
        `${what}: live rate ${got.rate ?? 'none'}/burst ${got.burst ?? 'none'}, declared ${want.rateLimit}/${want.burstLimit}`,
      );
  };
  compare('default route settings', stage.DefaultRouteSettings, defaultThrottle);
  const declared = new Map(routes.map((route) => [`${route.method} ${route.path}`, route.throttle]));
  for (const [key, throttle] of declared) if (throttle) compare(key, stage.RouteSettings?.[key], throttle);
  for (const [key, settings] of Object.entries(stage.RouteSettings ?? {})) {
    const extra = throttleOf(settings);
    if (!declared.get(key) && (extra.rate !== undefined || extra.burst !== undefined))
      drift.push(
        `${key}: live rate ${extra.rate ?? 'none'}/burst ${extra.burst ?? 'none'}, declared none (the default applies)`,
      );
  }
  if (drift.length > 0)
    return fail(
      'stage-throttles',
      `${drift.length} throttle(s) differ from what the stack declares (its StageThrottles output, else lib/routes.ts) — someone changed the stage by hand, or the stack is older than the route table: deploy again from this checkout`,
      drift,
    );
  const own = [...declared.values()].filter(Boolean).length;
  return pass(
    'stage-throttles',
    `default ${defaultThrottle.rateLimit}/s burst ${defaultThrottle.burstLimit}, and ${own} route(s) with their own, as the stack declares`,
  );
}

/** The names a run gives what it creates: one random run id, one recognisable prefix. */
export interface RunNames {
  runId: string;
  /** `codegate-verifier-<runId>`: rules, queues and alarms start with it. */
  prefix: string;
}

/**
 * The alarm topic delivers what CloudWatch publishes: a verifier-owned alarm on a dummy metric notifies
 * the topic, a temporary queue subscribed to it receives the notification. Proves the topic policy lets
 * CloudWatch publish (a Deny-only policy does not) and that subscribers get the message.
 */
export async function checkAlarmTopic(
  clients: { cloudwatch: CloudWatchClient; sns: SNSClient; sqs: SQSClient },
  topicArn: string,
  names: RunNames,
  cleanup: Cleanup,
  wait: Wait & { longPollSeconds: number },
): Promise<CheckResult> {
  const { cloudwatch, sns, sqs } = clients;
  const queue = await createTemporaryQueue(
    sqs,
    `${names.prefix}-alarms`,
    { service: 'sns.amazonaws.com', sourceArn: topicArn },
    cleanup,
  );
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      ReturnSubscriptionArn: true,
    }),
  );
  if (SubscriptionArn)
    cleanup.add('alarm topic subscription', () => sns.send(new UnsubscribeCommand({ SubscriptionArn })));
  const alarmName = `${names.prefix}-alarm-topic-probe`;
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarmName,
      AlarmDescription:
        'Codegate deployment verifier: proves the alarm topic takes CloudWatch notifications. Safe to delete.',
      Namespace: 'Codegate/Verifier',
      MetricName: 'Probe',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [topicArn],
    }),
  );
  cleanup.add(`alarm ${alarmName}`, () =>
    cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [alarmName] })),
  );
  const setState = (StateValue: 'OK' | 'ALARM') =>
    cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: alarmName,
        StateValue,
        StateReason: 'deployment verifier probe',
      }),
    );
  await setState('ALARM');
  const started = wait.clock.now();
  do {
    for (const body of await receiveBodies(sqs, queue.url, wait.longPollSeconds)) {
      // SNS wraps what CloudWatch published: `Message` is the alarm's JSON.
      const envelope = parseJson(body) as { Type?: string; Message?: string; Token?: string } | undefined;
      if (envelope?.Type === 'SubscriptionConfirmation' && envelope.Token) {
        // A subscription SNS wants confirmed missed the first notification: confirm, then alarm afresh.
        await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: envelope.Token }));
        await setState('OK');
        await setState('ALARM');
        continue;
      }
      const alarm = parseJson(envelope?.Message ?? '') as
        | { AlarmName?: string; NewStateValue?: string }
        | undefined;
      if (
        envelope?.Type === 'Notification' &&
        alarm?.AlarmName === alarmName &&
        alarm.NewStateValue === 'ALARM'
      )
        return pass(
          'alarm-topic',
          `CloudWatch's ALARM notification reached a subscriber of the topic in ${Math.round((wait.clock.now() - started) / 1000)} s`,
        );
    }
  } while (wait.clock.now() - started < wait.timeoutMs);
  return fail(
    'alarm-topic',
    `no ALARM notification reached the topic's subscriber within ${Math.round(wait.timeoutMs / 1000)} s — the topic policy must Allow cloudwatch.amazonaws.com sns:Publish for this account's alarms (infra/monitoring.ts); compare it with the deployed policy (aws sns get-topic-attributes), and look for the probe alarm's failed actions in its history`,
  );
}

/** Where a run hears the lifecycle events of its tenant, once set up. */
export interface EventCapture {
  /** One long poll; the events (EventBridge delivers each event's JSON as the message body). */
  read(): Promise<unknown[]>;
}

/**
 * A temporary rule on the stack's bus matching `source: codegate` and the run's tenant, targeting a
 * temporary queue. Set up before the first send: a new rule takes a moment before it matches.
 */
export async function captureEvents(
  clients: { events: EventBridgeClient; sqs: SQSClient },
  busName: string,
  tenantId: string,
  names: RunNames,
  cleanup: Cleanup,
  longPollSeconds: number,
): Promise<EventCapture> {
  const { events, sqs } = clients;
  const rule = names.prefix;
  const { RuleArn } = await events.send(
    new PutRuleCommand({
      Name: rule,
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE], detail: { tenant: [tenantId] } }),
      State: 'ENABLED',
      Description: 'Codegate deployment verifier: lifecycle events of its temporary tenant. Safe to delete.',
    }),
  );
  cleanup.add(`rule ${rule}`, () =>
    events.send(new DeleteRuleCommand({ Name: rule, EventBusName: busName })),
  );
  if (!RuleArn) throw new Error('PutRule returned no RuleArn');
  const queue = await createTemporaryQueue(
    sqs,
    `${names.prefix}-events`,
    { service: 'events.amazonaws.com', sourceArn: RuleArn },
    cleanup,
  );
  const put = await events.send(
    new PutTargetsCommand({
      Rule: rule,
      EventBusName: busName,
      Targets: [{ Id: 'verifier-queue', Arn: queue.arn }],
    }),
  );
  cleanup.add(`rule ${rule}'s target`, () =>
    events.send(new RemoveTargetsCommand({ Rule: rule, EventBusName: busName, Ids: ['verifier-queue'] })),
  );
  if ((put.FailedEntryCount ?? 0) > 0)
    throw new Error(`PutTargets failed: ${put.FailedEntries?.[0]?.ErrorMessage ?? 'unknown'}`);
  return {
    read: async () => (await receiveBodies(sqs, queue.url, longPollSeconds)).map(parseJson).filter(Boolean),
  };
}
