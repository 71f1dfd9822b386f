// Test data for the grants-from-behaviour suite: for every route of lib/routes.ts, a short list of requests
// that drives its handler through its success and failure paths. A route added to ROUTES without an entry
// here fails test/grants.test.ts, so its grants are always compared with what its code really sends.
import type { ROUTES } from '../../lib/routes.ts';
import { signed } from './acceleronix-sms.ts';

export interface ScenarioRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path with any query string. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  /** A raw body (form posts); `json` wins when both are set. */
  body?: string;
  headers?: Record<string, string>;
}

export interface ScenarioResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** What a step may use: fresh addresses and IPs, the messages delivered so far, faults, captcha answers. */
export interface ScenarioContext {
  /** A fresh email address (`<label>-<n>@example.com`), so no cooldown crosses steps. */
  email(label: string): string;
  /** A fresh Chinese mobile number, national digits (`138…`); `+86` prefix for E.164. */
  phone(): string;
  /** Headers with a fresh client IP, so no per-IP window crosses steps. */
  ip(): Record<string, string>;
  /** The text of the newest SES mail or SNS SMS to `to`. */
  message(to: string): string;
  /** The 6-digit code in the newest message to `to`. */
  code(to: string): string;
  /** The link in the newest mail to `to`, as a path with its query. */
  link(to: string): string;
  /** The next SES or SNS call fails (provider fault): exercises the withdraw path. */
  failNextDelivery(): void;
  /** The slider answer (x) of a captcha challenge token, read from the table. */
  captchaX(token: string): Promise<number>;
  /** Responses of the earlier steps of this scenario, by their `as` name. */
  saved: Record<string, ScenarioResponse>;
}

export interface Step {
  /** Success or failure path; every scenario needs both on its own route. */
  outcome: 'success' | 'failure';
  request: (ctx: ScenarioContext) => ScenarioRequest | Promise<ScenarioRequest>;
  /** The status expected, and optionally fields the body must contain. */
  expect: { status: number; body?: Record<string, unknown> };
  /** Keeps the response for later steps. */
  as?: string;
}

type RouteName = (typeof ROUTES)[number]['name'];

/** Addresses that must be accounts of the demo tenant: AnqiCMS mails only its users. */
export const SCENARIO_ACCOUNTS = ['anqi-send', 'anqi-fault', 'anqi-page', 'anqi-json', 'anqi-confirm'].map(
  (name) => `${name}@example.com`,
);

const API_KEY = { authorization: 'Bearer demo-api-key' };
const USER_DOMAIN = 'C.DM.5903.1';
const CLIENT_ID = 'nTo1eRIub60vPb54WeE6aojPwYwImtl4';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** EIAM headers of one device, with a fresh IP. */
const device = (ctx: ScenarioContext): Record<string, string> => ({
  ...ctx.ip(),
  'x-operating-sys-version': 'windows10.1.1',
  'x-device-fingerprint': 'fp-grants-156aysdna213sc50',
  'x-agent': 'Mozilla/5.0 (grants test)',
  'x-client-id': CLIENT_ID,
});

