// The WhatsApp and voice feedback consumer against DynamoDB Local, fed the shapes AWS documents: the SMS and Voice
// EventBridge event ("Voice Message Delivery Status Updated", monitor-event-bridge.html, with the example event
// data's destinationPhoneNumber and context) and the WhatsApp event destination's SNS message (AWS header with
// whatsAppWebhookEntry, managing-event-destination-dlrs.html, a failed status carrying Meta's errors as the
// "WhatsApp Message Failed" example shows them). Malformed and unknown events are logged and dropped, never thrown.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runSuppressions } from '../infra/admin/suppressions.ts';
import { SuppressionStore } from '../lib/store/suppressions.ts';
import type { FeedbackPorts } from '../lib/suppression/consumer.ts';
import { suppressionKey } from '../lib/suppression/key.ts';
import {
  consumeFeedback,
  consumeVoiceEvent,
  consumeWhatsAppEvent,
  FAILED_CALL_SUPPRESSION_SECONDS,
  NOT_ON_WHATSAPP_SUPPRESSION_SECONDS,
  UNANSWERED_CALL_SUPPRESSION_SECONDS,
} from '../lib/suppression/messaging-consumer.ts';
import { readVoiceEvent } from '../lib/suppression/sms-voice-event.ts';
import { readWhatsAppStatuses } from '../lib/suppression/whatsapp-status.ts';
import { voiceEvent, whatsAppFailed, whatsAppSnsEvent, whatsAppStatus } from './fixtures/messaging-events.ts';
import { freshTable, scalars, scanAll } from './helpers/table.ts';

const pepper = Buffer.from('a-test-pepper-of-at-least-32-characters!', 'utf8');
const NOW = Date.parse('2026-03-01T10:00:00Z');
const HOUR = 3600_000;
let store: SuppressionStore;
let table: Awaited<ReturnType<typeof freshTable>>;
const logs: { level: string; message: string; facts: Record<string, unknown> }[] = [];
let ports: FeedbackPorts;
let now = NOW;

beforeAll(async () => {
  table = await freshTable();
  store = new SuppressionStore(table.db, table.tableName);
  ports = {
    store,
    pepper,
    clock: { now: () => now },
    log: (level, message, facts) => logs.push({ level, message, facts }),
  };
});

async function entryOf(channel: 'voice' | 'whatsapp', number: string) {
  const key = suppressionKey(pepper, channel, number);
  return (await store.list()).find((entry) => entry.channel === channel && entry.key === key);
}

/** Every number the tests feed in, for the no-full-number check at the end. */
const NUMBERS = [
  '+14155550101',
  '+14155550102',
  '+14155550103',
  '+447400123401',
  '+14155550105',
  '+14155550107',
];

