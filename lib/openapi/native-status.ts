// OpenAPI document: `GET /v1/verifications/{id}` and `GET /v1/verifications` — skeletons and examples
// (each sent by test/openapi.test.ts). The find's query parameters are the fields of its zod schema.
import { findSchema } from '../dialects/native/index.ts';
import { AUTH_ERRORS, BUSY, EXAMPLE_ID, EXPIRES, UNAUTHORIZED } from './native.ts';
import type { OperationSpec, ParameterSpec } from './operation.ts';

const status: OperationSpec = {
  method: 'get',
  path: '/v1/verifications/{id}',
  operationId: 'getVerification',
  summary: 'A verification by id',
  description: 'What became of the verification a send returned (only the tenant that sent it can see it).',
  tags: ['native'],
  parameters: [
    {
      name: 'id',
      in: 'path',
      required: true,
      description: 'The `id` a send answered with. A malformed id answers 404, like an unknown one.',
      schema: { type: 'string' },
    },
  ],
  success: { 200: { description: 'The verification.', schema: 'NativeStatusResponse' } },
  errors: {
    401: AUTH_ERRORS,
    404: { not_found: "no such verification for this tenant (unknown, malformed, or another tenant's id)." },
    503: BUSY,
  },
  examples: {
    pending: {
      summary: 'A code sent and not yet checked',
      description:
        'First `POST /v1/verifications` `{"channel":"email","to":"noor@example.com","purpose":"mfa"}`; ' +
        "its answer's `id` goes into the path.",
      status: 200,
      params: { id: EXAMPLE_ID },
      prepare: { send: { channel: 'email', to: 'noor@example.com', purpose: 'mfa' }, use: 'id' },
      response: {
        id: EXAMPLE_ID,
        status: 'pending',
        channel: 'email',
        to: 'n***@example.com',
        purpose: 'mfa',
        expiresAt: EXPIRES,
      },
    },
    not_found: {
      summary: 'An unknown id',
      status: 404,
      params: { id: 'vf_nope' },
      response: { error: { code: 'not_found', message: 'No such verification.' } },
    },
    unauthorized: { ...UNAUTHORIZED, params: { id: EXAMPLE_ID } },
  },
};

const FIND_PARAMETERS = {
  channel: 'The channel the code was sent by.',
  to: 'The address. Percent-encode it: a bare `+` in a query string reads as a space (`%2B8613800138000`).',
  purpose: 'The purpose the code was sent for.',
} satisfies Record<keyof typeof findSchema.shape, string>;

// The query parameters are the fields of the dialect's find schema, each pointing at its schema.
const findParameters: ParameterSpec[] = Object.entries(findSchema.shape).map(([name, field]) => ({
  name,
  in: 'query',
  required: !field.safeParse(undefined).success,
  description: FIND_PARAMETERS[name as keyof typeof FIND_PARAMETERS],
  schema: { $ref: `#/components/schemas/NativeFindQuery/properties/${name}` },
}));

const find: OperationSpec = {
  method: 'get',
  path: '/v1/verifications',
  operationId: 'findVerification',
  summary: 'The latest verification by address',
  description:
    'For callers that never saw the id (e.g. apps whose users confirm a mailed link): the latest ' +
    'verification for the address and purpose, and when a link last confirmed it. Unknown query ' +
    'parameters are refused (400), like unknown body fields; a repeated parameter counts once (the ' +
    'first); a `to` that is not an address of the channel answers 404.',
  tags: ['native'],
  parameters: findParameters,
  success: { 200: { description: 'What is known about the address.', schema: 'NativeFindResponse' } },
  errors: {
    400: { invalid_request: 'a missing or unknown query parameter, or a value out of its schema.' },
    401: AUTH_ERRORS,
    404: { not_found: 'neither a verification nor a confirmation is kept for the address and purpose.' },
    503: BUSY,
  },
  examples: {
    found: {
      summary: 'An address a code was sent to',
      description:
        'First `POST /v1/verifications` `{"channel":"email","to":"finn@example.com","purpose":"register"}`.',
      status: 200,
      params: { channel: 'email', to: 'finn@example.com', purpose: 'register' },
      prepare: { send: { channel: 'email', to: 'finn@example.com', purpose: 'register' } },
      response: {
        channel: 'email',
        to: 'f***@example.com',
        purpose: 'register',
        verifiedAt: null,
        latest: { id: EXAMPLE_ID, status: 'pending', expiresAt: EXPIRES },
      },
    },
    not_found: {
      summary: 'Nothing kept for this address',
      status: 404,
      params: { channel: 'email', to: 'nobody@example.com', purpose: 'login' },
      response: { error: { code: 'not_found', message: 'No such verification.' } },
    },
    invalid_request: {
      summary: 'A channel that does not exist',
      status: 400,
      params: { channel: 'fax', to: 'finn@example.com', purpose: 'register' },
      response: {
        error: {
          code: 'invalid_request',
          message: 'Invalid channel: Invalid option: expected one of "email"|"sms"|"whatsapp"|"voice".',
        },
      },
    },
    unauthorized: {
      ...UNAUTHORIZED,
      params: { channel: 'email', to: 'finn@example.com', purpose: 'register' },
    },
  },
};

/** The two lookups. */
export const STATUS_OPERATIONS = [status, find];
