// Ports for delivery: the engine sends through these; SES, SNS and the local outbox implement them.
import type { Channel, Locale, Purpose } from '../domain/vocabulary.ts';

/** One rendered message, ready to hand to a provider. `to` is the address as given (email) or E.164. */
export interface OutgoingMessage {
  channel: Channel;
  to: string;
  subject?: string;
  text: string;
  html?: string;
  tenantId: string;
  purpose: Purpose;
  locale: Locale;
  /** WhatsApp only: the code, the authentication template's body and copy-code button parameter. */
  code?: string;
  /** Voice only: the SSML the call reads (`text` is the same script without markup). */
  ssml?: string;
}

/** Provider settings for one tenant, taken from its config. */
export interface SenderSettings {
  from: string;
  smsSenderId?: string;
  smsOriginationNumber?: string;
  smsMaxPrice?: string;
}

export interface Mailer {
  sendMail(message: OutgoingMessage, sender: SenderSettings): Promise<void>;
}

export interface Texter {
  sendSms(message: OutgoingMessage, sender: SenderSettings): Promise<void>;
}

/** A tenant's WhatsApp settings (the tenant's `whatsapp` block), as delivery needs them. */
export interface WhatsAppSettings {
  originationPhoneNumberId: string;
  metaApiVersion: string;
  templates: Partial<Record<Locale, { name: string; language: string }>>;
  /** The tenant's default locale: its template stands in for a locale that has none. */
  defaultLocale: Locale;
}

/** A tenant's voice settings (the tenant's `voice` block), as delivery needs them. */
export interface VoiceSettings {
  originationIdentity: string;
  voices: Partial<Record<Locale, string>>;
  configurationSetName?: string;
  maxPricePerMinute?: string;
}

export interface WhatsAppSender {
  sendWhatsApp(message: OutgoingMessage, settings: WhatsAppSettings): Promise<void>;
}

export interface VoiceCaller {
  call(message: OutgoingMessage, settings: VoiceSettings): Promise<void>;
}
