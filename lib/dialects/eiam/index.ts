// EIAM dialect (seed 003): parse headers and JSON bodies into engine commands; render EIAM's envelopes
// (empty 200 on send, `{error_code, error_msg}` with 400/500 on errors, zh/en by `X-L`). The captcha's own
// parse and renderers are in ./captcha.ts.
import { isIP } from 'node:net';
import { emailKey, type ParsedPhone, parseEmail, parsePhoneIn } from '../../address.ts';
import type { CaptchaSender, CaptchaService } from '../../captcha/service.ts';
import {
  CountryNotAllowedError,
  countryText,
  DomainError,
  InputError,
  InvalidAddressError,
  LIMIT_TEXTS,
  limitOf,
  RateLimitedError,
} from '../../domain/errors.ts';
import { type Locale, matchLocale, type Purpose } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { type HttpRequest, type HttpResponse, json, jsonSentAsForm } from '../../http/request.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import {
  DOMAIN_CODES,
  type EiamCode,
  type EiamLanguage,
  EMAIL_TYPES,
  ERRORS,
  isEiamCode,
  SMS_TYPES,
} from './codes.ts';

/** `X-L` → the language of `error_msg`: Chinese for `zh*`, English otherwise (also when absent). */
export function languageOf(request: Pick<HttpRequest, 'headers'>): EiamLanguage {
  return matchLocale(request.headers['x-l']) === 'zh-CN' ? 'zh' : 'en';
}

/** One error envelope: `{error_code, error_msg}` with the code's HTTP status. */
export function errorResponse(
  code: EiamCode,
  language: EiamLanguage,
  params: readonly string[] = [],
  headers: Record<string, string> = {},
): HttpResponse {
  const entry = ERRORS[code];
  const message = entry[language].replace(/\{(\d)\}/g, (_, index: string) => params[Number(index)] ?? '');
  return json(entry.status, { error_code: code, error_msg: message }, headers);
}

const LOCALE_OF = { en: 'en', zh: 'zh-CN' } as const satisfies Record<EiamLanguage, Locale>;

export const eiam = {
  renderError(error: unknown, request: HttpRequest): HttpResponse {
    const language = languageOf(request);
    if (error instanceof InputError && isEiamCode(error.code)) {
      return errorResponse(error.code, language, error.params);
    }
    if (error instanceof InvalidAddressError) {
      return errorResponse('SDK.COMMON.1002', language, [error.channel === 'email' ? 'email' : 'mobile']);
    }
    if (error instanceof DomainError) {
      const code = DOMAIN_CODES[error.kind];
      if (code === 'SDK.SMS.1001' || code === 'SDK.SMS.1002') {
        const seconds = String(error.retryAfterSeconds ?? 60);
        // SDK.SMS.1001 says which limit refused ({1}); SDK.SMS.1002 (the daily budget) has no {1}.
        const limit =
          error instanceof RateLimitedError ? LIMIT_TEXTS[limitOf(error)][LOCALE_OF[language]] : '';
        return errorResponse(code, language, [seconds, limit], { 'retry-after': seconds });
      }
      if (error instanceof CountryNotAllowedError) {
        return errorResponse(code, language, [countryText(error.country)]);
      }
      return errorResponse(code, language);
    }
    return errorResponse('SDK.COMMON.1008', language);
  },
};

/** Success of a send: HTTP 200 with an empty body, as the seed documents. */
export function sent(): HttpResponse {
  return { statusCode: 200, headers: { 'cache-control': 'no-store' }, body: '' };
}

/** Who is calling: the tenant and the device facts the send limits are keyed by. */
export interface EiamClient {
  tenant: Tenant;
  /** The mail/SMS language from `X-L`; undefined leaves the tenant's default. */
  locale: Locale | undefined;
  /** `X-device-fingerprint`: keys the per-device send limit. */
  deviceId: string;
  /** The connection's address (API Gateway's sourceIp); `X-device-ip` is client-supplied and never used. */
  clientIp: string;
}

const DEVICE_HEADERS = ['X-operating-sys-version', 'X-device-fingerprint', 'X-agent'] as const;
const MAX_HEADER = 1024;
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

function header(request: HttpRequest, name: string): string {
  return (request.headers[name.toLowerCase()] ?? '').trim();
}

/**
 * The headers every EIAM endpoint requires, checked in this order: `X-client-id` present (1001), the
 * device headers present (1003) and not oversized (1002), `X-device-ip` an IP address when given (1002),
 * then the tenant: a known, enabled client id whose tenant id equals `X-tenant-id` when that is given (1012).
 */
export async function clientOf(request: HttpRequest, tenants: TenantRegistry): Promise<EiamClient> {
  const clientId = header(request, 'X-client-id');
  if (!clientId) throw new InputError('SDK.COMMON.1001', ['X-client-id']);
  for (const name of DEVICE_HEADERS) {
    const value = header(request, name);
    if (!value) throw new InputError('SDK.COMMON.1003');
    if (value.length > MAX_HEADER) throw new InputError('SDK.COMMON.1002', [name]);
  }
  const deviceIp = header(request, 'X-device-ip');
  if (deviceIp && isIP(deviceIp) === 0) throw new InputError('SDK.COMMON.1002', ['X-device-ip']);
  const tenant = CLIENT_ID.test(clientId) ? await tenants.find('clientId', clientId) : undefined;
  const tenantId = header(request, 'X-tenant-id');
  if (!tenant || tenant.disabled || (tenantId && tenantId !== tenant.id)) {
    throw new InputError('SDK.COMMON.1012');
  }
  return {
    tenant,
    locale: matchLocale(request.headers['x-l']),
    deviceId: header(request, 'X-device-fingerprint'),
    clientIp: request.clientIp,
  };
}

