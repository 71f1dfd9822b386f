// Local-only secondary adapter: the outbox replaces SES, SNS, WhatsApp and voice in `npm start` and in tests.
import type { Mailer, OutgoingMessage, Texter, VoiceCaller, WhatsAppSender } from './types.ts';

export interface OutboxMessage {
  channel: OutgoingMessage['channel'];
  to: string;
  subject?: string;
  text: string;
  html?: string;
  tenant: string;
  purpose: string;
  sentAt: string;
}

/**
 * Keeps every message in memory (newest first on read) and, unless quiet, prints one line per
 * message with the code visible. It stands in for the recipient's inbox, so codes are visible on
 * purpose — on the console, in `GET /_local/outbox` and on the `/_local/` page — and it exists only
 * in the local runtime; the structured logs never carry a code.
 */
export class Outbox implements Mailer, Texter, WhatsAppSender, VoiceCaller {
  private readonly messages: OutboxMessage[] = [];

  constructor(private readonly print: (line: string) => void = () => undefined) {}

  async sendMail(message: OutgoingMessage): Promise<void> {
    this.keep(message);
  }

  async sendSms(message: OutgoingMessage): Promise<void> {
    this.keep(message);
  }

  /** A WhatsApp authentication template, kept as the text WhatsApp shows. */
  async sendWhatsApp(message: OutgoingMessage): Promise<void> {
    this.keep(message);
  }

  /** A call, kept as its script (what the voice reads, without the SSML). */
  async call(message: OutgoingMessage): Promise<void> {
    this.keep(message);
  }

  /** Messages newest first, optionally only those to one address (emails compared case-insensitively). */
  list(to?: string): OutboxMessage[] {
    const wanted = to?.trim().toLowerCase();
    return this.messages.filter((message) => !wanted || message.to.toLowerCase() === wanted).reverse();
  }

  /** Forgets every message (`DELETE /_local/outbox`, the page's Clear button). */
  clear(): void {
    this.messages.length = 0;
  }

  private keep(message: OutgoingMessage) {
    const kept: OutboxMessage = {
      channel: message.channel,
      to: message.to,
      ...(message.subject ? { subject: message.subject } : {}),
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      tenant: message.tenantId,
      purpose: message.purpose,
      sentAt: new Date().toISOString(),
    };
    this.messages.push(kept);
    this.print(`[outbox] ${kept.channel} to ${kept.to} (${kept.tenant}/${kept.purpose}): ${kept.text}`);
  }
}
