// Secondary adapter: a verification call through AWS End User Messaging SMS and Voice v2 (SendVoiceMessage):
// SSML read by the locale's Amazon Polly voice, from the tenant's origination identity.
import {
  PinpointSMSVoiceV2Client,
  SendVoiceMessageCommand,
  type VoiceId,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { PROVIDER_CLIENT } from '../aws-clients.ts';
import type { OutgoingMessage, VoiceCaller, VoiceSettings } from './types.ts';

const DEFAULT_VOICES = { en: 'JOANNA', 'zh-CN': 'ZHIYU' } as const;

/** Places calls with one client for the container's lifetime; `to` must already be E.164. */
export class SmsVoiceCaller implements VoiceCaller {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client = new PinpointSMSVoiceV2Client(PROVIDER_CLIENT),
  ) {}

  async call(message: OutgoingMessage, settings: VoiceSettings): Promise<void> {
    if (!message.ssml) throw new Error('a call needs its script');
    await this.client.send(
      new SendVoiceMessageCommand({
        DestinationPhoneNumber: message.to,
        OriginationIdentity: settings.originationIdentity,
        MessageBody: message.ssml,
        MessageBodyTextType: 'SSML',
        VoiceId: (settings.voices[message.locale] ?? DEFAULT_VOICES[message.locale]) as VoiceId,
        ...(settings.configurationSetName ? { ConfigurationSetName: settings.configurationSetName } : {}),
        ...(settings.maxPricePerMinute ? { MaxPricePerMinute: settings.maxPricePerMinute } : {}),
        // A code call is worth nothing once the code expires; SMS and Voice v2 drops it after this many seconds.
        TimeToLive: 300,
        Context: { tenant: message.tenantId, purpose: message.purpose },
      }),
    );
  }
}
