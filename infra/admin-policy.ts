// Infra: the managed policy an operator's role attaches to run the admin commands (tenants:load, suppressions,
// verify:deployment) against this stack — exactly what they call, scoped to this stack's resources where IAM can.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { extraChannelsOf } from './messaging-grants.ts';

/** What the admin commands call, by statement (docs/deploy.md shows the same document for copying by hand). */
export const ADMIN_ACTIONS = {
  table: [
    'dynamodb:Scan',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:DescribeTable',
  ],
  pepper: ['secretsmanager:GetSecretValue'],
  verifyRead: [
    'cloudformation:DescribeStacks',
    'cloudformation:ListStackResources',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:ListMetrics',
    'pipes:DescribePipe',
    'apigateway:GET',
  ],
  /** Only in a stack with WhatsApp (`-c channels=whatsapp`): the verifier's `whatsapp-events` read. */
  verifyWhatsApp: ['social-messaging:ListLinkedWhatsAppBusinessAccounts'],
  verifyProbes: [
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:SetAlarmState',
    'cloudwatch:DeleteAlarms',
    'sqs:CreateQueue',
    'sqs:DeleteQueue',
    'sqs:GetQueueAttributes',
    'sqs:SetQueueAttributes',
    'sqs:ReceiveMessage',
    'events:PutRule',
    'events:PutTargets',
    'events:RemoveTargets',
    'events:DeleteRule',
  ],
  alarmTopic: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:ConfirmSubscription'],
} as const;

/** The name prefix of everything `npm run verify:deployment` creates and removes. */
export const VERIFIER_PREFIX = 'codegate-verifier-';

export interface AdminPolicyProps {
  table: ITable;
  pepper: ISecret;
  alarmTopic: ITopic;
}

/** The operators' managed policy (output `AdminPolicyArn`). */
export class AdminPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: AdminPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (service: string, resource: string, resourceName: string, colon = false) =>
      stack.formatArn({
        service,
        resource,
        resourceName,
        ...(colon ? { arnFormat: ArnFormat.COLON_RESOURCE_NAME } : {}),
      });
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `Codegate ${stack.stackName}: what tenants:load, suppressions and verify:deployment call`,
      statements: [
        new PolicyStatement({ actions: [...ADMIN_ACTIONS.table], resources: [props.table.tableArn] }),
        new PolicyStatement({ actions: [...ADMIN_ACTIONS.pepper], resources: [props.pepper.secretArn] }),
        new PolicyStatement({
          actions: [
            ...ADMIN_ACTIONS.verifyRead,
            ...(extraChannelsOf(this).whatsapp ? ADMIN_ACTIONS.verifyWhatsApp : []),
          ],
          resources: ['*'],
        }),
        new PolicyStatement({
          actions: [...ADMIN_ACTIONS.verifyProbes],
          resources: [
            arn('cloudwatch', 'alarm', `${VERIFIER_PREFIX}*`, true),
            stack.formatArn({
              service: 'sqs',
              resource: `${VERIFIER_PREFIX}*`,
              arnFormat: ArnFormat.NO_RESOURCE_NAME,
            }),
            arn('events', 'rule', `*/${VERIFIER_PREFIX}*`),
          ],
        }),
        new PolicyStatement({
          actions: [...ADMIN_ACTIONS.alarmTopic],
          resources: [props.alarmTopic.topicArn],
        }),
      ],
    });
    const policyResource = this.policy.node.defaultChild ?? this.policy;
    Validations.of(policyResource).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "The operators' policy: the deployment verifier's reads (DescribeStacks, ListStackResources, DescribeAlarms, ListMetrics, DescribePipe, apigateway:GET and, with WhatsApp, ListLinkedWhatsAppBusinessAccounts) are only scoped by ARNs the verifier learns at run time.",
    });
    for (const service of ['cloudwatch', 'sqs', 'events'] as const) {
      const path =
        service === 'cloudwatch'
          ? `alarm:${VERIFIER_PREFIX}*`
          : service === 'sqs'
            ? `${VERIFIER_PREFIX}*`
            : `rule/*/${VERIFIER_PREFIX}*`;
      Validations.of(policyResource).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${path}]`,
        reason:
          "The operators' policy: the deployment verifier creates and removes its probes (an alarm, a queue, rules on the stack's bus and the default bus) only under names starting codegate-verifier-.",
      });
    }
  }
}
