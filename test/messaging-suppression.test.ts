// WhatsApp and voice outcomes end to end through the local runtime: the feedback consumer (the one the deployed
// function runs) suppresses a number from the events AWS documents, and every send on that channel is then
// refused in each dialect's words — native 422 `address_suppressed`, Twilio 60410 — before anything is sent, while
// the number's other channels still send; the suppression lapses on its own, or an operator lifts it.
// Every number is in its own block of 1,000, so the SMS-pumping prefix guard never sees a run to one prefix.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuppressions } from '../infra/admin/suppressions.ts';
import { readPepper } from '../lib/pepper.ts';
import { advanceClock, localNow } from '../lib/runtime.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { SuppressionStore } from '../lib/store/suppressions.ts';
import type { FeedbackPorts } from '../lib/suppression/consumer.ts';
import {
  consumeFeedback,
  NOT_ON_WHATSAPP_SUPPRESSION_SECONDS,
  UNANSWERED_CALL_SUPPRESSION_SECONDS,
} from '../lib/suppression/messaging-consumer.ts';
import { voiceEvent, whatsAppFailed, whatsAppSnsEvent, whatsAppStatus } from './fixtures/messaging-events.ts';
import { startService, type TestService } from './helpers/service.ts';
import { DEMO_TWILIO, LocalHttpClient, restError } from './helpers/twilio-client.ts';

/** A known pepper, so the consumer and `npm run suppressions` key numbers as the service does. */
const PEPPER = 'messaging-suppression-pepper-0123456789abcdef';
const outerPepper = process.env.PEPPER;
let service: TestService;
let client: twilio.Twilio;
let ports: FeedbackPorts;
let db: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  process.env.PEPPER = PEPPER;
  service = await startService();
  client = twilio(DEMO_TWILIO.account, DEMO_TWILIO.token, { httpClient: new LocalHttpClient(service.url) });
  db = createDocumentClient(service.endpoint);
  ports = {
    store: new SuppressionStore(db, service.tableName),
    pepper: await readPepper({ PEPPER }),
    clock: { now: localNow },
    log: () => undefined,
  };
});
afterAll(async () => {
  if (outerPepper === undefined) delete process.env.PEPPER;
  else process.env.PEPPER = outerPepper;
  db?.destroy();
  await service?.stop();
});

let ip = 0;
const nativeSend = (channel: string, to: string) =>
  service.request('POST', '/v1/verifications', {
    json: { channel, to, purpose: 'login' },
    headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': `198.51.100.${++ip}` },
  });
const twilioSend = (channel: 'call' | 'whatsapp' | 'sms', to: string) =>
  client.verify.v2.services(DEMO_TWILIO.service).verifications.create({ to, channel });
const admin = (...args: string[]) =>
  runSuppressions([...args, '--table', service.tableName, '--endpoint', service.endpoint]);

describe('a call busy or never answered', () => {
  const to = '+14155561001';

  it('suppresses calls to the number: native and Twilio refuse, nothing is called, other channels still send', async () => {
    expect(await consumeFeedback(ports, voiceEvent('VOICE_NO_ANSWER', to))).toEqual({ suppressed: 1 });

    const refused = await nativeSend('voice', to);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: {
        code: 'address_suppressed',
        message: 'Calls to the number were busy or not answered; no call is placed to it for now.',
      },
    });
    const error = await restError(twilioSend('call', to));
    expect([error.status, error.code]).toEqual([403, 60410]);
    expect(service.messages(to)).toEqual([]);

    // The suppression is the call channel's only: a WhatsApp code and an SMS still go out.
    expect((await nativeSend('whatsapp', to)).status).toBe(201);
    expect((await twilioSend('sms', to)).status).toBe('pending');
    expect(service.messages(to).map((message) => message.channel)).toEqual(['sms', 'whatsapp']);
  });

  it('lapses after an hour: the next call is placed', async () => {
    advanceClock(UNANSWERED_CALL_SUPPRESSION_SECONDS * 1000 + 1000);
    expect((await nativeSend('voice', to)).status).toBe(201);
    expect(service.messages(to)[0]?.channel).toBe('voice');
  });
});

describe('a WhatsApp message failed with 131026 (not on WhatsApp)', () => {
  const to = '+14155572002';

  it('suppresses WhatsApp to the number: native and Twilio refuse, nothing is sent, a call still goes', async () => {
    const event = whatsAppSnsEvent(whatsAppStatus(whatsAppFailed(to.slice(1), 131026)));
    expect(await consumeFeedback(ports, event)).toEqual({ suppressed: 1 });

    const refused = await nativeSend('whatsapp', to);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toEqual({
      code: 'address_suppressed',
      message:
        'WhatsApp reported the number cannot receive WhatsApp messages; nothing is sent to it for now.',
    });
    const error = await restError(twilioSend('whatsapp', to));
    expect([error.status, error.code]).toEqual([403, 60410]);
    expect(service.messages(to)).toEqual([]);

    expect((await twilioSend('call', to)).status).toBe('pending');
    expect(service.messages(to).map((message) => message.channel)).toEqual(['voice']);
  });

  it('is listed with its reason and lapse time, and an operator can lift it at once', async () => {
    const listed = await admin('list');
    expect(listed).toMatch(/whatsapp\tnot_on_whatsapp\t\S+ until \S+\t\+141\*\*\*\*2002\t/);
    const until = listed.match(/whatsapp\tnot_on_whatsapp\t(\S+) until (\S+)\t/);
    expect(Date.parse(until?.[2] ?? '') - Date.parse(until?.[1] ?? '')).toBe(
      NOT_ON_WHATSAPP_SUPPRESSION_SECONDS * 1000,
    );
    expect(await admin('remove', '--to', to, '--channel', 'whatsapp')).toBe('removed whatsapp +141****2002');
    expect((await nativeSend('whatsapp', to)).status).toBe(201);
    expect(service.messages(to)[0]?.channel).toBe('whatsapp');
  });

  it('a failure about the business (131056, pair rate limit) suppresses nothing', async () => {
    const other = '+14155583003';
    const event = whatsAppSnsEvent(
      whatsAppStatus(
        whatsAppFailed(other.slice(1), 131056, '(Business Account, Consumer Account) pair rate limit hit'),
      ),
    );
    expect(await consumeFeedback(ports, event)).toEqual({ suppressed: 0 });
    expect((await nativeSend('whatsapp', other)).status).toBe(201);
  });
});
