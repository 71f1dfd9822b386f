// Primary adapter: SES bounce, complaint and reject notifications (EventBridge, from the configuration set).
import type { EventBridgeEvent } from 'aws-lambda';
import { consumeSesNotification } from '../lib/suppression/consumer.ts';
import { getFeedbackPorts } from '../lib/suppression/runtime.ts';

export const handler = async (event: EventBridgeEvent<string, unknown>) => {
  await consumeSesNotification(await getFeedbackPorts(), event);
};
