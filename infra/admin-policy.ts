// Infra: the managed policy an operator's role attaches to run the admin commands (tenants:load, suppressions,
// verify:deployment) against this stack — exactly what they call, scoped to this stack's resources where IAM can.
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ADMIN_ACTIONS, VERIFIER_PREFIX } from './admin-actions.ts';
import { extraChannelsOf } from './messaging-grants.ts';

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
    const channels = extraChannelsOf(this);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `Codegate ${stack.stackName}: what tenants:load, suppressions and verify:deployment call`,
      statements: [
        new PolicyStatement({ actions: [...ADMIN_ACTIONS.table], resources: [props.table.tableArn] }),
        new PolicyStatement({ actions: [...ADMIN_ACTIONS.pepper], resources: [props.pepper.secretArn] }),
        new PolicyStatement({
          actions: [
            ...ADMIN_ACTIONS.verifyRead,
            ...(channels.whatsapp ? ADMIN_ACTIONS.verifyWhatsApp : []),
            ...(channels.voice ? ADMIN_ACTIONS.tenantsVoice : []),
          ],
          resources: ['*'],
        }),
        ...(channels.whatsapp
          ? [
              new PolicyStatement({
                actions: [...ADMIN_ACTIONS.tenantsWhatsApp],
                resources: [
                  arn('social-messaging', 'phone-number-id', '*'),
                  arn('social-messaging', 'waba', '*'),
                ],
              }),
            ]
          : []),
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
        "The operators' policy: the deployment verifier's reads (DescribeStacks, ListStackResources, DescribeAlarms, ListMetrics, DescribePipe, apigateway:GET and, with WhatsApp, ListLinkedWhatsAppBusinessAccounts) are only scoped by ARNs the verifier learns at run time; with calls, tenants:load reads the origination identities and configuration sets the tenants file names, which are tenant data.",
    });
    if (channels.whatsapp)
      for (const resource of ['phone-number-id', 'waba'])
        Validations.of(policyResource).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:social-messaging:<AWS::Region>:<AWS::AccountId>:${resource}/*]`,
          reason:
            "The operators' policy: tenants:load reads the WhatsApp numbers the tenants file names and their accounts' templates; which ones is tenant data, so the read names the account's numbers and WhatsApp Business Accounts.",
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
