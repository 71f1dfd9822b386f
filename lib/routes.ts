// The route table: declared once, read by the CDK stack (one Lambda per route) and by the local runtime.
import type { KeyFamily } from './store/table.ts';

/** DynamoDB actions a function may perform on the table (transactions need the per-item actions). */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:ConditionCheckItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

/**
 * API Gateway stage throttling for one route: steady requests per second and burst (token bucket).
 * HTTP API stage throttles apply to each route separately, not to the API as a whole.
 */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * Every route without its own throttle. Stage throttles protect the account (its API Gateway quota, Lambda
 * concurrency and spend), not one client from another: they count every caller of a route together, so the
 * per-client limits are the engine's DynamoDB counters (per IP, address, device, tenant), which decide before any
 * drawing or delivery. `-c throttle:<route>=<rate>/<burst>` changes any of them at deploy time (docs/deploy.md).
 */
export const DEFAULT_THROTTLE: Throttle = { rateLimit: 200, burstLimit: 400 };
/** Routes that send a message: each request can cost an SMS, so their ceiling is lower. */
export const SEND_THROTTLE: Throttle = { rateLimit: 50, burstLimit: 100 };
/**
 * The Twilio Services, Rate Limits and Buckets, and Verification Attempts APIs and the /v2 catch-all: configuration
 * and reporting calls an app makes rarely, and error answers. Low (nineteen routes), so that every route at its
 * ceiling still fits the account's API Gateway burst of 5,000 (test/infra-bounds.test.ts).
 */
export const SERVICES_THROTTLE: Throttle = { rateLimit: 5, burstLimit: 5 };
/** The unauthenticated captcha challenge: PNG drawing plus a write each. */
export const CAPTCHA_THROTTLE: Throttle = { rateLimit: 25, burstLimit: 50 };

export interface Route {
  /** `ANY`: every method API Gateway has no more specific route for (the `/v2/{proxy+}` catch-all). */
  method: 'GET' | 'POST' | 'DELETE' | 'ANY';
  /** API Gateway path syntax, e.g. `/v1/verifications/{id}`; `{name+}` is greedy (one or more segments). */
  path: string;
  /** Function file under `functions/` (without `.ts`); also the construct id's basis. */
  name: string;
  /**
   * Least privilege: what the function's role is granted. `mail`, `sms` and `captchaImages` also decide,
   * at bundle time, which provider code the function carries at all (see `lib/runtime.ts`).
   */
  access: {
    table: TableAction[];
    /** The partition-key families those actions may touch (IAM `dynamodb:LeadingKeys`; lib/store/table.ts). */
    keys: KeyFamily[];
    mail?: boolean;
    sms?: boolean;
    /** `social-messaging:SendWhatsAppMessage` and the WhatsApp sender (lib/delivery/whatsapp-sender.ts). */
    whatsapp?: boolean;
    /** `sms-voice:SendVoiceMessage` and the voice caller (lib/delivery/voice-caller.ts). */
    voice?: boolean;
    captchaImages?: boolean;
  };
  /** This route's stage throttle; `DEFAULT_THROTTLE` when absent. */
  throttle?: Throttle;
}

