// Primary adapter: the feedback loops' consumer — SES bounces, complaints and rejects and call outcomes (EventBridge),
// WhatsApp statuses (the WhatsApp Business Account's event destination topic, SNS) → the suppression list.
import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { consumeFeedback } from '../lib/suppression/messaging-consumer.ts';
import { getFeedbackPorts } from '../lib/suppression/runtime.ts';

export const handler = async (event: EventBridgeEvent<string, unknown> | SNSEvent) => {
  await consumeFeedback(await getFeedbackPorts(), event);
};