/** The JSON (or form) body as an object; a missing body reads as `{}`, anything else as 1002 `body`. */
export function bodyOf(request: HttpRequest): Record<string, unknown> {
  if (request.bodyProblem) throw new InputError('SDK.COMMON.1002', ['body']);
  const body = request.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('SDK.COMMON.1002', ['body']);
  }
  // `curl -d '{…}'` sends JSON as a form, which parses into one field named after the JSON text: say so,
  // rather than "Parameter email cannot be left blank."
  if (jsonSentAsForm(request)) {
    throw new InputError('SDK.COMMON.1002', [CONTENT_TYPE_PARAM]);
  }
  return body as Record<string, unknown>;
}

/** `{0}` of SDK.COMMON.1002 for a JSON body sent as a form. */
export const CONTENT_TYPE_PARAM = 'Content-Type (application/json expected)';

/** A required string field: absent, null or blank → 1001; not a string → 1002. Returned trimmed. */
export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new InputError('SDK.COMMON.1001', [name]);
  }
  if (typeof value !== 'string') throw new InputError('SDK.COMMON.1002', [name]);
  return value.trim();
}

/**
 * A mobile number: E.164 (`+8613800138000`), or bare national digits read with the tenant's first allowed
 * SMS country. Nothing else (no spaces, dashes or `00` prefix). Undefined when it is not a valid number.
 */
export function parseMobile(raw: string, tenant: Tenant): ParsedPhone | undefined {
  return parsePhoneIn(raw, tenant.sms.allowedCountries[0]);
}

/** The normalized sender a captcha is bound to: an email (lower-cased) if it has `@`, else a mobile. */
export function senderOf(raw: string, tenant: Tenant): CaptchaSender | undefined {
  if (raw.includes('@')) {
    const email = parseEmail(raw);
    return email ? { channel: 'email', key: emailKey(email) } : undefined;
  }
  const phone = parseMobile(raw, tenant);
  return phone ? { channel: 'sms', key: phone.e164 } : undefined;
}

const CAPTCHA_TOKEN = /^[0-9a-f]{32}---[\x20-\x7e]{1,100}$/;

/** A parsed send: the engine command plus the captcha_token that must be redeemed for its sender first. */
export interface EiamSend {
  command: SendCommand;
  captchaToken: string;
  sender: CaptchaSender;
}

function purposeOf(body: Record<string, unknown>, types: ReadonlyMap<string, Purpose>): Purpose {
  const purpose = types.get(requiredString(body, 'type'));
  if (!purpose) throw new InputError('SDK.COMMON.1007');
  return purpose;
}

function captchaTokenOf(body: Record<string, unknown>): string {
  const token = requiredString(body, 'captcha_token');
  if (!CAPTCHA_TOKEN.test(token)) throw new InputError('SDK.COMMON.1002', ['captcha_token']);
  return token;
}

function commandOf(client: EiamClient, fields: Pick<SendCommand, 'channel' | 'to' | 'purpose'>): SendCommand {
  return {
    tenant: client.tenant,
    ...fields,
    locale: client.locale,
    clientIp: client.clientIp,
    deviceId: client.deviceId,
  };
}

/** `POST /api/v2/sdk/email/send` `{email, type, captcha_token}`; fields checked in that order. */
export async function parseSendEmail(request: HttpRequest, tenants: TenantRegistry): Promise<EiamSend> {
  const client = await clientOf(request, tenants);
  const body = bodyOf(request);
  const email = parseEmail(requiredString(body, 'email'));
  if (!email) throw new InputError('SDK.COMMON.1002', ['email']);
  const purpose = purposeOf(body, EMAIL_TYPES);
  const captchaToken = captchaTokenOf(body);
  return {
    command: commandOf(client, { channel: 'email', to: email, purpose }),
    captchaToken,
    sender: { channel: 'email', key: emailKey(email) },
  };
}

/**
 * `POST /api/v2/sdk/sms/send` `{mobile, type, captcha_token}`. A number of a country the tenant does not
 * allow is refused here (SDK.SMS.1004), before the captcha_token is spent.
 */
export async function parseSendSms(request: HttpRequest, tenants: TenantRegistry): Promise<EiamSend> {
  const client = await clientOf(request, tenants);
  const body = bodyOf(request);
  const phone = parseMobile(requiredString(body, 'mobile'), client.tenant);
  if (!phone) throw new InputError('SDK.COMMON.1002', ['mobile']);
  if (!phone.country || !client.tenant.sms.allowedCountries.includes(phone.country)) {
    throw new InputError('SDK.SMS.1004', [countryText(phone.country)]);
  }
  const purpose = purposeOf(body, SMS_TYPES);
  const captchaToken = captchaTokenOf(body);
  return {
    command: commandOf(client, { channel: 'sms', to: phone.e164, purpose }),
    captchaToken,
    sender: { channel: 'sms', key: phone.e164 },
  };
}

/**
 * Spends the send's captcha_token (before the engine runs, so no provider is ever called without one; a
 * send the engine then refuses still spends it). Unknown, used or other-sender → SDK.CAPTCHA.1003;
 * expired → SDK.COMMON.1005.
 */
export async function redeemCaptcha(captcha: CaptchaService, send: EiamSend): Promise<void> {
  const outcome = await captcha.redeem({
    tenantId: send.command.tenant.id,
    captchaToken: send.captchaToken,
    sender: send.sender,
  });
  if (outcome === 'expired') throw new InputError('SDK.COMMON.1005', ['captcha_token']);
  if (outcome !== 'redeemed') throw new InputError('SDK.CAPTCHA.1003');
}
