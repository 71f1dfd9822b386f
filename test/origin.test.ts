// Browser requests send nothing unless the tenant allows their origin: every send and confirm endpoint,
// whichever dialect names the tenant. Server-to-server calls (no Origin) are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { cnNumbers, PATH as SMS_PATH, signed } from './helpers/acceleronix-sms.ts';
import { startService, type TestService } from './helpers/service.ts';
import { rememberSecret } from './setup/log-guard.ts';

const ALLOWED = 'https://app.example';
const EVIL = 'https://evil.example';
let service: TestService;

beforeAll(async () => {
  const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
  const allowing = tenants.map((tenant) =>
    tenant.id === 'demo' ? { ...tenant, allowedOrigins: [ALLOWED] } : tenant,
  );
  service = await startService({ tenants: { tenants: allowing } });
});
afterAll(async () => {
  await service?.stop();
});

type Origin = 'none' | 'allowed' | 'evil';
let n = 0;
/** Headers of a fresh caller (own client IP) from the given origin. */
function from(origin: Origin, extra: Record<string, string> = {}): Record<string, string> {
  n++;
  const headers: Record<string, string> = { 'x-forwarded-for': `203.0.113.${n % 250}`, ...extra };
  if (origin === 'allowed') headers.origin = ALLOWED;
  if (origin === 'evil') headers.origin = EVIL;
  return headers;
}
const mailbox = (label: string, origin: Origin) => `${label}-${origin}-${n + 1}@example.com`;
const cnNumber = cnNumbers('1391');

/** One send per dialect: returns the address it targeted and whether the answer was the dialect's success. */
const SENDS: Record<string, (origin: Origin) => Promise<{ to: string; ok: boolean; body: unknown }>> = {
  fresns: async (origin) => {
    const to = mailbox('fresns', origin);
    const response = await service.request('POST', '/api/v2/common/send-verify-code', {
      headers: from(origin),
      json: { type: 'email', useType: 5, templateId: 1, account: to },
    });
    return { to, ok: response.body.code === 0, body: response.body };
  },
  'seed 000': async (origin) => {
    const to = mailbox('seed000', origin);
    const response = await service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
      headers: from(origin),
      query: { email: to, emailType: '1', userDomain: 'C.DM.5903.1' },
    });
    return { to, ok: response.body.code === 200, body: response.body };
  },
  'seed 002': async (origin) => {
    const phone = cnNumber();
    const response = await service.request('POST', SMS_PATH, {
      headers: from(origin),
      query: signed({ phone }),
    });
    return { to: `+86${phone}`, ok: response.body.code === 200, body: response.body };
  },
  anqicms: async (origin) => {
    const to = mailbox('anqicms', origin);
    const response = await service.request('POST', '/api/verify/email', {
      headers: from(origin),
      json: { email: to, state: 'plain' },
    });
    return { to, ok: response.body.code === 0, body: response.body };
  },
  native: async (origin) => {
    const to = mailbox('native', origin);
    const response = await service.request('POST', '/v1/verifications', {
      headers: from(origin, { authorization: 'Bearer demo-api-key' }),
      json: { channel: 'email', to, purpose: 'login' },
    });
    return { to, ok: response.status === 201, body: response.body };
  },
  eiam: async (origin) => {
    const to = mailbox('eiam', origin);
    const device = {
      'x-operating-sys-version': 'windows10.1.1',
      'x-device-fingerprint': `fp-origin-${n}-156aysdna213sc50`,
      'x-agent': 'Mozilla/5.0',
      'x-client-id': 'nTo1eRIub60vPb54WeE6aojPwYwImtl4',
    };
    // The captcha is solved server-side (no Origin): only the send itself carries the origin under test.
    const caller = from('none', device);
    const puzzle = (await service.request('GET', '/api/v2/sdk/captcha', { headers: caller })).body;
    const answer = await service.request('GET', `/_local/captcha/${puzzle.token}`, {
      headers: { 'x-client-id': device['x-client-id'] },
    });
    const verified = await service.request('POST', '/api/v2/sdk/captcha/verify', {
      headers: caller,
      json: {
        point_json: `{"x":${Number(answer.body.x).toFixed(1)},"y":5.0}`,
        token: puzzle.token,
        sender: to,
      },
    });
    const sendHeaders = {
      ...caller,
      ...(origin === 'none' ? {} : { origin: origin === 'evil' ? EVIL : ALLOWED }),
    };
    const response = await service.request('POST', '/api/v2/sdk/email/send', {
      headers: sendHeaders,
      json: { email: to, type: 'LOGIN_EMS', captcha_token: verified.body.captcha_token },
    });
    return { to, ok: response.status === 200, body: response.body };
  },
};

