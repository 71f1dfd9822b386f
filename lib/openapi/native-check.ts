// OpenAPI document: `POST /v1/verifications/check` and `POST /v1/grants/redeem` — skeletons and examples
// (each sent by test/openapi.test.ts).
import { AUTH_ERRORS, BODY_PROBLEMS, BUSY, GRANT, ORIGIN, ORIGIN_HEADER, UNAUTHORIZED } from './native.ts';
import type { OperationSpec } from './operation.ts';

const check: OperationSpec = {
  method: 'post',
  path: '/v1/verifications/check',
  operationId: 'checkVerification',
  summary: 'Check a code',
  description:
    'One guess at the latest code sent to the address for the purpose (through any dialect). A right ' +
    "code verifies once; wrong guesses count towards the tenant's `maxAttempts`. The answer is 200 " +
    'either way: `valid` says whether it matched. A `code` that is not 4–10 digits is no guess: it ' +
    'answers `pending` and counts nothing. A `to` that is not an address of the channel answers ' +
    '`not_found`, not 400.',
  tags: ['native'],
  parameters: [ORIGIN_HEADER],
  body: {
    schema: 'NativeCheckRequest',
    description: 'What was sent, and the code the user typed.',
    form: true,
  },
  success: { 200: { description: 'The outcome of the guess.', schema: 'NativeCheckResponse' } },
  errors: { 400: { invalid_request: BODY_PROBLEMS }, 401: AUTH_ERRORS, 403: ORIGIN, 503: BUSY },
  examples: {
    approved: {
      summary: 'The right code',
      description:
        'First `POST /v1/verifications` `{"channel":"email","to":"kim@example.com","purpose":"login"}`; ' +
        'read the code from `GET /_local/outbox?to=kim@example.com` and send it as `code`.',
      status: 200,
      body: { channel: 'email', to: 'kim@example.com', purpose: 'login', code: '123456' },
      prepare: { send: { channel: 'email', to: 'kim@example.com', purpose: 'login' }, use: 'code' },
      response: { valid: true, status: 'approved' },
    },
    not_found: {
      summary: 'Nothing was sent to this address for this purpose',
      status: 200,
      body: { channel: 'email', to: 'nobody@example.com', purpose: 'login', code: '123456' },
      response: { valid: false, status: 'not_found' },
    },
    not_digits: {
      summary: 'A code that cannot be one: no guess is counted',
      status: 200,
      body: { channel: 'email', to: 'kim@example.com', purpose: 'login', code: 'abc' },
      response: { valid: false, status: 'pending' },
    },
    invalid_request: {
      summary: 'No code',
      status: 400,
      body: { channel: 'email', to: 'kim@example.com', purpose: 'login' },
      response: {
        error: {
          code: 'invalid_request',
          message: 'Invalid code: Invalid input: expected string, received undefined.',
        },
      },
    },
    unauthorized: {
      ...UNAUTHORIZED,
      body: { channel: 'email', to: 'kim@example.com', purpose: 'login', code: '123456' },
    },
  },
};

const redeem: OperationSpec = {
  method: 'post',
  path: '/v1/grants/redeem',
  operationId: 'redeemGrant',
  summary: 'Redeem a one-time grant',
  description:
    'An app redeems a grant it was handed, e.g. the reset token a confirmed AnqiCMS reset link carries ' +
    "to the app's reset page. A well-formed token answers 200 either way; a token outside 20–100 " +
    'characters is a malformed request (400).',
  tags: ['native'],
  parameters: [ORIGIN_HEADER],
  body: { schema: 'NativeRedeemRequest', description: 'The grant and what it was issued for.', form: true },
  success: {
    200: { description: '`valid`: whether this call redeemed it.', schema: 'NativeRedeemResponse' },
  },
  errors: { 400: { invalid_request: BODY_PROBLEMS }, 401: AUTH_ERRORS, 403: ORIGIN, 503: BUSY },
  examples: {
    redeemed: {
      summary: 'A live grant, the first time',
      description:
        'First `POST /api/verify/email` `{"email":"bob@example.com","state":"reset"}`; open the mailed link ' +
        '(`GET /_local/outbox?to=bob@example.com`) with `&return=json` added: it answers 302, and the ' +
        '`token` of its Location is the grant. A second redeem of it answers `{"valid": false}`.',
      status: 200,
      body: { to: 'bob@example.com', purpose: 'reset_password', token: GRANT },
      prepare: { grant: 'bob@example.com' },
      response: { valid: true },
    },
    unknown: {
      summary: 'A well-formed token that is not a live grant',
      status: 200,
      body: { to: 'alice@example.com', purpose: 'reset_password', token: GRANT },
      response: { valid: false },
    },
    invalid_request: {
      summary: 'A token too short to be one',
      status: 400,
      body: { to: 'alice@example.com', purpose: 'reset_password', token: 'abc' },
      response: {
        error: {
          code: 'invalid_request',
          message: 'Invalid token: Too small: expected string to have >=20 characters.',
        },
      },
    },
    unauthorized: {
      ...UNAUTHORIZED,
      body: { to: 'alice@example.com', purpose: 'reset_password', token: GRANT },
    },
  },
};

/** The check and redeem operations. */
export const CHECK_OPERATIONS = [check, redeem];