const nativeSend = (
  to: string,
  channel: 'email' | 'sms' | 'whatsapp' | 'voice' = 'email',
): ScenarioRequest => ({
  method: 'POST',
  path: '/v1/verifications',
  headers: API_KEY,
  json: { channel, to, purpose: 'login' },
});
const nativeCheck = (to: string, code: string): ScenarioRequest => ({
  method: 'POST',
  path: '/v1/verifications/check',
  headers: API_KEY,
  json: { channel: 'email', to, purpose: 'login', code },
});
const seed000Mail = (email: string, ctx: ScenarioContext, userDomain = USER_DOMAIN): ScenarioRequest => ({
  method: 'POST',
  path: '/v2/mail/enduserapi/v2/sendEmail',
  query: { email, emailType: '1', userDomain },
  headers: ctx.ip(),
});
const seed002Sms = (ctx: ScenarioContext, fields: Record<string, string>): ScenarioRequest => ({
  method: 'POST',
  path: '/v2/sms/enduserapi/v2/sendPhoneSmsCode',
  query: signed({ phone: ctx.phone(), ...fields }),
  headers: ctx.ip(),
});
const fresns = (ctx: ScenarioContext, body: unknown): ScenarioRequest => ({
  method: 'POST',
  path: '/api/v2/common/send-verify-code',
  json: body,
  headers: ctx.ip(),
});
const anqiSend = (ctx: ScenarioContext, email: string, state = 'verify'): ScenarioRequest => ({
  method: 'POST',
  path: '/api/verify/email',
  json: { email, state },
  headers: ctx.ip(),
});
/** The confirmation form the link page shows, posted as a browser would (same fields as the link). */
const anqiConfirm = (link: string): ScenarioRequest => {
  const url = new URL(link, 'http://local');
  const fields = ['token', 'email', 'state'].map((name): [string, string] => [
    name,
    url.searchParams.get(name) ?? '',
  ]);
  return {
    method: 'POST',
    path: '/api/verify/email/confirm',
    body: new URLSearchParams(fields).toString(),
    headers: FORM,
  };
};
const captcha = (ctx: ScenarioContext, headers = device(ctx)): ScenarioRequest => ({
  method: 'GET',
  path: '/api/v2/sdk/captcha',
  headers,
});
const pointJson = (x: number) => `{"x":${x.toFixed(1)},"y":5.0}`;
/** A verify request for a saved challenge, answered right (or `offset` pixels off). */
const captchaVerify = async (ctx: ScenarioContext, sender: string, offset = 0): Promise<ScenarioRequest> => {
  const token = ctx.saved.challenge?.body.token as string;
  return {
    method: 'POST',
    path: '/api/v2/sdk/captcha/verify',
    headers: device(ctx),
    json: { point_json: pointJson((await ctx.captchaX(token)) + offset), token, sender },
  };
};
const eiamSend = (ctx: ScenarioContext, kind: 'email' | 'sms', to: string): ScenarioRequest => ({
  method: 'POST',
  path: `/api/v2/sdk/${kind}/send`,
  headers: device(ctx),
  json:
    kind === 'email'
      ? { email: to, type: 'REGISTER_EMS', captcha_token: ctx.saved.passed?.body.captcha_token ?? 'x---y' }
      : { mobile: to, type: 'LOGIN_SMS', captcha_token: ctx.saved.passed?.body.captcha_token ?? 'x---y' },
});

const TWILIO_SERVICE = '/v2/Services/VA0123456789abcdef0123456789abcdef';
const TWILIO_AUTH = {
  authorization: `Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:demo-twilio-auth-token').toString('base64')}`,
  ...FORM,
};
/** A Twilio Verify v2 request: form parameters and the demo account's Basic credentials. */
const twilio = (method: 'GET' | 'POST', path: string, fields?: Record<string, string>): ScenarioRequest => ({
  method,
  path: `${TWILIO_SERVICE}${path}`,
  headers: TWILIO_AUTH,
  ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
});
/** A Twilio request outside the demo service: the Services API, a service made through it, any /v2 path. */
const twilioAt = (
  method: ScenarioRequest['method'],
  path: string,
  fields?: Record<string, string>,
  headers: Record<string, string> = TWILIO_AUTH,
): ScenarioRequest => ({
  method,
  path,
  headers,
  ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
});
/** A service sid no account has: the verification routes look it up in the table (TSVC) and answer 404. */
const UNKNOWN_SERVICE = `/v2/Services/VA${'9'.repeat(32)}`;
/** The sid of a service saved as `service`. */
const madeService = (ctx: ScenarioContext) => `/v2/Services/${String(ctx.saved.service?.body.sid)}`;
const createService: Step = {
  outcome: 'success',
  request: () => twilioAt('POST', '/v2/Services', { FriendlyName: 'Grants', CodeLength: '6' }),
  expect: { status: 201 },
  as: 'service',
};

/** A rate limit on the demo service saved as `limit`, and its path below the service. */
const createRateLimit = (uniqueName: string): Step => ({
  outcome: 'success',
  request: () => twilio('POST', '/RateLimits', { UniqueName: uniqueName }),
  expect: { status: 201 },
  as: 'limit',
});
const madeLimit = (ctx: ScenarioContext) => `/RateLimits/${String(ctx.saved.limit?.body.sid)}`;
const UNKNOWN_LIMIT = `/RateLimits/RK${'0'.repeat(32)}`;
/** A bucket of the saved rate limit, saved as `bucket`. */
const createBucket: Step = {
  outcome: 'success',
  request: (ctx) => twilio('POST', `${madeLimit(ctx)}/Buckets`, { Max: '2', Interval: '60' }),
  expect: { status: 201 },
  as: 'bucket',
};
const madeBucket = (ctx: ScenarioContext) =>
  `${madeLimit(ctx)}/Buckets/${String(ctx.saved.bucket?.body.sid)}`;

/** The verification sid (`VE…`) of a saved create response. */
const verificationSid = (ctx: ScenarioContext) => String(ctx.saved.created?.body.sid);

