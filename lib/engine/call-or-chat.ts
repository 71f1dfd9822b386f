// Use case helpers: the WhatsApp and voice channels' messages and delivery. Their words are not the tenant's
// templates: WhatsApp sends a Meta-approved authentication template (the code is its parameter), and a call
// reads the code digit by digit, twice (lib/delivery/voice-script.ts).
import { parsePhone } from '../address.ts';
import type { OutgoingMessage } from '../delivery/types.ts';
import { voiceScript, whatsappText } from '../delivery/voice-script.ts';
import { CountryNotAllowedError } from '../domain/errors.ts';
import type { Channel, Locale } from '../domain/vocabulary.ts';
import type { Tenant } from '../tenants/schema.ts';
import type { EnginePorts } from './ports.ts';

export const isCallOrChat = (channel: Channel): channel is 'whatsapp' | 'voice' =>
  channel === 'whatsapp' || channel === 'voice';

/**
 * Refuses, before anything is admitted, a WhatsApp or voice send this function cannot deliver: a stack deployed
 * without the channel (`-c channels=…`) bundles no client for it. It answers as a tenant without the channel does.
 */
export function refuseUnoffered(ports: EnginePorts, channel: Channel, e164: string): void {
  if ((channel === 'whatsapp' && !ports.whatsapp) || (channel === 'voice' && !ports.voice))
    throw new CountryNotAllowedError(parsePhone(e164)?.country);
}

/** What the message carries besides its address: the text (and the code or SSML its provider needs). */
export function renderCallOrChat(
  tenant: Tenant,
  channel: 'whatsapp' | 'voice',
  code: string,
  locale: Locale,
  minutes: number,
): { text: string; code?: string; ssml?: string } {
  if (channel === 'whatsapp') return { ...whatsappText({ code, minutes, locale }), code };
  return voiceScript({ appName: tenant.appName, code, locale });
}

/** Hands a WhatsApp or voice message to its provider with the tenant's settings for the channel. */
export async function deliverCallOrChat(ports: EnginePorts, message: OutgoingMessage, tenant: Tenant) {
  if (message.channel === 'whatsapp') {
    if (!ports.whatsapp || !tenant.whatsapp) throw new Error('WhatsApp is not set up');
    await ports.whatsapp.sendWhatsApp(message, { ...tenant.whatsapp, defaultLocale: tenant.defaultLocale });
    return;
  }
  if (!ports.voice || !tenant.voice) throw new Error('voice is not set up');
  await ports.voice.call(message, tenant.voice);
}
