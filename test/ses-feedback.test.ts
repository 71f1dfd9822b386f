// The SES feedback consumer against DynamoDB Local, fed SES's published record shapes (EventBridge envelope,
// bounce Permanent/Transient, complaint, reject) and broken ones: malformed and unknown notifications are
// logged and dropped, never thrown (a retry could not fix them).
import { beforeAll, describe, expect, it } from 'vitest';
import { SuppressionStore } from '../lib/store/suppressions.ts';
import {
  consumeSesNotification,
  type FeedbackPorts,
  TRANSIENT_SUPPRESSION_SECONDS,
} from '../lib/suppression/consumer.ts';
import { suppressionKey } from '../lib/suppression/key.ts';
import { freshTable, scalars, scanAll } from './helpers/table.ts';

const pepper = Buffer.from('a-test-pepper-of-at-least-32-characters!', 'utf8');
const NOW = Date.parse('2026-03-01T10:00:00Z');
let store: SuppressionStore;
let table: Awaited<ReturnType<typeof freshTable>>;
const logs: { level: string; message: string; facts: Record<string, unknown> }[] = [];
let ports: FeedbackPorts;

beforeAll(async () => {
  table = await freshTable();
  store = new SuppressionStore(table.db, table.tableName);
  ports = {
    store,
    pepper,
    clock: { now: () => NOW },
    log: (level, message, facts) => logs.push({ level, message, facts }),
  };
});

const mail = (to: string[]) => ({
  timestamp: '2026-03-01T09:59:58.012Z',
  source: 'Codegate Demo <no-reply@mail.example.org>',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.example.org',
  sendingAccountId: '123456789012',
  messageId: '0102018e0f8b3c2a-6b2c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c-000000',
  destination: to,
  headersTruncated: false,
  tags: {
    'ses:configuration-set': ['CodegateMailConfiguration'],
    'ses:source-ip': ['192.0.2.10'],
    'ses:from-domain': ['mail.example.org'],
    'ses:caller-identity': ['codegate-native-send'],
    tenant: ['demo'],
    purpose: ['login'],
  },
});

const onBus = (detailType: string, detail: unknown) => ({
  version: '0',
  id: 'b5e0a2f1-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-03-01T10:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:ses:eu-west-1:123456789012:configuration-set/CodegateMailConfiguration'],
  detail,
});

const bounce = (bounceType: string, bounceSubType: string, to: string[]) =>
  onBus('Email Bounced', {
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType,
      bouncedRecipients: to.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: bounceType === 'Permanent' ? '5.1.1' : '4.2.2',
        diagnosticCode:
          bounceType === 'Permanent' ? 'smtp; 550 5.1.1 user unknown' : 'smtp; 452 4.2.2 mailbox full',
      })),
      timestamp: '2026-03-01T10:00:00.669Z',
      feedbackId: '0102018e0f8b4d3e-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-000000',
      reportingMTA: 'dsn; a1-23.smtp-out.eu-west-1.amazonses.com',
    },
    mail: mail(to),
  });

const keyOf = (address: string) => suppressionKey(pepper, 'email', address);
async function entryOf(address: string) {
  return (await store.list()).find((entry) => entry.key === keyOf(address));
}

