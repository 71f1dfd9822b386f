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