describe('voice: Voice Message Delivery Status Updated', () => {
  it('VOICE_NO_ANSWER suppresses calls to the number for an hour, tagged with the tenant of its Context', async () => {
    const outcome = await consumeVoiceEvent(ports, voiceEvent('VOICE_NO_ANSWER', '+14155550101'));
    expect(outcome).toEqual({ suppressed: 1 });
    expect(await entryOf('voice', '+14155550101')).toMatchObject({
      channel: 'voice',
      reason: 'unanswered',
      source: 'sms-voice',
      tenant: 'demo',
      at: NOW,
      until: NOW + UNANSWERED_CALL_SUPPRESSION_SECONDS * 1000,
      masked: '+141****0101',
    });
    expect(UNANSWERED_CALL_SUPPRESSION_SECONDS).toBe(3600);
    // The number's WhatsApp and SMS are not touched.
    expect(await entryOf('whatsapp', '+14155550101')).toBeUndefined();
  });

  it('VOICE_BUSY is read as unanswered', async () => {
    expect(await consumeVoiceEvent(ports, voiceEvent('VOICE_BUSY', '+14155550102'))).toEqual({
      suppressed: 1,
    });
    expect(await entryOf('voice', '+14155550102')).toMatchObject({ reason: 'unanswered' });
  });

  it('VOICE_FAILED suppresses for a day, and a later busy call does not shorten it', async () => {
    await consumeVoiceEvent(ports, voiceEvent('VOICE_FAILED', '+14155550103'));
    const failed = { reason: 'call_failed', until: NOW + FAILED_CALL_SUPPRESSION_SECONDS * 1000 };
    expect(await entryOf('voice', '+14155550103')).toMatchObject(failed);
    expect(FAILED_CALL_SUPPRESSION_SECONDS).toBe(24 * 3600);
    now = NOW + HOUR;
    expect(await consumeVoiceEvent(ports, voiceEvent('VOICE_BUSY', '+14155550103'))).toEqual({
      suppressed: 0,
    });
    expect(await entryOf('voice', '+14155550103')).toMatchObject(failed);
    expect(logs.at(-1)).toMatchObject({ message: 'number already suppressed' });
    // Once it has lapsed, a new outcome suppresses afresh.
    now = NOW + FAILED_CALL_SUPPRESSION_SECONDS * 1000 + HOUR;
    await consumeVoiceEvent(ports, voiceEvent('VOICE_NO_ANSWER', '+14155550103'));
    expect(await entryOf('voice', '+14155550103')).toMatchObject({
      reason: 'unanswered',
      until: now + UNANSWERED_CALL_SUPPRESSION_SECONDS * 1000,
    });
    now = NOW;
  });

  it.each(['VOICE_COMPLETED', 'VOICE_ANSWERED', 'VOICE_RINGING', 'VOICE_INITIATED', 'VOICE_TTL_EXPIRED'])(
    '%s suppresses nothing',
    async (eventType) => {
      const before = (await store.list()).length;
      expect(await consumeVoiceEvent(ports, voiceEvent(eventType, '+447400123401'))).toEqual({
        suppressed: 0,
      });
      expect(await store.list()).toHaveLength(before);
      expect(logs.at(-1)).toMatchObject({ level: 'info', message: 'voice event needs no suppression' });
    },
  );

  it("the EventBridge page's own example (VOICE_INITIATED, no number) reads as nothing to do", () => {
    const documented = {
      version: '0',
      id: '3bd18839-b5b4-79c5-1b18-bd6545f40566',
      'detail-type': 'Voice Message Delivery Status Updated',
      source: 'aws.sms-voice',
      account: '444455556666',
      time: '2024-10-16T17:18:50Z',
      region: 'eu-west-2',
      resources: [],
      detail: {
        eventType: 'VOICE_INITIATED',
        eventVersion: '1.0',
        eventTimestamp: 1729099130226,
        isFinal: false,
        originationPhoneNumber: '+18445550123',
        isoCountryCode: 'US',
        messageId: '1d2295bd-ac9b-4517-821f-7c6d95d789a1',
        messageRequestTimestamp: 1729099129845,
        messageStatus: 'INITIATED',
      },
    };
    expect(readVoiceEvent(documented)).toEqual({ kind: 'ignored', detail: 'VOICE_INITIATED' });
  });

  it.each([
    ['an unanswered call without destinationPhoneNumber', voiceEvent('VOICE_NO_ANSWER', undefined)],
    ['a detail whose eventType is not a string', { ...voiceEvent('VOICE_BUSY', '+14155550109'), detail: {} }],
    ['another detail-type', { ...voiceEvent('VOICE_BUSY', '+14155550109'), 'detail-type': 'Text Message' }],
    ['an event type AWS does not document', voiceEvent('VOICE_VOICEMAIL', '+14155550109')],
    ['null', null],
  ])('%s is logged and dropped, never thrown', async (_name, input) => {
    const before = (await store.list()).length;
    const outcome = await consumeVoiceEvent(ports, input);
    expect(outcome).toEqual({ suppressed: 0, dropped: expect.any(String) });
    expect(await store.list()).toHaveLength(before);
    expect(logs.at(-1)).toMatchObject({ level: 'warn', message: 'voice event dropped' });
  });

  it('a number that is not a valid phone number is logged, not stored', async () => {
    const before = (await store.list()).length;
    expect(await consumeVoiceEvent(ports, voiceEvent('VOICE_BUSY', '+1000'))).toEqual({ suppressed: 0 });
    expect(await store.list()).toHaveLength(before);
    expect(logs.at(-1)).toMatchObject({ level: 'warn', message: 'voice feedback number unreadable' });
  });
});

