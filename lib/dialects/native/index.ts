// Native dialect (docs/dialects/native.md): bearer-key JSON API for sending and checking codes, errors as {error:{code,message}}.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { sha256Hex } from '../../crypto.ts';
import {
  AddressSuppressedError,
  CountryNotAllowedError,
  countryText,
  DomainError,
  type DomainErrorKind,
  InputError,
  LIMIT_TEXTS,
  limitOf,
  PumpingBlockedError,
  RateLimitedError,
  SpendCeilingError,
} from '../../domain/errors.ts';
import { CHANNELS, LOCALES, PURPOSES } from '../../domain/vocabulary.ts';
import type { CheckCommand, SendCommand } from '../../engine/engine.ts';
import type { HttpRequest, HttpResponse } from '../../http/request.ts';
import { json, jsonSentAsForm } from '../../http/request.ts';
import { parseIp } from '../../ip.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';

/** HTTP status and public message for each error code this API emits. */
export const ERRORS = {
  invalid_request: [400, 'The request is malformed.'],
  invalid_address: [400, 'The address is not valid for the channel.'],
  country_not_allowed: [400, 'SMS to this country is not enabled for the tenant.'],
  unauthorized: [401, 'A valid API key is required.'],
  not_found: [404, 'No such verification.'],
  idempotency_conflict: [409, 'The idempotency key was used with a different request.'],
  replayed: [409, 'This request was already processed.'],
  address_suppressed: [422, 'The address bounced or complained; nothing is sent to it.'],
  sms_blocked: [403, 'Texts to this number range are blocked: codes sent to it are not being entered.'],
  origin_not_allowed: [403, 'Browser requests from this origin are not allowed for this tenant.'],
  rate_limited: [429, 'Too many requests; retry later.'],
  budget_exhausted: [429, 'The SMS budget for today is spent.'],
  delivery_failed: [503, 'The message could not be delivered; no code was issued.'],
  unavailable: [503, 'The service is busy; retry later.'],
} as const satisfies Record<string, readonly [number, string]>;

export type NativeErrorCode = keyof typeof ERRORS;

const KIND_CODES: Record<DomainErrorKind, NativeErrorCode> = {
  rate_limited: 'rate_limited',
  budget_exhausted: 'budget_exhausted',
  country_not_allowed: 'country_not_allowed',
  replayed: 'replayed',
  delivery_failed: 'delivery_failed',
  invalid_address: 'invalid_address',
  idempotency_conflict: 'idempotency_conflict',
  not_found: 'not_found',
  suppressed: 'address_suppressed',
  cross_site: 'origin_not_allowed',
  pumping_blocked: 'sms_blocked',
  busy: 'unavailable',
};

function errorResponse(code: NativeErrorCode, detail?: string, retryAfter?: number): HttpResponse {
  const [status, message] = ERRORS[code];
  return json(
    status,
    { error: { code, message: detail ?? message, ...(retryAfter ? { retryAfter } : {}) } },
    retryAfter ? { 'retry-after': String(retryAfter) } : {},
  );
}

/** A suppression that is not a bounce or complaint says why (lib/store/suppressions.ts, its reasons). */
const SUPPRESSED_TEXTS: Record<string, string> = {
  operator: 'An operator suppressed the address; nothing is sent to it.',
  not_on_whatsapp:
    'WhatsApp reported the number cannot receive WhatsApp messages; nothing is sent to it for now.',
  unanswered: 'Calls to the number were busy or not answered; no call is placed to it for now.',
  call_failed: 'Calls to the number failed; no call is placed to it for now.',
};

/** The refusals whose message says more than the code: which limit refused, which country the number is. */
function detailOf(error: DomainError): string | undefined {
  if (error instanceof RateLimitedError) {
    return `Too many requests: refused by ${LIMIT_TEXTS[limitOf(error)].en}; retry later.`;
  }
  if (error instanceof CountryNotAllowedError) {
    return `SMS to this country is not enabled for the tenant: ${countryText(error.country)}.`;
  }
  if (error instanceof AddressSuppressedError && error.reason && error.reason in SUPPRESSED_TEXTS) {
    return SUPPRESSED_TEXTS[error.reason];
  }
  if (error instanceof SpendCeilingError) {
    return "The tenant's daily ceiling on unverified SMS spend is reached (SMS pumping guard); retry after the next UTC midnight.";
  }
  if (error instanceof PumpingBlockedError) {
    return `Texts to this number range are blocked until ${new Date(error.until).toISOString()}: codes sent to it are not being entered (SMS pumping guard); nothing is sent.`;
  }
  return undefined;
}

export const native = {
  renderError(error: unknown): HttpResponse {
    if (error instanceof InputError && typeof error.code === 'string' && error.code in ERRORS) {
      return errorResponse(error.code as NativeErrorCode, error.params[0]);
    }
    if (error instanceof DomainError) {
      return errorResponse(KIND_CODES[error.kind], detailOf(error), error.retryAfterSeconds);
    }
    return errorResponse('unavailable');
  },
};

