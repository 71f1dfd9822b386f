// Secondary adapter: SMS through Amazon SNS (Publish to a phone number, transactional).
import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PROVIDER_CLIENT } from '../aws-clients.ts';
import type { OutgoingMessage, SenderSettings, Texter } from './types.ts';

const attribute = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/** Publishes SMS with one SNS client for the container's lifetime; `to` must already be E.164. */
export class SnsTexter implements Texter {
  constructor(private readonly client: SNSClient = new SNSClient(PROVIDER_CLIENT)) {}

  async sendSms(message: OutgoingMessage, sender: SenderSettings): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {
      'AWS.SNS.SMS.SMSType': attribute('Transactional'),
    };
    if (sender.smsSenderId) attributes['AWS.SNS.SMS.SenderID'] = attribute(sender.smsSenderId);
    if (sender.smsOriginationNumber) {
      attributes['AWS.MM.SMS.OriginationNumber'] = attribute(sender.smsOriginationNumber);
    }
    if (sender.smsMaxPrice)
      attributes['AWS.SNS.SMS.MaxPrice'] = { DataType: 'Number', StringValue: sender.smsMaxPrice };
    await this.client.send(
      new PublishCommand({ PhoneNumber: message.to, Message: message.text, MessageAttributes: attributes }),
    );
  }
}