describe('SES feedback consumer', () => {
  it('a permanent bounce suppresses every bounced recipient until removed, tagged with the tenant', async () => {
    const outcome = await consumeSesNotification(
      ports,
      bounce('Permanent', 'General', ['Gone@Example.com', 'also.gone@example.com']),
    );
    expect(outcome).toEqual({ suppressed: 2 });
    expect(await entryOf('gone@example.com')).toMatchObject({
      reason: 'bounce',
      at: NOW,
      masked: 'g***@example.com',
      tenant: 'demo',
      source: 'ses',
    });
    expect((await entryOf('gone@example.com'))?.until).toBeUndefined();
    expect(await entryOf('also.gone@example.com')).toMatchObject({ reason: 'bounce' });
  });

  it('a transient bounce suppresses for an hour and never shortens a permanent suppression', async () => {
    await consumeSesNotification(ports, bounce('Transient', 'MailboxFull', ['full@example.com']));
    expect(await entryOf('full@example.com')).toMatchObject({
      reason: 'transient_bounce',
      until: NOW + TRANSIENT_SUPPRESSION_SECONDS * 1000,
    });
    const outcome = await consumeSesNotification(ports, bounce('Transient', 'General', ['gone@example.com']));
    expect(outcome).toEqual({ suppressed: 0 });
    expect(await entryOf('gone@example.com')).toMatchObject({ reason: 'bounce' });
    expect((await entryOf('gone@example.com'))?.until).toBeUndefined();
  });

  it('a complaint suppresses permanently, and so does a later one for a transient suppression', async () => {
    const complaint = (to: string) =>
      onBus('Email Complaint Received', {
        eventType: 'Complaint',
        complaint: {
          feedbackId: '0102018e0f8b5e4f-2b3c4d5e-6f7a-8b9c-0d1e-2f3a4b5c6d7e-000000',
          complaintSubType: null,
          complainedRecipients: [{ emailAddress: to }],
          timestamp: '2026-03-01T10:05:00Z',
          userAgent: 'Yahoo!-Mail-Feedback/2.0',
          complaintFeedbackType: 'abuse',
          arrivalDate: '2026-03-01T10:04:59.000Z',
        },
        mail: mail([to]),
      });
    expect(await consumeSesNotification(ports, complaint('angry@example.com'))).toEqual({ suppressed: 1 });
    expect(await entryOf('angry@example.com')).toMatchObject({ reason: 'complaint', tenant: 'demo' });
    await consumeSesNotification(ports, complaint('full@example.com'));
    expect(await entryOf('full@example.com')).toMatchObject({ reason: 'complaint' });
    expect((await entryOf('full@example.com'))?.until).toBeUndefined();
  });

  it('a reject (virus found) suppresses nothing and is logged', async () => {
    const before = (await store.list()).length;
    const outcome = await consumeSesNotification(
      ports,
      onBus('Email Rejected', {
        eventType: 'Reject',
        mail: mail(['clean@example.com']),
        reject: { reason: 'Bad content' },
      }),
    );
    expect(outcome).toEqual({ suppressed: 0 });
    expect(await store.list()).toHaveLength(before);
    expect(logs.some((entry) => entry.message === 'ses rejected a message')).toBe(true);
  });

  it.each([
    [
      'an unknown event type',
      onBus('Email Delivered', { eventType: 'Delivery', mail: mail(['x@example.com']) }),
    ],
    ['a bounce without recipients', bounce('Permanent', 'General', [])],
    ['a bounce of an unknown type', bounce('Soft', 'General', ['typo@example.com'])],
    [
      'a complaint without its complaint object',
      onBus('Email Complaint Received', { eventType: 'Complaint' }),
    ],
    ['not JSON of SES at all', 'just a string'],
    ['null', null],
    ['an SQS-looking record', { Records: [{ body: '{}' }] }],
  ])('%s is logged and dropped, never thrown, and suppresses nothing', async (_name, input) => {
    const before = (await store.list()).length;
    const outcome = await consumeSesNotification(ports, input);
    expect(outcome.suppressed).toBe(0);
    expect(outcome.dropped).toEqual(expect.any(String));
    expect(await store.list()).toHaveLength(before);
    expect(logs.at(-1)).toMatchObject({ level: 'warn', message: 'ses notification dropped' });
  });

  it('a classic identity notification (notificationType) is read like a published event', async () => {
    const classic = {
      notificationType: 'Bounce',
      ...(bounce('Permanent', 'NoEmail', ['classic@example.com']).detail as Record<string, unknown>),
    };
    delete (classic as { eventType?: string }).eventType;
    expect(await consumeSesNotification(ports, classic)).toEqual({ suppressed: 1 });
  });

  it('stores and logs no full address', async () => {
    const values = (await scanAll(table.db, table.tableName)).flatMap(scalars).join(' ').toLowerCase();
    const logged = JSON.stringify(logs).toLowerCase();
    for (const address of [
      'gone@example.com',
      'full@example.com',
      'angry@example.com',
      'classic@example.com',
    ]) {
      expect(values).not.toContain(address);
      expect(logged).not.toContain(address);
    }
  });
});
