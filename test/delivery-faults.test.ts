// Provider faults through the real SES/SNS clients (aws-sdk-client-mock), seen through seed 000 and the native API.
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.ts';
import { rememberSecret } from './setup/log-guard.ts';

const ses = mockClient(SESClient);
const sns = mockClient(SNSClient);
let service: TestService;

beforeAll(async () => {
  service = await startService({ delivery: 'aws' });
});
afterAll(async () => {
  ses.restore();
  sns.restore();
  await service?.stop();
});
beforeEach(() => {
  ses.reset();
  sns.reset();
});

const sendEmail = (email: string) =>
  service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
    query: { email, emailType: '1', userDomain: 'C.DM.5903.1' },
  });
const check = (channel: 'email' | 'sms', to: string, purpose: string, code: string) =>
  service.request('POST', '/v1/verifications/check', {
    headers: { authorization: 'Bearer demo-api-key' },
    json: { channel, to, purpose, code },
  });
const codeIn = (text: string | undefined) => rememberSecret(text?.match(/\b(\d{6})\b/)?.[1] ?? 'missing');

describe('SES', () => {
  it('gets one SendEmail with the tenant sender, text and HTML parts', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    expect((await sendEmail('Mixed.Case@Example.com')).body.code).toBe(200);
    const [call] = ses.commandCalls(SendEmailCommand);
    const input = call?.args[0].input;
    expect(input?.Source).toBe('Codegate Demo <no-reply@demo.codegate.local>');
    expect(input?.Destination?.ToAddresses).toEqual(['Mixed.Case@Example.com']);
    expect(input?.Message?.Body?.Text?.Data).toMatch(/\b\d{6}\b/);
    expect(input?.Message?.Body?.Html?.Data).toContain('<html');
  });

  it('failing → 5059, no usable code left, and the address may send again at once', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const failed = await sendEmail('bounce@example.com');
    expect(failed.status).toBe(200);
    expect(failed.body.code).toBe(5059);
    const lost = codeIn(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Message?.Body?.Text?.Data);
    expect((await check('email', 'bounce@example.com', 'register', lost)).body).toEqual({
      valid: false,
      status: 'not_found',
    });

    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    expect((await sendEmail('bounce@example.com')).body.code).toBe(200);
    const fresh = codeIn(ses.commandCalls(SendEmailCommand)[1]?.args[0].input.Message?.Body?.Text?.Data);
    expect((await check('email', 'bounce@example.com', 'register', fresh)).body.valid).toBe(true);
  });

  it('throttled → the native API answers 503 delivery_failed, never a stack trace', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const response = await service.request('POST', '/v1/verifications', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'email', to: 'slow@example.com', purpose: 'login' },
    });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      error: { code: 'delivery_failed', message: 'The message could not be delivered; no code was issued.' },
    });
  });
});

describe('SNS', () => {
  it('gets a transactional Publish to the E.164 number with the tenant sender id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 's-1' });
    const response = await service.request('POST', '/v1/verifications', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'sms', to: '+14155550123', purpose: 'login' },
    });
    expect(response.status).toBe(201);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.PhoneNumber).toBe('+14155550123');
    expect(input?.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Transactional');
    expect(input?.MessageAttributes?.['AWS.SNS.SMS.SenderID']?.StringValue).toBe('Codegate');
    expect((await check('sms', '+14155550123', 'login', codeIn(input?.Message))).body.valid).toBe(true);
  });

  it('failing → 503 and the code is withdrawn', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalErrorException' }));
    const response = await service.request('POST', '/v1/verifications', {
      headers: { authorization: 'Bearer demo-api-key' },
      json: { channel: 'sms', to: '+14155550124', purpose: 'login' },
    });
    expect(response.status).toBe(503);
    const lost = codeIn(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message);
    expect((await check('sms', '+14155550124', 'login', lost)).body.status).toBe('not_found');
  });
});
