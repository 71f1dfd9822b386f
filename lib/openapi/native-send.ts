// OpenAPI document: `POST /v1/verifications` — the skeleton and its examples (each sent by
// test/openapi.test.ts).
import { IDEMPOTENCY_KEY } from '../dialects/native/index.ts';
import {
  AUTH_ERRORS,
  BODY_PROBLEMS,
  BUSY,
  EXAMPLE_ID,
  EXPIRES,
  ORIGIN,
  ORIGIN_HEADER,
  UNAUTHORIZED,
} from './native.ts';
import type { OperationSpec } from './operation.ts';

const send: OperationSpec = {
  method: 'post',
  path: '/v1/verifications',
  operationId: 'sendVerification',
  summary: 'Send a code',
  description:
    "Sends a one-time code by email or SMS (in the tenant's template and `locale`). Limits: 1 send per " +
    'address per 60 s and 5 per 10 minutes (across purposes), a per-IP and, for SMS, a daily budget and ' +
    'the countries the tenant allows. The answer never contains the code.',
  tags: ['native'],
  parameters: [
    {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the send safe to retry: the same key with the same body within a day answers the first ' +
        'response again and sends nothing (429 with `Retry-After` while the first is still delivering; ' +
        'after a 503 `delivery_failed` the key is free again); with another body, 409 `idempotency_conflict`.',
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
    },
    ORIGIN_HEADER,
  ],
  body: {
    schema: 'NativeSendRequest',
    description:
      '`to` is an email address, or an E.164 number (`+8613800138000`) for SMS. `clientIp`, optional, is ' +
      "the end user the per-IP limit counts (without it, the caller's own address). The body is read as JSON " +
      'whatever its `Content-Type`, except `application/x-www-form-urlencoded`, which is read as form ' +
      'fields (all strings).',
    form: true,
  },
  success: { 201: { description: 'Sent; the code is on its way.', schema: 'NativeSendResponse' } },
  errors: {
    400: {
      invalid_request: `${BODY_PROBLEMS} Also a malformed \`Idempotency-Key\` or a \`clientIp\` that is no IP address.`,
      invalid_address: '`to` is not an email address / E.164 number.',
      country_not_allowed: 'SMS to a country the tenant does not allow.',
    },
    401: AUTH_ERRORS,
    403: {
      ...ORIGIN,
      sms_blocked:
        "the SMS pumping guard blocked the number's prefix: its codes are not being entered; the message says until when (also `Retry-After`); nothing is sent.",
    },
    409: { idempotency_conflict: 'the `Idempotency-Key` was used with a different body.' },
    422: {
      address_suppressed:
        'the address bounced or complained, an operator suppressed it, or (WhatsApp, voice) the number is not on WhatsApp or its calls went unanswered or failed (the suppression list; the message says which); nothing is sent.',
    },
    429: {
      rate_limited:
        'the address cooldown or window, the per-IP limit, or a replayed `Idempotency-Key` whose first ' +
        'send is still delivering.',
      budget_exhausted:
        "the tenant's daily SMS budget is spent, or its daily ceiling on unverified SMS spend; retry after the next UTC midnight.",
    },
    503: {
      delivery_failed: 'SES/SNS refused or failed; no code was issued and the address may retry at once.',
      ...BUSY,
    },
  },
  examples: {
    email: {
      summary: 'A login code by email',
      status: 201,
      body: { channel: 'email', to: 'ada@example.com', purpose: 'login' },
      response: {
        id: EXAMPLE_ID,
        status: 'pending',
        channel: 'email',
        to: 'a***@example.com',
        expiresAt: EXPIRES,
      },
    },
    sms: {
      summary: 'A registration code by SMS, in Chinese',
      status: 201,
      body: { channel: 'sms', to: '+8613800138000', purpose: 'register', locale: 'zh-CN' },
      response: {
        id: EXAMPLE_ID,
        status: 'pending',
        channel: 'sms',
        to: '+86138****8000',
        expiresAt: EXPIRES,
      },
    },
    form: {
      summary: 'The same fields as a form body',
      status: 201,
      form: { channel: 'email', to: 'grace@example.com', purpose: 'register' },
      response: {
        id: EXAMPLE_ID,
        status: 'pending',
        channel: 'email',
        to: 'g***@example.com',
        expiresAt: EXPIRES,
      },
    },
    client_ip: {
      summary: "From an app server, on an end user's behalf",
      description: 'The per-IP limit counts `clientIp`, the end user, not the server that calls.',
      status: 201,
      body: { channel: 'email', to: 'sam@example.com', purpose: 'login', clientIp: '2001:db8::7' },
      response: {
        id: EXAMPLE_ID,
        status: 'pending',
        channel: 'email',
        to: 's***@example.com',
        expiresAt: EXPIRES,
      },
    },
    idempotent: {
      summary: 'With an Idempotency-Key (safe to retry)',
      status: 201,
      params: { 'Idempotency-Key': 'order-1001' },
      body: { channel: 'email', to: 'lin@example.com', purpose: 'register' },
      response: {
        id: EXAMPLE_ID,
        status: 'pending',
        channel: 'email',
        to: 'l***@example.com',
        expiresAt: EXPIRES,
      },
    },
    invalid_request: {
      summary: 'An unknown field',
      status: 400,
      body: { channel: 'email', to: 'ada@example.com', purpose: 'login', remember: true },
      response: {
        error: { code: 'invalid_request', message: 'Invalid body: Unrecognized key: "remember".' },
      },
    },
    invalid_client_ip: {
      summary: 'A clientIp that is no IP address',
      status: 400,
      body: { channel: 'email', to: 'ada@example.com', purpose: 'login', clientIp: '203.0.113.300' },
      response: {
        error: { code: 'invalid_request', message: 'Invalid clientIp: expected an IPv4 or IPv6 address.' },
      },
    },
    invalid_address: {
      summary: 'Not an email address',
      status: 400,
      body: { channel: 'email', to: 'ada.example.com', purpose: 'login' },
      response: { error: { code: 'invalid_address', message: 'The address is not valid for the channel.' } },
    },
    country_not_allowed: {
      summary: 'SMS to a country the tenant does not allow',
      status: 400,
      body: { channel: 'sms', to: '+33612345678', purpose: 'login' },
      response: {
        error: {
          code: 'country_not_allowed',
          message: 'SMS to this country is not enabled for the tenant: the number reads as FR.',
        },
      },
    },
    unauthorized: { ...UNAUTHORIZED, body: { channel: 'email', to: 'ada@example.com', purpose: 'login' } },
    origin_not_allowed: {
      summary: 'From a browser page on another site',
      status: 403,
      params: { Origin: 'https://elsewhere.example' },
      body: { channel: 'email', to: 'pat@example.com', purpose: 'login' },
      response: {
        error: {
          code: 'origin_not_allowed',
          message: 'Browser requests from this origin are not allowed for this tenant.',
        },
      },
    },
    idempotency_conflict: {
      summary: 'An Idempotency-Key reused with another body',
      description:
        'First `POST /v1/verifications` `{"channel":"email","to":"mo@example.com","purpose":"register"}` ' +
        'with `Idempotency-Key: order-1002` (201); then this request, same key, purpose `login`.',
      status: 409,
      params: { 'Idempotency-Key': 'order-1002' },
      body: { channel: 'email', to: 'mo@example.com', purpose: 'login' },
      prepare: {
        send: { channel: 'email', to: 'mo@example.com', purpose: 'register' },
        idempotencyKey: 'order-1002',
      },
      response: {
        error: {
          code: 'idempotency_conflict',
          message: 'The idempotency key was used with a different request.',
        },
      },
    },
    address_suppressed: {
      summary: 'An address on the suppression list',
      description: 'First `npm run suppressions -- add --to held@example.com`; then this request.',
      status: 422,
      body: { channel: 'email', to: 'held@example.com', purpose: 'login' },
      prepare: { suppress: 'held@example.com' },
      response: {
        error: {
          code: 'address_suppressed',
          message: 'An operator suppressed the address; nothing is sent to it.',
        },
      },
    },
    rate_limited: {
      summary: 'A second send to the same address within 60 s',
      description: 'The same request twice: the first answers 201, this second one 429.',
      status: 429,
      body: { channel: 'email', to: 'eager@example.com', purpose: 'login' },
      prepare: { send: { channel: 'email', to: 'eager@example.com', purpose: 'login' } },
      response: {
        error: {
          code: 'rate_limited',
          message:
            'Too many requests: refused by the cooldown between two codes to one address; retry later.',
          retryAfter: 60,
        },
      },
    },
  },
};

/** The send operation. */
export const SEND_OPERATION = send;
