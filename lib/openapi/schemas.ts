// OpenAPI document (docs/openapi.json): the native API's schemas. Requests are the dialect's own zod
// schemas; responses had none, so they are declared here in zod, and test/openapi.test.ts parses every
// example's real answer with them (strict objects: an undocumented field fails the test).
import * as z from 'zod';
import { checkSchema, ERRORS, findSchema, redeemSchema, sendSchema } from '../dialects/native/index.ts';
import { CHANNELS, PURPOSES } from '../domain/vocabulary.ts';
import type { CheckStatus, VerificationStatus } from '../engine/engine.ts';

type JsonSchema = Record<string, unknown>;

/** Every value of a string union, checked at compile time: a new engine status fails type-checking here. */
function allOf<T extends string>() {
  return <const A extends readonly T[]>(
    values: A & ([T] extends [A[number]] ? unknown : 'a value is missing'),
  ) => values;
}

const VERIFICATION_STATUSES = allOf<VerificationStatus['status']>()([
  'pending',
  'approved',
  'expired',
  'max_attempts',
  'failed',
]);
const CHECK_FAILURES = allOf<Exclude<CheckStatus, 'approved'>>()([
  'pending',
  'expired',
  'max_attempts',
  'not_found',
  'already_used',
]);

const id = z.string().min(1).describe('Opaque verification id; names it in `GET /v1/verifications/{id}`.');
const masked = z
  .string()
  .describe('The address, masked (`a***@example.com`, `+86138****8000`); never the full address.');
const instant = z.iso.datetime().describe('ISO 8601 instant, UTC.');
const status = z.enum(VERIFICATION_STATUSES);

const sendResponse = z.strictObject({
  id,
  status: z.literal('pending'),
  channel: z.enum(CHANNELS),
  to: masked,
  expiresAt: instant.describe('When the code stops being accepted.'),
});

const checkResponse = z.union([
  z.strictObject({ valid: z.literal(true), status: z.literal('approved') }),
  z.strictObject({
    valid: z.literal(false),
    status: z
      .enum(CHECK_FAILURES)
      .describe(
        '`pending`: wrong code, attempts left; `expired`; `max_attempts`: no guesses left; ' +
          '`not_found`: nothing was sent (or another tenant sent it); `already_used`.',
      ),
  }),
]);

const statusResponse = z.strictObject({
  id,
  status,
  channel: z.enum(CHANNELS),
  to: masked,
  purpose: z.enum(PURPOSES),
  expiresAt: instant,
});

const findResponse = z.strictObject({
  channel: z.enum(CHANNELS),
  to: masked,
  purpose: z.enum(PURPOSES),
  verifiedAt: instant
    .nullable()
    .describe(
      'When a mailed link last confirmed this address for the purpose (kept 90 days); null if never.',
    ),
  latest: z
    .strictObject({ id, status, expiresAt: instant })
    .nullable()
    .describe('The latest verification sent to this address for the purpose; null if none is kept.'),
});

const redeemResponse = z.strictObject({
  valid: z.boolean().describe('true exactly once for a live grant; false for anything else.'),
});

type ErrorCode = keyof typeof ERRORS;

/** The error envelope for one HTTP status: its `code` is one of the dialect's codes with that status. */
function errorOf(httpStatus: number) {
  const codes = (Object.keys(ERRORS) as ErrorCode[]).filter((code) => ERRORS[code][0] === httpStatus);
  return z.strictObject({
    error: z.strictObject({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      message: z
        .string()
        .describe('For people, not programs. `invalid_request` names the field (or unknown key) at fault.'),
      retryAfter: z
        .int()
        .positive()
        .optional()
        .describe('Seconds to wait; present exactly when the `Retry-After` header is.'),
    }),
  });
}

/** The HTTP statuses the native API answers with an error envelope, from its error table. */
export const ERROR_STATUSES = [...new Set(Object.values(ERRORS).map(([httpStatus]) => httpStatus))].sort();

/** Request schemas by component name: the dialect's parsers, unchanged. */
export const REQUEST_SCHEMAS = {
  NativeSendRequest: sendSchema,
  NativeCheckRequest: checkSchema,
  NativeFindQuery: findSchema,
  NativeRedeemRequest: redeemSchema,
} as const;

/** Response schemas by component name; the test resolves each documented `$ref` here. */
export const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  NativeSendResponse: sendResponse,
  NativeCheckResponse: checkResponse,
  NativeStatusResponse: statusResponse,
  NativeFindResponse: findResponse,
  NativeRedeemResponse: redeemResponse,
  ...Object.fromEntries(
    ERROR_STATUSES.map((httpStatus) => [`NativeError${httpStatus}`, errorOf(httpStatus)]),
  ),
};

/** `$ref` of a component schema. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) of each schema, by component name. */
function convert(
  schemas: Record<string, z.core.$ZodType>,
  io: 'input' | 'output',
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(schemas)) registry.add(schema, { id: name });
  const converted = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (name) => `#/components/schemas/${name}`,
    // zod spells its date-time check out as a long pattern too; `format` says the same to a reader.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
      // Likewise for IP literals; the server reads them with Node's own parser (lib/ip.ts).
      if (jsonSchema.format === 'ipv4' || jsonSchema.format === 'ipv6') delete jsonSchema.pattern;
      // z.int() bounds itself to safe integers; no client needs telling.
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
  const result: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(converted.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    result[name] = rest;
  }
  return result;
}

/** The document's `components.schemas`: requests as the parsers read them (input), responses as sent. */
export function componentSchemas(): Record<string, JsonSchema> {
  return { ...convert(REQUEST_SCHEMAS, 'input'), ...convert(RESPONSE_SCHEMAS, 'output') };
}