// What each function's code really sends, per item of a transaction; test/grants.test.ts drives every
// route and fails on any action missing here or granted here without a path that uses it.
const READ: TableAction[] = ['dynamodb:GetItem'];
// ConditionCheckItem: every send's transaction checks the suppression list (lib/store/suppressions.ts).
const SEND: TableAction[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
/** A send that also Puts an item in its transaction (idempotency record, seed-002 nonce, Twilio sid). */
const SEND_ONCE: TableAction[] = [...SEND, 'dynamodb:PutItem'];
const CHECK: TableAction[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];
/** Consuming a link Puts the durable verified mark in the same transaction. */
const LINK: TableAction[] = [...CHECK, 'dynamodb:PutItem'];

// The key families each function touches (test/grants.test.ts records them): every route reads its tenant; a send
// writes the address item and its counters and checks the suppression list.
const READS: KeyFamily[] = ['TENANT', 'ADDR'];
const SENDS: KeyFamily[] = [...READS, 'CTR', 'SUPP'];
// A route that texts (or calls) also counts on the pumping guard's prefix and spend items; one that checks a
// texted code takes one back (lib/store/prefix-guard.ts).
const PHONE_SENDS: KeyFamily[] = [...SENDS, 'GUARD'];

const GET: TableAction = 'dynamodb:GetItem';
const QUERY: TableAction = 'dynamodb:Query';
const PUT: TableAction = 'dynamodb:PutItem';
const UPDATE: TableAction = 'dynamodb:UpdateItem';
const DELETE: TableAction = 'dynamodb:DeleteItem';
const RATE_LIMITS = '/v2/Services/{ServiceSid}/RateLimits';
const BUCKETS = `${RATE_LIMITS}/{RateLimitSid}/Buckets`;

/**
 * A Twilio configuration or reporting route (services, rate limits, buckets, attempts): authenticated by Basic auth
 * (the tenant's item), its own items' `keys`, the low SERVICES_THROTTLE.
 */
function twilioConfig(
  method: Route['method'],
  path: string,
  name: string,
  table: TableAction[],
  keys: KeyFamily[] = ['TENANT', 'TSVC'],
): Route {
  return { method, path, name, access: { keys, table }, throttle: SERVICES_THROTTLE };
}

export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/v2/mail/enduserapi/v2/sendEmail',
    name: 'acceleronix-send-email',
    access: { keys: SENDS, table: SEND, mail: true },
    throttle: SEND_THROTTLE,
  },
  {
    method: 'POST',
    path: '/v2/sms/enduserapi/v2/sendPhoneSmsCode',
    name: 'acceleronix-send-sms',
    access: { keys: [...PHONE_SENDS, 'NONCE'], table: SEND_ONCE, sms: true },
    throttle: SEND_THROTTLE,
  },
  {
    method: 'POST',
    path: '/api/v2/common/send-verify-code',
    name: 'fresns-send-verify-code',
    access: { keys: PHONE_SENDS, table: SEND, mail: true, sms: true },
    throttle: SEND_THROTTLE,
  },
  {
    method: 'POST',
    path: '/v1/verifications',
    name: 'native-send',
    // DeleteItem: a failed delivery withdraws the idempotency record with the code (lib/store/idempotency.ts).
    access: {
      keys: [...PHONE_SENDS, 'IDEM'],
      table: [...SEND_ONCE, 'dynamodb:DeleteItem'],
      mail: true,
      sms: true,
      whatsapp: true,
      voice: true,
    },
    throttle: SEND_THROTTLE,
  },
  {
    method: 'POST',
    path: '/v1/verifications/check',
    name: 'native-check',
    access: { keys: [...READS, 'GUARD'], table: CHECK },
  },
  {
    method: 'GET',
    path: '/v1/verifications/{id}',
    name: 'native-status',
    access: { keys: READS, table: READ },
  },
  {
    method: 'GET',
    path: '/v1/verifications',
    name: 'native-find',
    access: { keys: READS, table: ['dynamodb:GetItem', 'dynamodb:Query'] },
  },
  {
    method: 'POST',
    path: '/v1/grants/redeem',
    name: 'native-redeem-grant',
    access: { keys: READS, table: CHECK },
  },
  {
    method: 'POST',
    path: '/api/verify/email',
    name: 'anqicms-verify-email-send',
    access: { keys: SENDS, table: SEND, mail: true },
    throttle: SEND_THROTTLE,
  },
  // The mailed link only shows a page; its form posts to /confirm (a GET must consume nothing).
  {
    method: 'GET',
    path: '/api/verify/email',
    name: 'anqicms-verify-email-link',
    access: { keys: READS, table: LINK },
  },
  {
    method: 'POST',
    path: '/api/verify/email/confirm',
    name: 'anqicms-verify-email-confirm',
    access: { keys: READS, table: LINK },
  },
  {
    method: 'GET',
    path: '/api/v2/sdk/captcha',
    name: 'eiam-captcha-get',
    access: {
      keys: ['TENANT', 'CAPTCHA', 'CTR'],
      table: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
      captchaImages: true,
    },
    throttle: CAPTCHA_THROTTLE,
  },
  {
    method: 'POST',
    path: '/api/v2/sdk/captcha/verify',
    name: 'eiam-captcha-verify',
    // CTR: the client IP's verify allowance (failed answers per window), taken before an answer is compared.
    access: {
      keys: ['TENANT', 'CAPTCHA', 'CAPTCHA_PASS', 'CTR'],
      table: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
    },
  },
  {
    method: 'POST',
    path: '/api/v2/sdk/email/send',
    name: 'eiam-send-email',
    access: { keys: [...SENDS, 'CAPTCHA_PASS'], table: SEND, mail: true },
    throttle: SEND_THROTTLE,
  },
  {
    method: 'POST',
    path: '/api/v2/sdk/sms/send',
    name: 'eiam-send-sms',
    access: { keys: [...PHONE_SENDS, 'CAPTCHA_PASS'], table: SEND, sms: true },
    throttle: SEND_THROTTLE,
  },
  // Twilio Verify v2 (docs/dialects/twilio.md). Create: the send transaction, its withdrawal and tenant reads.
  {
    method: 'POST',
    path: '/v2/Services/{ServiceSid}/Verifications',
    name: 'twilio-create-verification',
    // Query: the service's rate limits, when the create names any (cached for seconds per container).
    access: {
      keys: [...PHONE_SENDS, 'EXT', 'TSVC'],
      table: [...SEND_ONCE, 'dynamodb:Query'],
      mail: true,
      sms: true,
      whatsapp: true,
      voice: true,
    },
    throttle: SEND_THROTTLE,
  },
  // Check: the sid's lookup item (GetItem) and the one conditional write per guess; an approval converts the
  // verification's attempts (EXT#…#attempts#…, lib/store/attempt-log.ts).
  {
    method: 'POST',
    path: '/v2/Services/{ServiceSid}/VerificationCheck',
    name: 'twilio-check-verification',
    access: { keys: [...READS, 'EXT', 'TSVC', 'GUARD'], table: CHECK },
  },
  // Fetch: the sid's lookup item, then the address item.
  {
    method: 'GET',
    path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
    name: 'twilio-fetch-verification',
    access: { keys: [...READS, 'EXT', 'TSVC'], table: READ },
  },
  // Update (cancel, approve): the lookup item, then one conditional write.
  {
    method: 'POST',
    path: '/v2/Services/{ServiceSid}/Verifications/{Sid}',
    name: 'twilio-update-verification',
    access: { keys: [...READS, 'EXT', 'TSVC'], table: CHECK },
  },
  // The Services API: table services (`TSVC#…`, lib/store/twilio-services.ts) beside the tenants-file ones; every
  // route reads the tenant (Basic auth) and, for one made through the API, that service's item. The verification
  // routes above read it too (one GetItem, only for a service not in the tenants file).
  twilioConfig('POST', '/v2/Services', 'twilio-create-service', [GET, PUT]),
  twilioConfig('GET', '/v2/Services', 'twilio-list-services', [GET, QUERY]),
  twilioConfig('GET', '/v2/Services/{Sid}', 'twilio-fetch-service', [GET]),
  twilioConfig('POST', '/v2/Services/{Sid}', 'twilio-update-service', [GET, UPDATE]),
  twilioConfig('DELETE', '/v2/Services/{Sid}', 'twilio-delete-service', [GET, DELETE]),
  // Service Rate Limits and their Buckets (lib/store/twilio-rate-limits.ts): one small partition per account and
  // service (`TSVC#…`), read with one Query, changed with one conditional transaction (per-item actions).
  twilioConfig('POST', RATE_LIMITS, 'twilio-create-rate-limit', [GET, UPDATE, PUT]),
  twilioConfig('GET', RATE_LIMITS, 'twilio-list-rate-limits', [GET, QUERY]),
  twilioConfig('GET', `${RATE_LIMITS}/{Sid}`, 'twilio-fetch-rate-limit', [GET, QUERY]),
  twilioConfig('POST', `${RATE_LIMITS}/{Sid}`, 'twilio-update-rate-limit', [GET, QUERY, UPDATE]),
  twilioConfig('DELETE', `${RATE_LIMITS}/{Sid}`, 'twilio-delete-rate-limit', [GET, QUERY, UPDATE, DELETE]),
  twilioConfig('POST', BUCKETS, 'twilio-create-bucket', [GET, QUERY, UPDATE, PUT]),
  twilioConfig('GET', BUCKETS, 'twilio-list-buckets', [GET, QUERY]),
  twilioConfig('GET', `${BUCKETS}/{Sid}`, 'twilio-fetch-bucket', [GET, QUERY]),
  twilioConfig('POST', `${BUCKETS}/{Sid}`, 'twilio-update-bucket', [GET, QUERY, UPDATE]),
  twilioConfig('DELETE', `${BUCKETS}/{Sid}`, 'twilio-delete-bucket', [GET, QUERY, UPDATE, DELETE]),
  // Verification Attempts: the account's attempt log (`EXT#{tenant}#attempts#{account}`, lib/store/attempt-log.ts),
  // written by the sends; one Query (list, summary: every page of the range) or one GetItem (fetch). Summary first:
  // the local runtime takes the first match (API Gateway prefers the literal segment anyway).
  twilioConfig('GET', '/v2/Attempts/Summary', 'twilio-attempts-summary', [GET, QUERY], ['TENANT', 'EXT']),
  twilioConfig('GET', '/v2/Attempts', 'twilio-list-attempts', [GET, QUERY], ['TENANT', 'EXT']),
  twilioConfig('GET', '/v2/Attempts/{Sid}', 'twilio-fetch-attempt', [GET], ['TENANT', 'EXT']),
  // Every other path or method under /v2: Twilio's 404 JSON after its credentials check, never a bare Not Found.
  // Last: the local runtime takes the first match, and API Gateway prefers every more specific route to it.
  {
    method: 'ANY',
    path: '/v2/{proxy+}',
    name: 'twilio-not-found',
    access: { keys: ['TENANT'], table: READ },
    throttle: SERVICES_THROTTLE,
  },
];
