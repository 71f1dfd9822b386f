// Infra: the WhatsApp and call feedback loops (with `-c channels=…`), into the same suppression consumer and dead
// letters as SES feedback (infra/feedback.ts): a default-bus rule for call outcomes, an SNS topic for the
// WhatsApp Business Account's event destination.
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import type { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  SMS_VOICE_SOURCE,
  VOICE_DETAIL_TYPE,
  VOICE_SUPPRESSING_EVENT_TYPES,
} from '../lib/suppression/sms-voice-event.ts';

/**
 * Call outcomes: SMS and Voice v2 puts "Voice Message Delivery Status Updated" events on the default bus by
 * itself (no event destination to configure; EventBridge reference, events-ref-sms-voice.html); the rule
 * matches only the outcomes that suppress (busy, no answer, failed), so completed calls invoke nothing.
 */
export function watchCalls(scope: Construct, target: LambdaFunction): void {
  new Rule(scope, 'VoiceFeedback', {
    description: 'Codegate: calls busy, unanswered or failed (End User Messaging SMS and Voice)',
    eventPattern: {
      source: [SMS_VOICE_SOURCE],
      detailType: [VOICE_DETAIL_TYPE],
      detail: { eventType: VOICE_SUPPRESSING_EVENT_TYPES },
    },
    targets: [target],
  });
}

/**
 * WhatsApp statuses: the EventBridge "WhatsApp Message Failed" event does not name the recipient, so the
 * consumer reads the WhatsApp Business Account's event destination instead — an SNS topic that End User
 * Messaging Social may publish to (its topic policy, as the social-messaging user guide's "IAM policies for
 * Amazon SNS topics" gives it, confined to this account), subscribed by the consumer. Pointing the WABA at
 * the topic is the operator's step (output WhatsAppEventTopicArn).
 */
export function watchWhatsApp(scope: Construct, consumer: IFunction, deadLetters: IQueue): Topic {
  const topic = new Topic(scope, 'WhatsAppEvents', {
    displayName: 'Codegate WhatsApp events (WABA event destination)',
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'SocialMessagingPublish',
      principals: [new ServicePrincipal('social-messaging.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  // Not KMS-encrypted, like the alarm topic: a key End User Messaging Social could use would have to be a
  // customer managed one (an AWS managed key's policy admits no service); messages only pass through to the
  // consumer and publishing requires TLS. What SNS cannot deliver to the function lands in the SQS-encrypted
  // dead letters, like the rules' events.
  topic.addSubscription(new LambdaSubscription(consumer, { deadLetterQueue: deadLetters }));
  new CfnOutput(Stack.of(scope), 'WhatsAppEventTopicArn', {
    value: topic.topicArn,
    description:
      "Point the WhatsApp Business Account's event destination here (docs/whatsapp-voice.md): statuses of numbers not on WhatsApp reach the suppression list",
  });
  return topic;
}