/** The tenant behind `Authorization: Bearer <key>`, or 401. */
export async function authenticate(request: HttpRequest, tenants: TenantRegistry): Promise<Tenant> {
  const match = /^Bearer\s+(\S{8,256})$/i.exec(request.headers.authorization ?? '');
  const tenant = match?.[1] ? await tenants.findByApiKey(match[1]) : undefined;
  if (!tenant || tenant.disabled) throw new InputError('unauthorized');
  return tenant;
}

// The request schemas use zod's mini build: the same parsing core as `zod` without its method-chaining
// classes, so these functions bundle and load a fraction of it. invalid_request answers quote zod's English
// messages, and mini loads no locale by itself (it would say only "Invalid input").
z.config(en());

const address = z.string().check(z.trim(), z.minLength(3), z.maxLength(320));
// The request schemas are exported for the OpenAPI document (lib/openapi/, npm run openapi).
/** The end user's IP address, for an app server that sends on its users' behalf (what the per-IP limit counts). */
const clientIp = z
  .union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' })
  .check(
    z.describe(
      "The end user's IP address, for an app server sending on its users' behalf: what the tenant's " +
        "per-IP limit counts instead of the server's own address. IPv6 is counted per address as written " +
        'in RFC 5952 form (an IPv4-mapped address as its IPv4).',
    ),
  );
export const sendSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  to: address,
  purpose: z.enum(PURPOSES),
  locale: z.optional(z.enum(LOCALES)),
  clientIp: z.optional(clientIp),
});
export const findSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  to: address,
  purpose: z.enum(PURPOSES),
});
export const redeemSchema = z.strictObject({
  to: address,
  purpose: z.enum(PURPOSES),
  token: z.string().check(z.trim(), z.minLength(20), z.maxLength(100)),
});
export const checkSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  to: address,
  purpose: z.enum(PURPOSES),
  code: z.string().check(z.trim(), z.minLength(1), z.maxLength(32)),
});

/** The message of a JSON body sent under another content type. */
export const JSON_EXPECTED =
  'Invalid body: Content-Type application/json expected (the body is JSON, sent as a form: curl -d does that; add -H "Content-Type: application/json").';

function parseBody<T>(request: HttpRequest, schema: z.ZodMiniType<T>): T {
  if (request.bodyProblem) throw new InputError('invalid_request', [`Body problem: ${request.bodyProblem}.`]);
  if (jsonSentAsForm(request)) throw new InputError('invalid_request', [JSON_EXPECTED]);
  const result = schema.safeParse(request.body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new InputError('invalid_request', [`Invalid ${where}: ${issue?.message ?? 'malformed'}.`]);
  }
  return result.data;
}

/** The `Idempotency-Key` header: 1–128 printable ASCII characters, no spaces. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** `POST /v1/verifications` → a send command (with the optional Idempotency-Key). */
export function parseSend(request: HttpRequest, tenant: Tenant): SendCommand {
  const body = parseBody(request, sendSchema);
  const key = request.headers['idempotency-key'];
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new InputError('invalid_request', ['Invalid Idempotency-Key header.']);
  }
  // One spelling per address (RFC 5952), so `2001:DB8::1` and `2001:db8::1` are one client to the limit.
  const endUser = body.clientIp === undefined ? undefined : parseIp(body.clientIp);
  if (body.clientIp !== undefined && endUser === undefined) {
    throw new InputError('invalid_request', ['Invalid clientIp: expected an IPv4 or IPv6 address.']);
  }
  return {
    tenant,
    channel: body.channel,
    to: body.to,
    purpose: body.purpose,
    locale: body.locale,
    // Given, it is the end user the per-IP limit counts; otherwise the caller's own source address.
    clientIp: endUser ?? request.clientIp,
    idempotency: key
      ? {
          key: `${tenant.id}:${key}`,
          requestHash: sha256Hex(JSON.stringify(body)),
        }
      : undefined,
  };
}

/** `POST /v1/verifications/check` → a check command. */
export function parseCheck(request: HttpRequest, tenant: Tenant): CheckCommand {
  return { tenant, ...parseBody(request, checkSchema) };
}

/** `GET /v1/verifications?channel=&to=&purpose=` → what to look up. */
export function parseFind(request: HttpRequest) {
  const result = findSchema.safeParse(request.query);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError('invalid_request', [
      `Invalid ${issue?.path.join('.') || 'query'}: ${issue?.message}.`,
    ]);
  }
  return result.data;
}

/** `POST /v1/grants/redeem` → the grant to redeem. */
export function parseRedeem(request: HttpRequest) {
  return parseBody(request, redeemSchema);
}

/** `GET /v1/verifications/{id}` → the id. */
export function parseId(request: HttpRequest): string {
  const id = request.pathParameters.id ?? '';
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(id)) throw new InputError('not_found');
  return id;
}