describe('a suppression in effect (what the verifier reads before it calls)', () => {
  it('an unanswered call is in effect until its hour is over, then reads as none; a permanent one always', async () => {
    const number = '+14155550107';
    await consumeVoiceEvent(ports, voiceEvent('VOICE_NO_ANSWER', number));
    const key = suppressionKey(pepper, 'voice', number);
    const until = now + UNANSWERED_CALL_SUPPRESSION_SECONDS * 1000;
    expect(await store.inEffect('voice', key, until - 1)).toMatchObject({ reason: 'unanswered', until });
    expect(await store.inEffect('voice', key, until)).toBeUndefined();
    expect(await store.inEffect('whatsapp', key, now)).toBeUndefined();
    await store.suppress({
      channel: 'voice',
      key,
      reason: 'operator',
      at: now,
      masked: '+141****0107',
      source: 'admin',
    });
    expect(await store.inEffect('voice', key, until + 365 * 24 * HOUR)).toMatchObject({ reason: 'operator' });
    await store.remove('voice', key);
  });
});

describe('WhatsApp: the event destination (SNS)', () => {
  it('a failed status with 131026 suppresses WhatsApp to the number for 30 days', async () => {
    const outcome = await consumeWhatsAppEvent(ports, whatsAppStatus(whatsAppFailed('14155550105', 131026)));
    expect(outcome).toEqual({ suppressed: 1 });
    expect(await entryOf('whatsapp', '+14155550105')).toMatchObject({
      reason: 'not_on_whatsapp',
      source: 'social-messaging',
      at: NOW,
      until: NOW + NOT_ON_WHATSAPP_SUPPRESSION_SECONDS * 1000,
      masked: '+141****0105',
    });
    expect(NOT_ON_WHATSAPP_SUPPRESSION_SECONDS).toBe(30 * 24 * 3600);
    expect((await entryOf('whatsapp', '+14155550105'))?.tenant).toBeUndefined();
    expect(await entryOf('voice', '+14155550105')).toBeUndefined();
  });

  it.each([
    [131056, '(Business Account, Consumer Account) pair rate limit hit'],
    [132001, 'Template does not exist'],
    [131049, 'This message was not delivered to maintain healthy ecosystem engagement.'],
  ])(
    'a failure with %s (about the business, not the number) suppresses nothing, logged masked',
    async (code, title) => {
      const before = (await store.list()).length;
      const outcome = await consumeWhatsAppEvent(
        ports,
        whatsAppStatus(whatsAppFailed('447400123401', code, title)),
      );
      expect(outcome).toEqual({ suppressed: 0 });
      expect(await store.list()).toHaveLength(before);
      expect(logs.at(-1)).toMatchObject({
        level: 'warn',
        message: 'whatsapp message failed; nothing suppressed',
        facts: { to: '+4474****3401', detail: `${code} ${title}` },
      });
    },
  );

  it("AWS's own sent-status example, delivered and read statuses suppress nothing", async () => {
    const sent = {
      id: 'wamid.HBgLMTkxNzM5OTI3MzkVAgARGBJBMTM4NDdGRENEREI5Rexample',
      status: 'sent',
      timestamp: '1736379042',
      recipient_id: '01234567890',
      conversation: {
        id: '62374592e84cb58e52bdaed31example',
        expiration_timestamp: '1736461020',
        origin: { type: 'utility' },
      },
      pricing: { billable: true, pricing_model: 'CBP', category: 'utility' },
    };
    const delivered = { ...sent, status: 'delivered' };
    const read = { ...sent, status: 'read' };
    expect(readWhatsAppStatuses(whatsAppStatus(sent, delivered, read))).toEqual({
      kind: 'statuses',
      failures: [],
      others: 3,
      unreadable: 0,
    });
    expect(await consumeWhatsAppEvent(ports, whatsAppStatus(sent))).toEqual({ suppressed: 0 });
  });

  it("an inbound message (AWS's received media example) has no statuses and suppresses nothing", async () => {
    const inbound = {
      id: '365731266123456',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '12065550100', phone_number_id: '321010217760100' },
            contacts: [{ profile: { name: 'Diego' }, wa_id: '12065550102' }],
            messages: [
              {
                from: '14255550150',
                id: 'wamid.HBgLMTQyNTY5ODgzMDIVAgASGCBDNzBDRjM5MDU2ODEwMDkwREY4ODBDRDE0RjVGRkexample',
                timestamp: '1723506230',
                type: 'image',
                image: { mime_type: 'image/jpeg', sha256: 'BTD0xlqSZ7l02o+/upusiNStlEZhA/urkvKf143Uqjk=' },
              },
            ],
          },
          field: 'messages',
        },
      ],
    };
    const before = logs.length;
    const message = JSON.parse(whatsAppStatus()) as Record<string, unknown>;
    message.whatsAppWebhookEntry = JSON.stringify(inbound);
    expect(await consumeWhatsAppEvent(ports, JSON.stringify(message))).toEqual({ suppressed: 0 });
    expect(logs.slice(before).filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  it.each([
    ['not JSON', 'just a string'],
    ['a header without whatsAppWebhookEntry', JSON.stringify({ context: {}, messageId: 'x' })],
    ['an entry that is not JSON', JSON.stringify({ whatsAppWebhookEntry: '{"changes":' })],
    ['an entry with a status missing its status', whatsAppStatus({ recipient_id: '14155550109' })],
  ])('%s is logged and dropped, never thrown', async (_name, input) => {
    const before = (await store.list()).length;
    const outcome = await consumeWhatsAppEvent(ports, input);
    expect(outcome).toEqual({ suppressed: 0, dropped: expect.any(String) });
    expect(await store.list()).toHaveLength(before);
    expect(logs.at(-1)).toMatchObject({ level: 'warn', message: 'whatsapp event dropped' });
  });

  it('a failed status without a readable recipient is counted and logged, nothing stored', async () => {
    const failed = { ...whatsAppFailed('14155550109', 131026), recipient_id: 'not-a-number' };
    expect(await consumeWhatsAppEvent(ports, whatsAppStatus(failed))).toEqual({ suppressed: 0 });
    expect(logs.at(-1)).toMatchObject({
      level: 'warn',
      message: 'whatsapp failed status without a readable recipient',
      facts: { count: 1 },
    });
  });
});