/** Steps that end with a verified captcha for `sender` saved as `passed`. */
const passCaptcha = (sender: string): Step[] => [
  { outcome: 'success', request: (ctx) => captcha(ctx), expect: { status: 200 }, as: 'challenge' },
  {
    outcome: 'success',
    request: (ctx) => captchaVerify(ctx, sender),
    expect: { status: 200 },
    as: 'passed',
  },
];

let seq = 0;
/** One address per scenario for steps that must share it (send, then check). */
const shared = (label: string) => `${label}-shared-${++seq}@example.com`;

/** The number the native check scenario texts (outside the Twilio scenarios' range). */
const NATIVE_PHONE = '+12025550142';

/** A fresh GB mobile number per call, for the WhatsApp and voice steps (the demo tenant reaches GB on both). */
const gbPhone = () => `+447400${600000 + ++seq}`;

/** A fresh US number per call, for the Twilio scenarios. */
const usPhone = () => `+120255501${String(50 + (++seq % 50))}`;

export const SCENARIOS: Record<RouteName, () => Step[]> = {
  'twilio-create-verification': () => {
    const to = usPhone();
    return [
      {
        outcome: 'success',
        request: () => twilio('POST', '/Verifications', { To: to, Channel: 'sms' }),
        expect: { status: 201 },
      },
      {
        outcome: 'success',
        request: (ctx) => twilio('POST', '/Verifications', { To: ctx.email('twilio'), Channel: 'email' }),
        expect: { status: 201 },
      },
      {
        outcome: 'success',
        request: () => twilio('POST', '/Verifications', { To: gbPhone(), Channel: 'whatsapp' }),
        expect: { status: 201 },
      },
      {
        outcome: 'success',
        request: () => twilio('POST', '/Verifications', { To: gbPhone(), Channel: 'call' }),
        expect: { status: 201 },
      },
      // RateLimits: the service's rate limits are read (Query) and a bucket counted in the send's transaction.
      createRateLimit('grants_send'),
      {
        outcome: 'success',
        request: (ctx) =>
          twilio('POST', `/RateLimits/${String(ctx.saved.limit?.body.sid)}/Buckets`, {
            Max: '5',
            Interval: '60',
          }),
        expect: { status: 201 },
      },
      {
        outcome: 'success',
        request: () =>
          twilio('POST', '/Verifications', {
            To: usPhone(),
            Channel: 'sms',
            RateLimits: '{"grants_send":"k"}',
          }),
        expect: { status: 201 },
      },
      // Twilio's send limit: no cooldown (resends while pending succeed), but a sixth send in the
      // tenant's window (5 per 10 minutes by default) is refused.
      ...Array.from(
        { length: 4 },
        (): Step => ({
          outcome: 'success',
          request: () => twilio('POST', '/Verifications', { To: to, Channel: 'sms' }),
          expect: { status: 201 },
        }),
      ),
      {
        outcome: 'failure',
        request: () => twilio('POST', '/Verifications', { To: to, Channel: 'sms' }),
        expect: { status: 429 },
      },
      {
        outcome: 'failure',
        request: () => twilio('POST', '/Verifications', { To: 'nobody', Channel: 'sms' }),
        expect: { status: 400 },
      },
      createService,
      {
        outcome: 'success',
        request: (ctx) =>
          twilioAt('POST', `${madeService(ctx)}/Verifications`, { To: usPhone(), Channel: 'sms' }),
        expect: { status: 201 },
      },
      {
        outcome: 'failure',
        request: () =>
          twilioAt('POST', `${UNKNOWN_SERVICE}/Verifications`, { To: usPhone(), Channel: 'sms' }),
        expect: { status: 404 },
      },
      {
        outcome: 'failure',
        request: (ctx) => {
          ctx.failNextDelivery();
          return twilio('POST', '/Verifications', { To: ctx.email('twilio-fault'), Channel: 'email' });
        },
        expect: { status: 503 },
      },
    ];
  },
  'twilio-check-verification': () => {
    const to = usPhone();
    const check = (code: string) => twilio('POST', '/VerificationCheck', { To: to, Code: code });
    return [
      {
        outcome: 'success',
        request: () => twilio('POST', '/Verifications', { To: to, Channel: 'sms' }),
        expect: { status: 201 },
      },
      {
        outcome: 'failure',
        request: (ctx) => check(ctx.code(to) === '000000' ? '111111' : '000000'),
        expect: { status: 200, body: { status: 'pending' } },
      },
      {
        outcome: 'success',
        request: (ctx) => check(ctx.code(to)),
        expect: { status: 200, body: { status: 'approved' } },
      },
      { outcome: 'failure', request: (ctx) => check(ctx.code(to)), expect: { status: 404 } },
      {
        outcome: 'failure',
        request: () => twilioAt('POST', `${UNKNOWN_SERVICE}/VerificationCheck`, { To: to, Code: '123456' }),
        expect: { status: 404 },
      },
    ];
  },
  'twilio-fetch-verification': () => [
    {
      outcome: 'success',
      request: () => twilio('POST', '/Verifications', { To: usPhone(), Channel: 'sms' }),
      expect: { status: 201 },
      as: 'created',
    },
    {
      outcome: 'success',
      request: (ctx) => twilio('GET', `/Verifications/${verificationSid(ctx)}`),
      expect: { status: 200, body: { status: 'pending' } },
    },
    {
      outcome: 'failure',
      request: () => twilio('GET', `/Verifications/VE${'0'.repeat(32)}`),
      expect: { status: 404 },
    },
    {
      outcome: 'failure',
      request: (ctx) => twilioAt('GET', `${UNKNOWN_SERVICE}/Verifications/${verificationSid(ctx)}`),
      expect: { status: 404 },
    },
  ],
  'twilio-update-verification': () => [
    {
      outcome: 'success',
      request: () => twilio('POST', '/Verifications', { To: usPhone(), Channel: 'sms' }),
      expect: { status: 201 },
      as: 'created',
    },
    {
      outcome: 'success',
      request: (ctx) => twilio('POST', `/Verifications/${verificationSid(ctx)}`, { Status: 'canceled' }),
      expect: { status: 200, body: { status: 'canceled' } },
    },
    {
      outcome: 'failure',
      request: (ctx) => twilio('POST', `/Verifications/${verificationSid(ctx)}`, { Status: 'approved' }),
      expect: { status: 404 },
    },
    {
      outcome: 'failure',
      request: (ctx) =>
        twilioAt('POST', `${UNKNOWN_SERVICE}/Verifications/${verificationSid(ctx)}`, { Status: 'canceled' }),
      expect: { status: 404 },
    },
  ],
  'twilio-create-service': () => [
    createService,
    {
      outcome: 'failure',
      request: () => twilioAt('POST', '/v2/Services', { FriendlyName: 'Grants', 'Totp.Issuer': 'Acme' }),
      expect: { status: 400, body: { code: 60200 } },
    },
  ],
  'twilio-list-services': () => [
    createService,
    {
      outcome: 'success',
      request: () => twilioAt('GET', '/v2/Services?PageSize=1'),
      expect: { status: 200 },
      as: 'first',
    },
    {
      outcome: 'success',
      request: (ctx) => {
        const next = new URL(String(ctx.saved.first?.body.meta.next_page_url));
        return twilioAt('GET', `${next.pathname}${next.search}`);
      },
      expect: { status: 200 },
    },
    {
      outcome: 'failure',
      request: () => twilioAt('GET', '/v2/Services?PageSize=0'),
      expect: { status: 400, body: { code: 60200 } },
    },
  ],
  'twilio-fetch-service': () => [
    createService,
    { outcome: 'success', request: (ctx) => twilioAt('GET', madeService(ctx)), expect: { status: 200 } },
    { outcome: 'success', request: () => twilioAt('GET', TWILIO_SERVICE), expect: { status: 200 } },
    { outcome: 'failure', request: () => twilioAt('GET', UNKNOWN_SERVICE), expect: { status: 404 } },
  ],
  'twilio-update-service': () => [
    createService,
    {
      outcome: 'success',
      request: (ctx) => twilioAt('POST', madeService(ctx), { CodeLength: '8' }),
      expect: { status: 200, body: { code_length: 8 } },
    },
    {
      outcome: 'failure',
      request: () => twilioAt('POST', TWILIO_SERVICE, { FriendlyName: 'Nope' }),
      expect: { status: 403, body: { code: 20403 } },
    },
    {
      outcome: 'failure',
      request: () => twilioAt('POST', UNKNOWN_SERVICE, { FriendlyName: 'Nope' }),
      expect: { status: 404 },
    },
  ],
  'twilio-delete-service': () => [
    createService,
    { outcome: 'success', request: (ctx) => twilioAt('DELETE', madeService(ctx)), expect: { status: 204 } },
    { outcome: 'failure', request: (ctx) => twilioAt('DELETE', madeService(ctx)), expect: { status: 404 } },
    { outcome: 'failure', request: () => twilioAt('DELETE', TWILIO_SERVICE), expect: { status: 403 } },
  ],
  // Service Rate Limits and Buckets (on the demo service, the demo account's).
  'twilio-create-rate-limit': () => [
    createRateLimit('grants_create'),
    {
      outcome: 'failure',
      request: () => twilio('POST', '/RateLimits', { UniqueName: 'grants_create' }),
      expect: { status: 400, body: { code: 60200 } },
    },
    {
      outcome: 'failure',
      request: () => twilioAt('POST', `${UNKNOWN_SERVICE}/RateLimits`, { UniqueName: 'x' }),
      expect: { status: 404 },
    },
  ],
  'twilio-list-rate-limits': () => [
    createRateLimit('grants_list'),
    { outcome: 'success', request: () => twilio('GET', '/RateLimits'), expect: { status: 200 } },
    {
      outcome: 'failure',
      request: () => twilio('GET', '/RateLimits?PageSize=0'),
      expect: { status: 400, body: { code: 60200 } },
    },
  ],
  'twilio-fetch-rate-limit': () => [
    createRateLimit('grants_fetch'),
    { outcome: 'success', request: (ctx) => twilio('GET', madeLimit(ctx)), expect: { status: 200 } },
    { outcome: 'failure', request: () => twilio('GET', UNKNOWN_LIMIT), expect: { status: 404 } },
  ],
  'twilio-update-rate-limit': () => [
    createRateLimit('grants_update'),
    {
      outcome: 'success',
      request: (ctx) => twilio('POST', madeLimit(ctx), { Description: 'changed' }),
      expect: { status: 200, body: { description: 'changed' } },
    },
    {
      outcome: 'failure',
      request: () => twilio('POST', UNKNOWN_LIMIT, { Description: 'x' }),
      expect: { status: 404 },
    },
  ],
  'twilio-delete-rate-limit': () => [
    createRateLimit('grants_delete'),
    createBucket,
    {
      outcome: 'success',
      request: (ctx) => twilioAt('DELETE', `${TWILIO_SERVICE}${madeLimit(ctx)}`),
      expect: { status: 204 },
    },
    {
      outcome: 'failure',
      request: (ctx) => twilioAt('DELETE', `${TWILIO_SERVICE}${madeLimit(ctx)}`),
      expect: { status: 404 },
    },
  ],
  'twilio-create-bucket': () => [
    createRateLimit('grants_bucket'),
    createBucket,
    {
      outcome: 'failure',
      request: (ctx) => twilio('POST', `${madeLimit(ctx)}/Buckets`, { Max: '0', Interval: '60' }),
      expect: { status: 400, body: { code: 60200 } },
    },
  ],
  'twilio-list-buckets': () => [
    createRateLimit('grants_buckets'),
    createBucket,
    {
      outcome: 'success',
      request: (ctx) => twilio('GET', `${madeLimit(ctx)}/Buckets`),
      expect: { status: 200 },
    },
    { outcome: 'failure', request: () => twilio('GET', `${UNKNOWN_LIMIT}/Buckets`), expect: { status: 404 } },
  ],
  'twilio-fetch-bucket': () => [
    createRateLimit('grants_fetch_bucket'),
    createBucket,
    { outcome: 'success', request: (ctx) => twilio('GET', madeBucket(ctx)), expect: { status: 200 } },
    {
      outcome: 'failure',
      request: (ctx) => twilio('GET', `${madeLimit(ctx)}/Buckets/BL${'0'.repeat(32)}`),
      expect: { status: 404 },
    },
  ],
  'twilio-update-bucket': () => [
    createRateLimit('grants_update_bucket'),
    createBucket,
    {
      outcome: 'success',
      request: (ctx) => twilio('POST', madeBucket(ctx), { Max: '9' }),
      expect: { status: 200, body: { max: 9 } },
    },
    {
      outcome: 'failure',
      request: (ctx) => twilio('POST', madeBucket(ctx), { Interval: '0' }),
      expect: { status: 400, body: { code: 60200 } },
    },
  ],
  'twilio-delete-bucket': () => [
    createRateLimit('grants_delete_bucket'),
    createBucket,
    {
      outcome: 'success',
      request: (ctx) => twilioAt('DELETE', `${TWILIO_SERVICE}${madeBucket(ctx)}`),
      expect: { status: 204 },
    },
    {
      outcome: 'failure',
      request: (ctx) => twilioAt('DELETE', `${TWILIO_SERVICE}${madeBucket(ctx)}`),
      expect: { status: 404 },
    },
  ],
  // Verification Attempts: the demo account's log, written by the sends above.
  'twilio-list-attempts': () => [
    {
      outcome: 'success',
      request: () => twilioAt('GET', '/v2/Attempts?PageSize=2'),
      expect: { status: 200 },
    },
    {
      outcome: 'failure',
      request: () => twilioAt('GET', '/v2/Attempts?Status=maybe'),
      expect: { status: 400, body: { code: 60200 } },
    },
  ],
  'twilio-fetch-attempt': () => [
    {
      outcome: 'success',
      request: () => twilio('POST', '/Verifications', { To: usPhone(), Channel: 'sms' }),
      expect: { status: 201 },
      as: 'created',
    },
    {
      outcome: 'success',
      request: (ctx) =>
        twilioAt('GET', `/v2/Attempts/${String(ctx.saved.created?.body.send_code_attempts[0].attempt_sid)}`),
      expect: { status: 200 },
    },
    {
      outcome: 'failure',
      request: () => twilioAt('GET', `/v2/Attempts/VL${'0'.repeat(32)}`),
      expect: { status: 404 },
    },
  ],
  'twilio-attempts-summary': () => [
    { outcome: 'success', request: () => twilioAt('GET', '/v2/Attempts/Summary'), expect: { status: 200 } },
    {
      outcome: 'failure',
      request: () => twilioAt('GET', '/v2/Attempts/Summary?Channel=pigeon'),
      expect: { status: 400, body: { code: 60200 } },
    },
  ],
  // The catch-all's purpose is Twilio's 404 for an authenticated caller; without credentials it answers 20003.
  'twilio-not-found': () => [
    {
      outcome: 'success',
      request: () => twilioAt('GET', '/v2/Nothing/Here'),
      expect: { status: 404, body: { code: 20404 } },
    },
    {
      outcome: 'failure',
      request: () => twilioAt('DELETE', `${TWILIO_SERVICE}/Verifications`, undefined, {}),
      expect: { status: 401, body: { code: 20003 } },
    },
  ],
  'acceleronix-send-email': () => {
    const to = shared('seed000');
    return [
      {
        outcome: 'success',
        request: (ctx) => seed000Mail(to, ctx),
        expect: { status: 200, body: { code: 200 } },
      },
      { outcome: 'failure', request: (ctx) => seed000Mail(to, ctx), expect: { status: 200 } },
      {
        outcome: 'failure',
        request: (ctx) => seed000Mail(ctx.email('seed000'), ctx, 'C.DM.9999.1'),
        expect: { status: 200, body: { code: 5015 } },
      },
      {
        outcome: 'failure',
        request: (ctx) => {
          ctx.failNextDelivery();
          return seed000Mail(ctx.email('seed000-fault'), ctx);
        },
        expect: { status: 200, body: { code: 5059 } },
      },
    ];
  },
  'acceleronix-send-sms': () => [
    { outcome: 'success', request: (ctx) => seed002Sms(ctx, {}), expect: { status: 200 } },
    {
      outcome: 'failure',
      request: (ctx) => ({ ...seed002Sms(ctx, {}), query: { ...signed(), signature: '0'.repeat(64) } }),
      expect: { status: 200 },
    },
    {
      outcome: 'failure',
      request: (ctx) => {
        ctx.failNextDelivery();
        return seed002Sms(ctx, {});
      },
      expect: { status: 200 },
    },
  ],
  'fresns-send-verify-code': () => [
    {
      outcome: 'success',
      request: (ctx) =>
        fresns(ctx, { type: 'email', useType: 5, templateId: 1, account: ctx.email('fresns') }),
      expect: { status: 200, body: { code: 0 } },
    },
    {
      outcome: 'success',
      request: (ctx) =>
        fresns(ctx, { type: 'sms', useType: 5, templateId: 1, account: ctx.phone(), countryCode: 86 }),
      expect: { status: 200, body: { code: 0 } },
    },
    { outcome: 'failure', request: (ctx) => fresns(ctx, { type: 'fax' }), expect: { status: 200 } },
    {
      outcome: 'failure',
      request: (ctx) => {
        ctx.failNextDelivery();
        return fresns(ctx, { type: 'email', useType: 5, templateId: 1, account: ctx.email('fresns-fault') });
      },
      expect: { status: 200 },
    },
  ],
  'native-send': () => {
    const to = shared('native-send');
    const replay = { ...nativeSend(to), headers: { ...API_KEY, 'idempotency-key': `grants-${seq}` } };
    const retried = {
      ...nativeSend(shared('native-retry')),
      headers: { ...API_KEY, 'idempotency-key': `grants-retry-${seq}` },
    };
    return [
      { outcome: 'success', request: () => replay, expect: { status: 201 } },
      { outcome: 'success', request: () => replay, expect: { status: 201 } },
      {
        outcome: 'success',
        request: (ctx) => nativeSend(`+86${ctx.phone()}`, 'sms'),
        expect: { status: 201 },
      },
      // WhatsApp (End User Messaging Social) and a call (SMS and Voice v2) to numbers of their countries.
      {
        outcome: 'success',
        request: (ctx) => nativeSend(`+86${ctx.phone()}`, 'whatsapp'),
        expect: { status: 201 },
      },
      { outcome: 'success', request: () => nativeSend(gbPhone(), 'voice'), expect: { status: 201 } },
      { outcome: 'failure', request: () => nativeSend(to), expect: { status: 429 } },
      { outcome: 'failure', request: () => nativeSend('not-an-address'), expect: { status: 400 } },
      {
        outcome: 'failure',
        request: (ctx) => {
          ctx.failNextDelivery();
          return nativeSend(ctx.email('native-fault'));
        },
        expect: { status: 503 },
      },
      // A failed delivery withdraws the idempotency record (DeleteItem): the retry sends a new code.
      {
        outcome: 'failure',
        request: (ctx) => {
          ctx.failNextDelivery();
          return retried;
        },
        expect: { status: 503 },
      },
      { outcome: 'success', request: () => retried, expect: { status: 201 } },
    ];
  },
  'native-check': () => {
    const to = shared('native-check');
    return [
      { outcome: 'success', request: () => nativeSend(to), expect: { status: 201 } },
      {
        outcome: 'failure',
        request: (ctx) => nativeCheck(to, ctx.code(to) === '000000' ? '111111' : '000000'),
        expect: { status: 200, body: { valid: false } },
      },
      {
        outcome: 'success',
        request: (ctx) => nativeCheck(to, ctx.code(to)),
        expect: { status: 200, body: { valid: true } },
      },
      {
        outcome: 'failure',
        request: (ctx) => nativeCheck(to, ctx.code(to)),
        expect: { status: 200, body: { valid: false } },
      },
      {
        outcome: 'failure',
        request: () => nativeCheck('nobody@example.com', '123456'),
        expect: { status: 200, body: { valid: false } },
      },
      // A texted code entered: the pumping guard takes its unverified send back (GUARD items).
      { outcome: 'success', request: () => nativeSend(NATIVE_PHONE, 'sms'), expect: { status: 201 } },
      {
        outcome: 'success',
        request: (ctx) => ({
          ...nativeCheck(NATIVE_PHONE, ctx.code(NATIVE_PHONE)),
          json: { channel: 'sms', to: NATIVE_PHONE, purpose: 'login', code: ctx.code(NATIVE_PHONE) },
        }),
        expect: { status: 200, body: { valid: true } },
      },
    ];
  },
  'native-status': () => [
    {
      outcome: 'success',
      request: (ctx) => nativeSend(ctx.email('status')),
      expect: { status: 201 },
      as: 'sent',
    },
    {
      outcome: 'success',
      request: (ctx) => ({
        method: 'GET',
        path: `/v1/verifications/${ctx.saved.sent?.body.id}`,
        headers: API_KEY,
      }),
      expect: { status: 200 },
    },
    {
      outcome: 'failure',
      request: () => ({ method: 'GET', path: '/v1/verifications/vf_unknown', headers: API_KEY }),
      expect: { status: 404 },
    },
  ],
  'native-find': () => {
    const to = shared('find');
    return [
      { outcome: 'success', request: () => nativeSend(to), expect: { status: 201 } },
      {
        outcome: 'success',
        request: () => ({
          method: 'GET',
          path: '/v1/verifications',
          query: { channel: 'email', to, purpose: 'login' },
          headers: API_KEY,
        }),
        expect: { status: 200 },
      },
      {
        outcome: 'failure',
        request: () => ({ method: 'GET', path: '/v1/verifications', headers: API_KEY }),
        expect: { status: 400 },
      },
    ];
  },
  'native-redeem-grant': () => {
    const redeem = (token: string): ScenarioRequest => ({
      method: 'POST',
      path: '/v1/grants/redeem',
      headers: API_KEY,
      json: { to: 'bob@example.com', purpose: 'reset_password', token },
    });
    const grantOf = (ctx: ScenarioContext) =>
      new URL(ctx.saved.reset?.headers.get('location') ?? '').searchParams.get('token') ?? '';
    return [
      {
        outcome: 'success',
        request: (ctx) => anqiSend(ctx, 'bob@example.com', 'reset'),
        expect: { status: 200, body: { code: 0 } },
      },
      {
        outcome: 'success',
        request: (ctx) => anqiConfirm(ctx.link('bob@example.com')),
        expect: { status: 302 },
        as: 'reset',
      },
      {
        outcome: 'success',
        request: (ctx) => redeem(grantOf(ctx)),
        expect: { status: 200, body: { valid: true } },
      },
      {
        outcome: 'failure',
        request: (ctx) => redeem(grantOf(ctx)),
        expect: { status: 200, body: { valid: false } },
      },
      {
        outcome: 'failure',
        request: () => redeem('A'.repeat(43)),
        expect: { status: 200, body: { valid: false } },
      },
    ];
  },
  'anqicms-verify-email-send': () => {
    const to = 'anqi-send@example.com';
    return [
      { outcome: 'success', request: (ctx) => anqiSend(ctx, to), expect: { status: 200, body: { code: 0 } } },
      {
        outcome: 'failure',
        request: (ctx) => anqiSend(ctx, to),
        expect: { status: 200, body: { code: -1 } },
      },
      {
        outcome: 'failure',
        request: (ctx) => anqiSend(ctx, 'not-an-address'),
        expect: { status: 200, body: { code: -1 } },
      },
      {
        outcome: 'failure',
        request: (ctx) => {
          ctx.failNextDelivery();
          return anqiSend(ctx, 'anqi-fault@example.com');
        },
        expect: { status: 200, body: { code: -1 } },
      },
    ];
  },
  'anqicms-verify-email-link': () => {
    const [page, json] = ['anqi-page@example.com', 'anqi-json@example.com'];
    return [
      { outcome: 'success', request: (ctx) => anqiSend(ctx, page), expect: { status: 200 } },
      {
        outcome: 'success',
        request: (ctx) => ({ method: 'GET', path: ctx.link(page) }),
        expect: { status: 200 },
      },
      { outcome: 'success', request: (ctx) => anqiSend(ctx, json), expect: { status: 200 } },
      {
        outcome: 'success',
        request: (ctx) => ({ method: 'GET', path: `${ctx.link(json)}&return=json` }),
        expect: { status: 200, body: { code: 0 } },
      },
      {
        outcome: 'failure',
        request: (ctx) => ({ method: 'GET', path: `${ctx.link(json)}&return=json` }),
        expect: { status: 200, body: { code: -1 } },
      },
      {
        outcome: 'failure',
        request: () => ({ method: 'GET', path: '/api/verify/email?token=nope&email=a%40b.co&state=verify' }),
        expect: { status: 400 },
      },
    ];
  },
  'anqicms-verify-email-confirm': () => {
    const to = 'anqi-confirm@example.com';
    return [
      { outcome: 'success', request: (ctx) => anqiSend(ctx, to), expect: { status: 200 } },
      { outcome: 'success', request: (ctx) => anqiConfirm(ctx.link(to)), expect: { status: 200 } },
      { outcome: 'failure', request: (ctx) => anqiConfirm(ctx.link(to)), expect: { status: 400 } },
      {
        outcome: 'failure',
        request: () => anqiConfirm('/?token=nope&email=a%40b.co&state=verify'),
        expect: { status: 400 },
      },
    ];
  },
  'eiam-captcha-get': () => [
    { outcome: 'success', request: (ctx) => captcha(ctx), expect: { status: 200 } },
    {
      outcome: 'failure',
      request: (ctx) => captcha(ctx, { ...device(ctx), 'x-client-id': 'x'.repeat(300) }),
      expect: { status: 400 },
    },
  ],
  'eiam-captcha-verify': () => {
    const sender = shared('eiam-verify');
    return [
      { outcome: 'success', request: (ctx) => captcha(ctx), expect: { status: 200 }, as: 'challenge' },
      { outcome: 'failure', request: (ctx) => captchaVerify(ctx, sender, 40), expect: { status: 400 } },
      ...passCaptcha(sender),
      { outcome: 'failure', request: (ctx) => captchaVerify(ctx, sender), expect: { status: 400 } },
    ];
  },
  'eiam-send-email': () => {
    const to = shared('eiam-mail');
    return [
      ...passCaptcha(to),
      { outcome: 'success', request: (ctx) => eiamSend(ctx, 'email', to), expect: { status: 200 } },
      { outcome: 'failure', request: (ctx) => eiamSend(ctx, 'email', to), expect: { status: 400 } },
    ];
  },
  'eiam-send-sms': () => {
    const to = '+8613911110000';
    return [
      ...passCaptcha(to),
      { outcome: 'success', request: (ctx) => eiamSend(ctx, 'sms', to), expect: { status: 200 } },
      { outcome: 'failure', request: (ctx) => eiamSend(ctx, 'sms', to), expect: { status: 400 } },
    ];
  },
};
