// WhatsApp and voice through the real End User Messaging clients (aws-sdk-client-mock): what each request carries
// (the authentication template with the code as body and copy-code button parameter; SSML reading the code twice
// in the locale's voice), and provider faults — throttling, an unknown template, a number not on WhatsApp, a
// failed call — answered with each dialect's documented delivery refusal, the code withdrawn, nothing left half-sent.
import { PinpointSMSVoiceV2Client, SendVoiceMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SendWhatsAppMessageCommand, SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startService, type TestService, twilioPost } from './helpers/service.ts';
import { rememberSecret } from './setup/log-guard.ts';

const social = mockClient(SocialMessagingClient);
const voice = mockClient(PinpointSMSVoiceV2Client);
let service: TestService;

beforeAll(async () => {
  service = await startService({ delivery: 'aws' });
});
afterAll(async () => {
  social.restore();
  voice.restore();
  await service?.stop();
});
beforeEach(() => {
  social.reset();
  voice.reset();
});

const fault = (name: string, message: string) => Object.assign(new Error(message), { name });
const native = (path: string, json: unknown) =>
  service.request('POST', path, { headers: { authorization: 'Bearer demo-api-key' }, json });
const twilioCreate = (to: string, channel: string) =>
  twilioPost(service, '/Verifications', { To: to, Channel: channel });

/** The Meta message a SendWhatsAppMessage carried. */
function whatsappMessage(index = 0) {
  const input = social.commandCalls(SendWhatsAppMessageCommand)[index]?.args[0].input;
  const message = JSON.parse(new TextDecoder().decode(input?.message));
  return { input, message, code: rememberSecret(message.template.components[0].parameters[0].text) };
}

describe('WhatsApp (SendWhatsAppMessage)', () => {
  it("sends the locale's authentication template: the code as body and copy-code button parameter", async () => {
    social.on(SendWhatsAppMessageCommand).resolves({ messageId: 'wamid-1' });
    const to = '+14155556006';
    const sent = await native('/v1/verifications', {
      channel: 'whatsapp',
      to,
      purpose: 'login',
      locale: 'zh-CN',
    });
    expect(sent.status).toBe(201);
    const { input, message, code } = whatsappMessage();
    expect(input?.originationPhoneNumberId).toBe('phone-number-id-0123456789abcdef0123456789abcdef');
    expect(input?.metaApiVersion).toBe('v20.0');
    expect(message).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: {
        name: 'codegate_code',
        language: { code: 'zh_CN' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: code }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: code }] },
        ],
      },
    });
    expect(code).toMatch(/^\d{6}$/);
    const checked = await native('/v1/verifications/check', {
      channel: 'whatsapp',
      to,
      purpose: 'login',
      code,
    });
    expect(checked.body).toEqual({ valid: true, status: 'approved' });
  });

  it.each([
    ['throttling', '+12025551001', fault('ThrottlingException', 'Rate exceeded')],
    ['an unknown template', '+12065552002', fault('ValidationException', 'Template name does not exist')],
    [
      'a number not on WhatsApp',
      '+13125553003',
      fault('ValidationException', 'Recipient is not a WhatsApp user'),
    ],
  ])(
    '%s → native 503 delivery_failed, the code withdrawn, a retry may send at once',
    async (_, to, error) => {
      social.on(SendWhatsAppMessageCommand).rejectsOnce(error).resolves({ messageId: 'wamid-2' });
      const failed = await native('/v1/verifications', { channel: 'whatsapp', to, purpose: 'login' });
      expect(failed.status).toBe(503);
      expect(failed.body.error.code).toBe('delivery_failed');
      const lost = whatsappMessage(0).code;
      const check = await native('/v1/verifications/check', {
        channel: 'whatsapp',
        to,
        purpose: 'login',
        code: lost,
      });
      expect(check.body).toEqual({ valid: false, status: 'not_found' });
      expect((await native('/v1/verifications', { channel: 'whatsapp', to, purpose: 'login' })).status).toBe(
        201,
      );
    },
  );

  it('the Twilio dialect answers a failed WhatsApp send with 20503, nothing pending', async () => {
    social.on(SendWhatsAppMessageCommand).rejects(fault('ThrottlingException', 'Rate exceeded'));
    const failed = await twilioCreate('+14155558008', 'whatsapp');
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ code: 20503, status: 503 });
    const lost = whatsappMessage(0).code;
    const check = await twilioPost(service, '/VerificationCheck', { To: '+14155558008', Code: lost });
    expect(check.body).toMatchObject({ code: 20404 });
  });
});

describe('voice (SendVoiceMessage)', () => {
  it("calls from the tenant's origination identity with SSML reading the code twice in the locale's voice", async () => {
    voice.on(SendVoiceMessageCommand).resolves({ MessageId: 'call-1' });
    const to = '+14155559009';
    expect((await native('/v1/verifications', { channel: 'voice', to, purpose: 'login' })).status).toBe(201);
    const input = voice.commandCalls(SendVoiceMessageCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      DestinationPhoneNumber: to,
      OriginationIdentity: '+12065550100',
      MessageBodyTextType: 'SSML',
      VoiceId: 'JOANNA',
    });
    const body = input?.MessageBody ?? '';
    expect(body).toMatch(/^<speak>Your Codegate Demo verification code is<break/);
    const digits = [...body.matchAll(/<say-as interpret-as="digits">(\d)<\/say-as>/g)].map(
      (match) => match[1],
    );
    expect(digits).toHaveLength(12);
    const code = rememberSecret(digits.slice(0, 6).join(''));
    expect(digits.slice(6).join('')).toBe(code);
    const checked = await native('/v1/verifications/check', { channel: 'voice', to, purpose: 'login', code });
    expect(checked.body).toEqual({ valid: true, status: 'approved' });
  });

  it('a failed call → native 503 delivery_failed and Twilio 20503, the code withdrawn', async () => {
    voice
      .on(SendVoiceMessageCommand)
      .rejects(fault('ValidationException', 'Destination cannot receive voice'));
    const failed = await native('/v1/verifications', {
      channel: 'voice',
      to: '+447400423456',
      purpose: 'login',
    });
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('delivery_failed');
    const twilio = await twilioCreate('+447400523456', 'call');
    expect(twilio.body).toMatchObject({ code: 20503 });
    expect(voice.commandCalls(SendVoiceMessageCommand)).toHaveLength(2);
    const lost = rememberSecret(
      [
        ...(voice.commandCalls(SendVoiceMessageCommand)[0]?.args[0].input.MessageBody ?? '').matchAll(
          />(\d)</g,
        ),
      ]
        .slice(0, 6)
        .map((match) => match[1])
        .join(''),
    );
    const check = await native('/v1/verifications/check', {
      channel: 'voice',
      to: '+447400423456',
      purpose: 'login',
      code: lost,
    });
    expect(check.body).toEqual({ valid: false, status: 'not_found' });
  });
});
