// Secondary adapter: mail through Amazon SES (SendEmail with a configuration set).
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PROVIDER_CLIENT } from '../aws-clients.ts';
import type { Mailer, OutgoingMessage, SenderSettings } from './types.ts';

/** Sends mail with one SES client for the container's lifetime. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient = new SESClient(PROVIDER_CLIENT),
    private readonly configurationSet?: string,
  ) {}

  async sendMail(message: OutgoingMessage, sender: SenderSettings): Promise<void> {
    const charset = 'UTF-8';
    await this.client.send(
      new SendEmailCommand({
        Source: sender.from,
        Destination: { ToAddresses: [message.to] },
        Message: {
          Subject: { Data: message.subject ?? '', Charset: charset },
          Body: {
            Text: { Data: message.text, Charset: charset },
            ...(message.html ? { Html: { Data: message.html, Charset: charset } } : {}),
          },
        },
        ConfigurationSetName: this.configurationSet,
        Tags: [
          { Name: 'tenant', Value: message.tenantId },
          { Name: 'purpose', Value: message.purpose },
        ],
      }),
    );
  }
}
