// Seed 000 end to end through the local runtime: the README walkthrough and every documented error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../lib/store/client.ts';
import { leaks } from './helpers/leaks.ts';
import { startService, type TestService } from './helpers/service.ts';
import { scalars, scanAll } from './helpers/table.ts';

const PATH = '/v2/mail/enduserapi/v2/sendEmail';
let service: TestService;

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

const send = (query: Record<string, string>, headers: Record<string, string> = {}) =>
  service.request('POST', PATH, { query, headers });

describe('seed 000 sendEmail', () => {
  it('sends a 6-digit code that the native check approves once (README walkthrough)', async () => {
    const sent = await send({ email: 'alice@example.com', emailType: '1', userDomain: 'C.DM.5903.1' });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ code: 200, msg: 'OK', extMsg: '', data: {} });

    const mails = service.messages('alice@example.com');
    expect(mails).toHaveLength(1);
    const code = service.lastCode('alice@example.com');
    expect(code).toMatch(/^\d{6}$/);

    const check = (value: string) =>
      service.request('POST', '/v1/verifications/check', {
        headers: { authorization: 'Bearer demo-api-key' },
        json: { channel: 'email', to: 'alice@example.com', purpose: 'register', code: value },
      });
    const first = await check(code);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ valid: true, status: 'approved' });
    const second = await check(code);
    expect(second.body).toEqual({ valid: false, status: 'already_used' });
  });

  it.each([
    ['no email', { emailType: '1', userDomain: 'C.DM.5903.1' }, 5026],
    ['blank email', { email: '  ', emailType: '1', userDomain: 'C.DM.5903.1' }, 5026],
    ['malformed email', { email: 'not-an-email', emailType: '1', userDomain: 'C.DM.5903.1' }, 5040],
    ['no userDomain', { email: 'x1@example.com', emailType: '1' }, 5023],
    ['badly formed userDomain', { email: 'x1@example.com', emailType: '1', userDomain: 'a b' }, 5013],
    ['unknown userDomain', { email: 'x1@example.com', emailType: '1', userDomain: 'C.DM.9999.1' }, 5015],
    ['emailType out of range', { email: 'x1@example.com', emailType: '6', userDomain: 'C.DM.5903.1' }, 50005],
    [
      'emailType not a number',
      { email: 'x1@example.com', emailType: 'one', userDomain: 'C.DM.5903.1' },
      50005,
    ],
    ['no emailType', { email: 'x1@example.com', userDomain: 'C.DM.5903.1' }, 50005],
    [
      'emailType naming a prototype member',
      { email: 'x1@example.com', emailType: 'constructor', userDomain: 'C.DM.5903.1' },
      50005,
    ],
  ])('%s → HTTP 200 with code %i and no mail', async (_name, query, code) => {
    const before = service.messages().length;
    const response = await send(query as Record<string, string>);
    expect(response.status).toBe(200);
    expect(response.body.code).toBe(code);
    expect(typeof response.body.msg).toBe('string');
    expect(service.messages()).toHaveLength(before);
  });

  it('accepts the parameters from a JSON body; refuses form and text/plain bodies (what a cross-site page can send) with 50005', async () => {
    const json = await service.request('POST', PATH, {
      json: { email: 'json-body@example.com', emailType: 2, userDomain: 'C.DM.5903.1' },
    });
    expect(json.body.code).toBe(200);
    expect(service.messages('json-body@example.com')[0]?.purpose).toBe('reset_password');

    const form = await service.request('POST', PATH, {
      body: 'email=form-body%40example.com&emailType=5&userDomain=C.DM.5903.1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.body.code).toBe(50005);
    const text = await service.request('POST', PATH, {
      query: { email: 'text-body@example.com', emailType: '5', userDomain: 'C.DM.5903.1' },
      body: '',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(text.body.code).toBe(50005);
    expect(service.messages('form-body@example.com')).toHaveLength(0);
    expect(service.messages('text-body@example.com')).toHaveLength(0);
  });

  it('refuses a second send to the same address within 60 s with 5058', async () => {
    const query = { email: 'twice@example.com', emailType: '1', userDomain: 'C.DM.5903.1' };
    expect((await send(query)).body.code).toBe(200);
    expect((await send({ ...query, emailType: '2' })).body.code).toBe(5058);
    expect(service.messages('twice@example.com')).toHaveLength(1);
  });

  it('answers broken JSON with a documented code, not a 5xx', async () => {
    const response = await service.request('POST', PATH, {
      body: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.body.code).toBe(50005);
  });

  it('leaves no sent code and no full address in any attribute of the table', async () => {
    const messages = service.messages();
    expect(messages.length).toBeGreaterThanOrEqual(3);
    const db = createDocumentClient(service.endpoint);
    const items = await scanAll(db, service.tableName);
    db.destroy();
    // Tenant items hold the accounts directory, whose addresses are configuration, not traffic.
    const values = items.filter((item) => !String(item.pk).startsWith('TENANT#')).flatMap(scalars);
    expect(values.length).toBeGreaterThan(20);
    for (const message of messages) {
      const code = message.text.match(/\b(\d{6})\b/)?.[1] ?? 'missing';
      expect(values.some((value) => leaks(value, code))).toBe(false);
      expect(values.some((value) => value.toLowerCase().includes(message.to.toLowerCase()))).toBe(false);
    }
  });
});
