// The native API (SPEC §5) through the local runtime: auth, validation, statuses, idempotency, limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

let ip = 0;
const call = (method: string, path: string, json?: unknown, headers: Record<string, string> = {}) =>
  service.request(method, path, {
    json,
    headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': `192.0.2.${++ip}`, ...headers },
  });

describe('native API', () => {
  it('sends by email: 201 with a masked address and an id whose status follows the check', async () => {
    const sent = await call('POST', '/v1/verifications', {
      channel: 'email',
      to: 'Dana@Example.com',
      purpose: 'login',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'pending', channel: 'email', to: 'D***@Example.com' });
    expect(Date.parse(sent.body.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(JSON.stringify(sent.body)).not.toMatch(/\b\d{6}\b/);

    const code = service.lastCode('dana@example.com');
    const status = () => call('GET', `/v1/verifications/${sent.body.id}`);
    expect((await status()).body).toMatchObject({ id: sent.body.id, status: 'pending', purpose: 'login' });
    const checked = await call('POST', '/v1/verifications/check', {
      channel: 'email',
      to: 'dana@example.com',
      purpose: 'login',
      code,
    });
    expect(checked.body).toEqual({ valid: true, status: 'approved' });
    expect((await status()).body.status).toBe('approved');
  });

  it('sends by SMS to E.164 numbers, in the locale asked for', async () => {
    const sent = await call('POST', '/v1/verifications', {
      channel: 'sms',
      to: '+8613800138000',
      purpose: 'mfa',
      locale: 'zh-CN',
    });
    expect(sent.status).toBe(201);
    expect(sent.body.to).toBe('+86138****8000');
    const [sms] = service.messages('+8613800138000');
    expect(sms?.channel).toBe('sms');
    expect(sms?.text).toContain('验证码');
    expect(sms?.subject).toBeUndefined();
  });

  it('answers 401 without a valid API key, and never reveals which part was wrong', async () => {
    for (const authorization of ['', 'Bearer nope-nope-nope', 'Basic demo-api-key', 'Bearer']) {
      const response = await service.request('POST', '/v1/verifications', {
        json: { channel: 'email', to: 'x@example.com', purpose: 'login' },
        headers: { authorization },
      });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
  });

  it('answers 400 for malformed bodies, unknown purposes and bad addresses', async () => {
    const bad: unknown[] = [
      { channel: 'fax', to: 'x@example.com', purpose: 'login' },
      { channel: 'email', to: 'x@example.com', purpose: 'launch' },
      { channel: 'email', to: 'x@example.com', purpose: 'login', extra: 1 },
      { channel: 'email', purpose: 'login' },
      [],
      'text',
    ];
    for (const body of bad) {
      const response = await call('POST', '/v1/verifications', body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
    const address = await call('POST', '/v1/verifications', {
      channel: 'email',
      to: 'not an email',
      purpose: 'login',
    });
    expect(address.body.error.code).toBe('invalid_address');
    const country = await call('POST', '/v1/verifications', {
      channel: 'sms',
      to: '+33612345678',
      purpose: 'login',
    });
    expect(country.body.error.code).toBe('country_not_allowed');
    const broken = await service.request('POST', '/v1/verifications', {
      body: '{"channel":',
      headers: { authorization: 'Bearer demo-api-key', 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
  });

  it('answers 429 with Retry-After when the cooldown refuses a send', async () => {
    const body = { channel: 'email', to: 'eager@example.com', purpose: 'login' };
    expect((await call('POST', '/v1/verifications', body)).status).toBe(201);
    const again = await call('POST', '/v1/verifications', body);
    expect(again.status).toBe(429);
    expect(again.body.error).toMatchObject({ code: 'rate_limited' });
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(again.body.error.retryAfter).toBe(Number(again.headers.get('retry-after')));
  });

  it('replays an Idempotency-Key with the first response and refuses it for another request', async () => {
    const body = { channel: 'email', to: 'idem@example.com', purpose: 'register' };
    const headers = { 'idempotency-key': 'order-42' };
    const first = await call('POST', '/v1/verifications', body, headers);
    const second = await call('POST', '/v1/verifications', body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(service.messages('idem@example.com')).toHaveLength(1);
    const other = await call('POST', '/v1/verifications', { ...body, purpose: 'login' }, headers);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('keeps tenants apart: another tenant cannot read or check a verification', async () => {
    const sent = await call('POST', '/v1/verifications', {
      channel: 'email',
      to: 'split@example.com',
      purpose: 'bind',
    });
    const code = service.lastCode('split@example.com');
    const otherAuth = { authorization: 'Bearer other-api-key' };
    expect((await call('GET', `/v1/verifications/${sent.body.id}`, undefined, otherAuth)).status).toBe(404);
    const check = await call(
      'POST',
      '/v1/verifications/check',
      { channel: 'email', to: 'split@example.com', purpose: 'bind', code },
      otherAuth,
    );
    expect(check.body.valid).toBe(false);
  });

  it('answers 404 for unknown ids and unknown routes', async () => {
    expect((await call('GET', '/v1/verifications/vf_nope')).status).toBe(404);
    expect((await call('GET', '/v1/nothing-here')).status).toBe(404);
  });

  it('finds the latest verification by address, for callers that never saw its id', async () => {
    const body = { channel: 'email', to: 'Finder@Example.com', purpose: 'login' };
    const sent = await call('POST', '/v1/verifications', body);
    const find = (query: Record<string, string>, key = 'demo-api-key') =>
      service.request('GET', '/v1/verifications', { query, headers: { authorization: `Bearer ${key}` } });
    const query = { channel: 'email', to: 'finder@example.com', purpose: 'login' };

    const pending = await find(query);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      channel: 'email',
      to: 'f***@example.com',
      purpose: 'login',
      verifiedAt: null,
      latest: { id: sent.body.id, status: 'pending', expiresAt: sent.body.expiresAt },
    });
    await call('POST', '/v1/verifications/check', { ...body, code: service.lastCode('finder@example.com') });
    expect((await find(query)).body.latest.status).toBe('approved');

    expect((await find({ ...query, purpose: 'register' })).status).toBe(404);
    expect((await find({ ...query, to: 'nobody@example.com' })).status).toBe(404);
    expect((await find(query, 'other-api-key')).status).toBe(404);
    expect((await find({ ...query, channel: 'fax' })).body.error.code).toBe('invalid_request');
    expect((await find({ channel: 'email', to: 'finder@example.com' })).status).toBe(400);
    expect((await find(query, 'wrong-key-123')).status).toBe(401);
  });

  it('redeems grants only when they exist: unknown or malformed tokens are simply not valid', async () => {
    const redeem = (json: unknown, key = 'demo-api-key') =>
      service.request('POST', '/v1/grants/redeem', { json, headers: { authorization: `Bearer ${key}` } });
    const unknown = await redeem({
      to: 'alice@example.com',
      purpose: 'reset_password',
      token: 'A'.repeat(43),
    });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ valid: false });
    expect((await redeem({ to: 'alice@example.com', purpose: 'reset_password' })).status).toBe(400);
    expect((await redeem({ to: 'alice@example.com', purpose: 'nap', token: 'A'.repeat(43) })).status).toBe(
      400,
    );
    expect(
      (await redeem({ to: 'a@b.co', purpose: 'reset_password', token: 'A'.repeat(43) }, 'nope-nope-nope'))
        .status,
    ).toBe(401);
  });
});
