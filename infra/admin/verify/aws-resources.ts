// Deployment verifier: reading the live stack (outputs, tags, resources) and the temporary SQS queues it
// listens with — each with the one queue-policy statement its AWS sender needs, and registered for cleanup.
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Cleanup } from './cleanup.ts';
import { type CheckResult, fail, pass } from './report.ts';

/** One resource of the stack, as ListStackResources names it. */
export interface StackResource {
  type: string;
  logicalId: string;
  physicalId: string;
}

/** What the verifier reads of the stack once, up front. */
export interface StackFacts {
  name: string;
  status: string;
  outputs: Record<string, string>;
  tags: Record<string, string>;
  resources: StackResource[];
}

/** The outputs the checks need (infra/stack.ts). */
export const REQUIRED_OUTPUTS = ['ApiUrl', 'TableName', 'AlarmTopicArn', 'EventBusName'] as const;

/**
 * Reads the stack's status, outputs and tags, and every resource. ListStackResources pages through them
 * all; DescribeStackResources would stop at 100, fewer than a Codegate stack has.
 */
export async function readStack(cfn: CloudFormationClient, stackName: string): Promise<StackFacts> {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = Stacks?.[0];
  if (!stack) throw new Error(`no stack named ${stackName}`);
  const resources: StackResource[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
    for (const summary of page.StackResourceSummaries ?? [])
      resources.push({
        type: summary.ResourceType ?? '',
        logicalId: summary.LogicalResourceId ?? '',
        physicalId: summary.PhysicalResourceId ?? '',
      });
    token = page.NextToken;
  } while (token);
  const pairs = <T>(
    list: T[] | undefined,
    key: (t: T) => string | undefined,
    value: (t: T) => string | undefined,
  ) => Object.fromEntries((list ?? []).map((entry) => [key(entry) ?? '', value(entry) ?? '']));
  return {
    name: stack.StackName ?? stackName,
    status: stack.StackStatus ?? 'UNKNOWN',
    outputs: pairs(
      stack.Outputs,
      (o) => o.OutputKey,
      (o) => o.OutputValue,
    ),
    tags: pairs(
      stack.Tags,
      (t) => t.Key,
      (t) => t.Value,
    ),
    resources,
  };
}

/** The physical ids of the stack's resources of one CloudFormation type. */
export function resourcesOf(stack: StackFacts, type: string): string[] {
  return stack.resources.filter((resource) => resource.type === type).map((resource) => resource.physicalId);
}

/** The stack is settled (a *_COMPLETE status that is not a rollback's) and has every output the checks need. */
export function checkStack(stack: StackFacts): CheckResult {
  const missing = REQUIRED_OUTPUTS.filter((key) => !stack.outputs[key]);
  const settled = /_COMPLETE$/.test(stack.status) && !/ROLLBACK|DELETE/.test(stack.status);
  if (!settled)
    return fail(
      'stack',
      `${stack.name} is ${stack.status}: wait for the deploy to finish, or read the stack events for the failed resource and deploy again`,
    );
  if (missing.length > 0)
    return fail(
      'stack',
      `${stack.name} lacks the output(s) ${missing.join(', ')}: deploy the current infra/stack.ts`,
    );
  return pass(
    'stack',
    `${stack.name} ${stack.status}, ${stack.resources.length} resources, outputs ${REQUIRED_OUTPUTS.join(', ')}`,
  );
}

/** A queue the verifier created: where to receive, and its ARN for a subscription or rule target. */
export interface TemporaryQueue {
  url: string;
  arn: string;
}

/**
 * Creates a queue `name` (SQS-managed encryption, messages kept an hour) that `service` may send to for
 * `sourceArn` only, and registers its deletion before anything else can fail.
 */
export async function createTemporaryQueue(
  sqs: SQSClient,
  name: string,
  sender: { service: 'events.amazonaws.com' | 'sns.amazonaws.com'; sourceArn: string },
  cleanup: Cleanup,
): Promise<TemporaryQueue> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { MessageRetentionPeriod: '3600', SqsManagedSseEnabled: 'true' },
      tags: { 'codegate:verifier': 'true' },
    }),
  );
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  cleanup.add(`queue ${name}`, () => sqs.send(new DeleteQueueCommand({ QueueUrl })));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes ${name} returned no QueueArn`);
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'VerifierSender',
        Effect: 'Allow',
        Principal: { Service: sender.service },
        Action: 'sqs:SendMessage',
        Resource: arn,
        Condition: { ArnEquals: { 'aws:SourceArn': sender.sourceArn } },
      },
    ],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  return { url: QueueUrl, arn };
}

/**
 * One long poll of a queue (up to `waitSeconds`); the message bodies. Received messages stay invisible for
 * the rest of the run, so each is read once.
 */
export async function receiveBodies(
  sqs: SQSClient,
  queueUrl: string,
  waitSeconds: number,
): Promise<string[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitSeconds,
      VisibilityTimeout: 900,
    }),
  );
  return (Messages ?? []).map((message) => message.Body ?? '');
}

/** Parses JSON, or undefined: a queue may hold anything. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
