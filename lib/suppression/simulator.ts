// Local-only: the SES mailbox simulator. Mail to SES's simulator addresses is accepted like any other, then
// answered with the bounce or complaint notification SES would publish, a moment later and asynchronously.
import { randomUUID } from 'node:crypto';
import type { Mailer, OutgoingMessage, SenderSettings } from '../delivery/types.ts';

/** SES's mailbox simulator addresses that produce feedback, and what they produce. */
export const SIMULATOR_ADDRESSES: Readonly<Record<string, 'bounce' | 'complaint'>> = {
  'bounce@simulator.amazonses.com': 'bounce',
  'complaint@simulator.amazonses.com': 'complaint',
};

/**
 * The EventBridge event SES publishes for a simulated bounce (Permanent/General) or complaint (abuse), with
 * the message's tags as SesMailer sets them.
 */
export function simulatedNotification(
  kind: 'bounce' | 'complaint',
  message: Pick<OutgoingMessage, 'to' | 'tenantId' | 'purpose'>,
  sender: Pick<SenderSettings, 'from'>,
  at = new Date(),
) {
  const timestamp = at.toISOString();
  const messageId = `${randomUUID()}-000000`;
  const feedbackId = `${randomUUID()}-000000`;
  const mail = {
    timestamp,
    source: sender.from,
    sendingAccountId: '000000000000',
    messageId,
    destination: [message.to],
    headersTruncated: false,
    tags: {
      'ses:configuration-set': ['codegate-local'],
      'ses:from-domain': [sender.from.split('@').pop() ?? 'localhost'],
      tenant: [message.tenantId],
      purpose: [message.purpose],
    },
  };
  const detail =
    kind === 'bounce'
      ? {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [
              {
                emailAddress: message.to,
                action: 'failed',
                status: '5.1.1',
                diagnosticCode: 'smtp; 550 5.1.1 user unknown',
              },
            ],
            timestamp,
            feedbackId,
            reportingMTA: 'dsn; simulator.amazonses.com',
          },
          mail,
        }
      : {
          eventType: 'Complaint',
          complaint: {
            complainedRecipients: [{ emailAddress: message.to }],
            timestamp,
            feedbackId,
            userAgent: 'Amazon SES Mailbox Simulator',
            complaintFeedbackType: 'abuse',
            arrivalDate: timestamp,
          },
          mail,
        };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': kind === 'bounce' ? 'Email Bounced' : 'Email Complaint Received',
    source: 'aws.ses',
    account: '000000000000',
    time: timestamp,
    region: process.env.AWS_REGION ?? 'us-east-1',
    resources: [],
    detail,
  };
}

/**
 * Wraps a mailer so that mail to a simulator address, once accepted, produces its notification after
 * `delayMs` and hands it to `notify` (the same consumer the deployed function runs). Failures of `notify`
 * go to `onError`; the send itself never waits for them.
 */
export function withMailboxSimulator(
  mailer: Mailer,
  notify: (event: unknown) => Promise<unknown>,
  options: { delayMs?: number; onError?: (error: unknown) => void } = {},
): Mailer {
  return {
    async sendMail(message, sender) {
      await mailer.sendMail(message, sender);
      const kind = SIMULATOR_ADDRESSES[message.to.trim().toLowerCase()];
      if (!kind) return;
      const timer = setTimeout(() => {
        notify(simulatedNotification(kind, message, sender)).catch((error: unknown) =>
          options.onError?.(error),
        );
      }, options.delayMs ?? 100);
      timer.unref();
    },
  };
}
