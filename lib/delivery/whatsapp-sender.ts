// Secondary adapter: WhatsApp through AWS End User Messaging Social (SendWhatsAppMessage), an authentication
// template with a copy-code button: the code is the body's one parameter and the button's (Meta's rule for
// authentication templates), so the message says only what Meta approved.
import { SendWhatsAppMessageCommand, SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { PROVIDER_CLIENT } from '../aws-clients.ts';
import type { OutgoingMessage, WhatsAppSender, WhatsAppSettings } from './types.ts';

/** The template for the message's locale, else the default locale's, else the first the tenant lists. */
export function templateFor(settings: WhatsAppSettings, locale: OutgoingMessage['locale']) {
  const template =
    settings.templates[locale] ??
    settings.templates[settings.defaultLocale] ??
    Object.values(settings.templates)[0];
  if (!template) throw new Error('no WhatsApp template is set up');
  return template;
}

/** The Meta Cloud API message `SendWhatsAppMessage` carries (its `message` blob), for one code. */
export function whatsappPayload(message: OutgoingMessage, settings: WhatsAppSettings) {
  if (!message.code) throw new Error('a WhatsApp message needs its code');
  const template = templateFor(settings, message.locale);
  const code = [{ type: 'text', text: message.code }];
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      components: [
        { type: 'body', parameters: code },
        { type: 'button', sub_type: 'url', index: '0', parameters: code },
      ],
    },
  };
}

/** Sends WhatsApp templates with one client for the container's lifetime; `to` must already be E.164. */
export class SocialWhatsAppSender implements WhatsAppSender {
  constructor(private readonly client: SocialMessagingClient = new SocialMessagingClient(PROVIDER_CLIENT)) {}

  async sendWhatsApp(message: OutgoingMessage, settings: WhatsAppSettings): Promise<void> {
    await this.client.send(
      new SendWhatsAppMessageCommand({
        originationPhoneNumberId: settings.originationPhoneNumberId,
        metaApiVersion: settings.metaApiVersion,
        message: new TextEncoder().encode(JSON.stringify(whatsappPayload(message, settings))),
      }),
    );
  }
}