describe('the function entry: SNS records, voice events, SES notifications', () => {
  it('an SNS delivery is read record by record; a record that is not SNS is logged', async () => {
    const event = whatsAppSnsEvent(whatsAppStatus(whatsAppFailed('14155550110', 131026)));
    event.Records.push({ EventSource: 'aws:sqs' } as never);
    expect(await consumeFeedback(ports, event)).toEqual({ suppressed: 1 });
    expect(await entryOf('whatsapp', '+14155550110')).toMatchObject({ reason: 'not_on_whatsapp' });
    expect(logs.at(-1)).toMatchObject({ level: 'warn', message: 'feedback record dropped' });
  });

  it('an aws.sms-voice event goes to the voice consumer', async () => {
    expect(await consumeFeedback(ports, voiceEvent('VOICE_NO_ANSWER', '+14155550111'))).toEqual({
      suppressed: 1,
    });
    expect(await entryOf('voice', '+14155550111')).toMatchObject({ reason: 'unanswered' });
  });

  it('the EventBridge "WhatsApp Message Failed" event (no recipient) is not mistaken for anything', async () => {
    const before = (await store.list()).length;
    const documented = {
      version: '0',
      id: '281b8c6b-f39f-f768-4229-d66e893592c1',
      'detail-type': 'WhatsApp Message Failed',
      source: 'aws.social-messaging',
      account: '111122223333',
      time: '2025-10-03T04:49:25Z',
      region: 'ca-central-1',
      resources: [],
      detail: {
        wabaId: '1163793972139053',
        originationPhoneNumber: '15815555555',
        originationPhoneNumberId: '574086085794038',
        messageId: '7bd36188-6123-4ded-a1dd-f017f0814405',
        status: 'failed',
        eventTimestamp: '1759466965',
        errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
      },
    };
    const outcome = await consumeFeedback(ports, documented);
    expect(outcome).toEqual({ suppressed: 0, dropped: expect.any(String) });
    expect(await store.list()).toHaveLength(before);
  });

  it('the admin listing shows the new reasons, sources and lapse times', async () => {
    await consumeFeedback(ports, voiceEvent('VOICE_FAILED', '+14155550112'));
    const listed = await runSuppressions([
      'list',
      '--table',
      table.tableName,
      '--endpoint',
      inject('dynamodbEndpoint'),
    ]);
    expect(listed).toContain(`voice\tunanswered\t${new Date(NOW).toISOString()} until `);
    expect(listed).toContain(`whatsapp\tnot_on_whatsapp\t${new Date(NOW).toISOString()} until `);
    expect(listed).toContain('voice\tcall_failed\t');
    expect(listed).toContain('+141****0105');
  });

  it('stores and logs no full number', async () => {
    const values = (await scanAll(table.db, table.tableName)).flatMap(scalars).join(' ');
    const logged = JSON.stringify(logs);
    for (const number of [...NUMBERS, '+14155550110', '+14155550111', '+14155550112']) {
      expect(values).not.toContain(number.slice(1));
      expect(logged).not.toContain(number.slice(1));
    }
  });
});