/** Each dialect's documented refusal of a browser request from an origin the tenant does not allow. */
const REFUSALS: Record<string, unknown> = {
  fresns: { code: 30000, message: 'Parameter error', data: null },
  'seed 000': { code: 403, msg: 'Forbidden', extMsg: 'browser requests from this origin are not allowed' },
  'seed 002': { code: 403, msg: 'Forbidden', extMsg: 'browser requests from this origin are not allowed' },
  anqicms: { code: -1, msg: '不允许来自该来源的请求' },
  native: { error: { code: 'origin_not_allowed' } },
  eiam: { error_code: 'SDK.COMMON.1012' },
};

describe('browser origins', () => {
  it.each(Object.keys(SENDS))(
    '%s: Origin https://evil.example → the documented refusal, nothing sent',
    async (name) => {
      const result = await SENDS[name]?.('evil');
      expect(result?.ok).toBe(false);
      expect(result?.body).toMatchObject(REFUSALS[name] as object);
      expect(service.messages(result?.to)).toHaveLength(0);
    },
  );

  it.each(Object.keys(SENDS))('%s: no Origin (server to server) → sent', async (name) => {
    const result = await SENDS[name]?.('none');
    expect(result?.ok, JSON.stringify(result?.body)).toBe(true);
    expect(service.messages(result?.to)).toHaveLength(1);
    rememberSecret(service.lastCode(result?.to ?? ''));
  });

  it.each(Object.keys(SENDS))('%s: an origin in allowedOrigins → sent', async (name) => {
    const result = await SENDS[name]?.('allowed');
    expect(result?.ok, JSON.stringify(result?.body)).toBe(true);
    expect(service.messages(result?.to)).toHaveLength(1);
    rememberSecret(service.lastCode(result?.to ?? ''));
  });

  it('Sec-Fetch-Site: cross-site without an Origin is refused too; same-site and none are not', async () => {
    const send = (site: string) =>
      service.request('POST', '/v1/verifications', {
        headers: from('none', { authorization: 'Bearer demo-api-key', 'sec-fetch-site': site }),
        json: { channel: 'email', to: `site-${site}@example.com`, purpose: 'login' },
      });
    expect((await send('cross-site')).status).toBe(403);
    expect(service.messages('site-cross-site@example.com')).toHaveLength(0);
    expect((await send('same-origin')).status).toBe(201);
  });

  it('a tenant with no allowedOrigins refuses every browser origin (tenant other, by its API key)', async () => {
    const response = await service.request('POST', '/v1/verifications', {
      headers: from('allowed', { authorization: 'Bearer other-api-key' }),
      json: { channel: 'email', to: 'other-origin@example.com', purpose: 'login' },
    });
    expect(response.status).toBe(403);
    expect(service.messages('other-origin@example.com')).toHaveLength(0);
  });

  it("AnqiCMS confirmation: a cross-site form post is refused; the page's own form (linkBaseUrl origin) confirms", async () => {
    const to = 'confirm-origin@example.com';
    await service.request('POST', '/api/verify/email', {
      headers: from('none'),
      json: { email: to, state: 'plain' },
    });
    const link = new URL(
      service.messages(to)[0]?.text.match(/https?:\/\/\S+\/api\/verify\/email\?\S+/)?.[0] ?? '',
    );
    const token = rememberSecret(link.searchParams.get('token') ?? '');
    rememberSecret(service.lastCode(to));
    const post = (origin: string) =>
      fetch(`${service.url}/api/verify/email/confirm`, {
        method: 'POST',
        headers: { origin, 'accept-language': 'en', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, email: to, state: 'plain' }).toString(),
      });
    const json = await service.request('GET', '/api/verify/email', {
      headers: { origin: EVIL },
      query: { token, email: to, state: 'plain', return: 'json' },
    });
    expect(json.body).toMatchObject(REFUSALS.anqicms as object);
    const refused = await post(EVIL);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Link invalid');
    const own = await post(new URL(service.url).origin);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('verified');
  });

  it('a cross-site HTML form or text/plain fetch cannot send through Fresns or seed 000 even without Origin', async () => {
    const fresnsForm = await service.request('POST', '/api/v2/common/send-verify-code', {
      headers: from('none', { 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'type=email&useType=5&templateId=1&account=form-fresns%40example.com',
    });
    expect(fresnsForm.body.code).toBe(30000);
    const fresnsText = await service.request('POST', '/api/v2/common/send-verify-code', {
      headers: from('none', { 'content-type': 'text/plain' }),
      body: JSON.stringify({ type: 'email', useType: 5, templateId: 1, account: 'text-fresns@example.com' }),
    });
    expect(fresnsText.body.code).toBe(30000);
    const seed000Text = await service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
      headers: from('none', { 'content-type': 'text/plain' }),
      query: { email: 'text-000@example.com', emailType: '1', userDomain: 'C.DM.5903.1' },
      body: '',
    });
    expect(seed000Text.body.code).toBe(50005);
    for (const to of ['form-fresns@example.com', 'text-fresns@example.com', 'text-000@example.com']) {
      expect(service.messages(to)).toHaveLength(0);
    }
  });
});
