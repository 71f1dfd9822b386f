// Fresns dialect (seed 001): parse send-verify-code into an engine command; render `{code, message, data}`.
import { type CountryCode, getCountries, getCountryCallingCode } from 'libphonenumber-js/core';
import { parseEmail, parsePhone, phoneMetadata } from '../../address.ts';
import {
  countryText,
  DomainError,
  InputError,
  InvalidAddressError,
  LIMIT_TEXTS,
  limitOf,
  RateLimitedError,
} from '../../domain/errors.ts';
import { type Channel, type Locale, matchLocale, type Purpose } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { declaresJson, type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import { verifySession } from '../../session.ts';
import { findAccountByEmail, findAccountById, findAccountByPhone } from '../../tenants/accounts.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Account, Tenant } from '../../tenants/schema.ts';
import {
  DOMAIN_CODES,
  type FresnsCode,
  MESSAGES,
  TEMPLATE_IDS,
  TEMPLATE_PURPOSES,
  USE_TYPES,
} from './codes.ts';

/** The message language: `zh*` in the `langTag` header reads Chinese, anything else English. */
function messageLocale(request: HttpRequest): Locale {
  return matchLocale(request.headers.langtag) ?? 'en';
}

/**
 * The envelope: HTTP 200 always; `{code, message, data: null}`, success being code 0 with message "ok". A
 * `detail` follows the code's own text in parentheses (its text stays first, for clients that compare it).
 */
export function envelope(code: FresnsCode, locale: Locale = 'en', detail?: string): HttpResponse {
  const [english, chinese] = MESSAGES[code];
  const text = locale === 'zh-CN' ? chinese : english;
  return json(200, { code, message: detail ? `${text} (${detail})` : text, data: null });
}

/** The detail of a body that is not JSON: the content type Fresns reads. */
export const CONTENT_TYPE_DETAIL = 'Content-Type application/json expected';

/** The renderer for failures: input errors by their code, engine refusals by DOMAIN_CODES, anything else 32301. */
export const fresns = {
  renderError(error: unknown, request: HttpRequest): HttpResponse {
    const locale = messageLocale(request);
    if (error instanceof InputError && typeof error.code === 'number' && error.code in MESSAGES) {
      return envelope(error.code as FresnsCode, locale, error.params[0]);
    }
    if (error instanceof InvalidAddressError)
      return envelope(error.channel === 'email' ? 34101 : 34102, locale);
    if (error instanceof RateLimitedError) {
      return envelope(DOMAIN_CODES[error.kind], locale, LIMIT_TEXTS[limitOf(error)][locale]);
    }
    if (error instanceof DomainError) return envelope(DOMAIN_CODES[error.kind], locale);
    return envelope(32301, locale);
  },
};

let callingCodes: Set<string> | undefined;

/** Every geographic country calling code libphonenumber knows ("86", "1", "44", …); built on first use. */
function knownCallingCodes(): Set<string> {
  const metadata = phoneMetadata();
  callingCodes ??= new Set(getCountries(metadata).map((country) => getCountryCallingCode(country, metadata)));
  return callingCodes;
}

/** `useType` 1–5: new account, existing account, fill in, identity, direct. */
export type UseType = (typeof USE_TYPES)[keyof typeof USE_TYPES];

/** A well-formed send-verify-code body, before anything tenant-specific is decided. */
export interface SendVerifyCodeInput {
  channel: Channel;
  useType: UseType;
  /** Any integer; whether it names an enabled template is the tenant's question (33200). */
  templateId: number;
  /** The address the client named: the email as given or the phone in E.164. Absent for useType 4. */
  target?: { to: string; country?: CountryCode };
}

/** Laravel's `required`: absent, null and blank strings are all missing. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A JSON integer, or a string of up to 9 digits (form posts and lenient clients); else undefined. */
function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** A required integer field: 30001 when missing, 30000 when not an integer. */
function requiredInteger(value: unknown): number {
  if (isMissing(value)) throw new InputError(30001);
  const number = integerOf(value);
  if (number === undefined) throw new InputError(30000);
  return number;
}

/**
 * The JSON object body; 30000 for broken, oversized, non-object or non-JSON bodies (the seed says
 * `application/json`: a form or text/plain body is what a cross-site page can post), 30001 for none.
 */
function bodyOf(request: HttpRequest): Record<string, unknown> {
  if (request.bodyProblem) throw new InputError(30000);
  const { body } = request;
  if (body === undefined) throw new InputError(30001);
  if (!declaresJson(request)) throw new InputError(30000, [CONTENT_TYPE_DETAIL]);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InputError(30000);
  return body as Record<string, unknown>;
}

/** `countryCode` as calling-code digits: 30001 missing, 30000 mistyped, 34103 not a calling code. */
function callingCodeOf(value: unknown): string {
  if (isMissing(value)) throw new InputError(30001);
  let digits: string | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) digits = String(value);
  else if (typeof value === 'string' && /^\+?\d{1,9}$/.test(value.trim())) {
    digits = value.trim().replace(/^\+/, '');
  }
  if (digits === undefined) throw new InputError(30000);
  if (!knownCallingCodes().has(digits)) throw new InputError(34103);
  return digits;
}

/**
 * Validates the body (Fresns v2 rules; docs/dialects/fresns.md) field by field in the documented order — `type`,
 * `useType`, `templateId`, `account`, `countryCode` — and throws the first failure: 30001 missing,
 * 30000 mistyped or out of its enum, 34101 / 34102 / 34103 for a malformed email, phone or calling
 * code. For useType 4 `account` and `countryCode` are ignored entirely, as the seed says.
 */
export function parseSendVerifyCodeBody(request: HttpRequest): SendVerifyCodeInput {
  const body = bodyOf(request);

  if (isMissing(body.type)) throw new InputError(30001);
  const type = typeof body.type === 'string' ? body.type.trim() : undefined;
  if (type !== 'email' && type !== 'sms') throw new InputError(30000);
  const channel: Channel = type;

  const useType = requiredInteger(body.useType);
  if (useType < 1 || useType > 5) throw new InputError(30000);
  const templateId = requiredInteger(body.templateId);
  if (useType === USE_TYPES.identity) return { channel, useType, templateId };

  if (isMissing(body.account)) throw new InputError(30001);
  if (typeof body.account !== 'string') throw new InputError(30000);
  const account = body.account.trim();
  if (channel === 'email') {
    const email = parseEmail(account);
    if (!email) throw new InputError(34101);
    return { channel, useType: useType as UseType, templateId, target: { to: email } };
  }
  const callingCode = callingCodeOf(body.countryCode);
  const phone = /^\d{1,17}$/.test(account) ? parsePhone(account, callingCode) : undefined;
  if (!phone) throw new InputError(34102);
  return {
    channel,
    useType: useType as UseType,
    templateId,
    target: { to: phone.e164, ...(phone.country ? { country: phone.country } : {}) },
  };
}

/**
 * Fresns documents its limits exactly — 1 per minute and 5 per 10 minutes per account — so this
 * dialect applies them whatever the tenant configures for its other front doors.
 */
function withFresnsLimits(tenant: Tenant): Tenant {
  return {
    ...tenant,
    limits: { ...tenant.limits, cooldownSeconds: 60, perAddress: { limit: 5, windowSeconds: 600 } },
  };
}

/** The tenant behind `Host` (port ignored, `*` fallback); unknown or disabled → 32100. */
async function tenantOf(request: HttpRequest, tenants: TenantRegistry): Promise<Tenant> {
  const tenant = await tenants.findByHost(request.headers.host);
  if (!tenant || tenant.disabled) throw new InputError(32100);
  return tenant;
}

/** The purpose of an enabled template; a templateId outside 1–8 or disabled for the channel → 33200. */
export function templatePurpose(tenant: Tenant, channel: Channel, templateId: number): Purpose {
  // Fresns sends only email and SMS (its parser refuses any other type).
  const own = channel === 'email' || channel === 'sms' ? tenant.fresns?.templates?.[channel] : undefined;
  const enabled: readonly number[] = own ?? TEMPLATE_IDS;
  const purpose = TEMPLATE_PURPOSES[templateId];
  if (!purpose || !enabled.includes(templateId)) throw new InputError(33200);
  return purpose;
}

/** The logged-in account (useType 3 and 4): a valid session for an account the tenant knows, else 31501. */
async function loggedInAccount(tenant: Tenant, request: HttpRequest): Promise<Account> {
  const { aid, uid, token } = request.headers;
  const session = await verifySession(tenant, { aid, uid, token });
  const account = session && findAccountById(tenant, session.aid);
  if (!account) throw new InputError(31501);
  return account;
}

/**
 * Charges an answer that reveals whether an account exists to the client's per-IP send limit (the
 * engine's `chargeAccountAnswer`); throws the limit's refusal (33201) once it is spent.
 */
export type AccountAnswerCharge = (tenant: Tenant) => Promise<void>;

/** The directory's account holding this address, if any. */
function holderOf(tenant: Tenant, channel: Channel, address: string): Account | undefined {
  return channel === 'email' ? findAccountByEmail(tenant, address) : findAccountByPhone(tenant, address);
}

/**
 * Where the code goes under the five useType rules: 1 the named address must be unused (34205/34206);
 * 2 it must belong to an account (34301); 3 logged in, the named address unused and the account without
 * one of its own yet (34401/34402); 4 logged in, the account's own address whatever was named
 * (34302/34303 when it has none); 5 the named address as it is. Every refusal that follows a look at
 * the named address is charged: 34205/34206 (useType 1 and 3), 34301, and 34401/34402, which useType 3
 * answers only for an unused address; 34302/34303 speak of the caller's own account only.
 */
async function destinationOf(
  tenant: Tenant,
  input: SendVerifyCodeInput,
  request: HttpRequest,
  charge: AccountAnswerCharge,
) {
  const { channel, useType, target } = input;
  const inUse = channel === 'email' ? 34205 : 34206;
  if (useType === USE_TYPES.identity) {
    const account = await loggedInAccount(tenant, request);
    const own = channel === 'email' ? account.email : account.phone;
    if (!own) throw new InputError(channel === 'email' ? 34302 : 34303);
    return own;
  }
  // Only useType 4 may come without a target; the parser guarantees one otherwise.
  if (!target) throw new InputError(30001);
  // Answers that tell a stranger whether an account exists are charged to the client's send limit.
  if (useType === USE_TYPES.newAccount && holderOf(tenant, channel, target.to)) {
    await charge(tenant);
    throw new InputError(inUse);
  }
  if (useType === USE_TYPES.existingAccount && !holderOf(tenant, channel, target.to)) {
    await charge(tenant);
    throw new InputError(34301);
  }
  if (useType === USE_TYPES.fillIn) {
    const account = await loggedInAccount(tenant, request);
    // A session is cheap to hold: a logged-in user probing addresses is a stranger to their accounts. And
    // 34401/34402 come only once the address was found unused, so they answer the same question.
    const used = holderOf(tenant, channel, target.to) !== undefined;
    if (used || (channel === 'email' ? account.email : account.phone)) {
      await charge(tenant);
      throw new InputError(used ? inUse : channel === 'email' ? 34401 : 34402);
    }
  }
  return target.to;
}

/**
 * Seed 001: the body and headers → a send command. The checks run in a fixed order so the answer
 * never depends on timing: parameters (30000/30001/341xx) → tenant and provider (32100) → template
 * (33200) → SMS country (34103) → login (31501) → account rules (342xx/343xx/344xx); the engine then
 * applies the send limits (33201) and delivers.
 */
export async function parseSendVerifyCode(
  request: HttpRequest,
  tenants: TenantRegistry,
  charge: AccountAnswerCharge,
): Promise<SendCommand> {
  const input = parseSendVerifyCodeBody(request);
  const tenant = await tenantOf(request, tenants);
  // A tenant that allows no SMS country has, in Fresns terms, no SMS provider configured.
  if (input.channel === 'sms' && tenant.sms.allowedCountries.length === 0) throw new InputError(32100);
  const purpose = templatePurpose(tenant, input.channel, input.templateId);
  const country = input.target?.country;
  if (
    input.channel === 'sms' &&
    input.target &&
    (!country || !tenant.sms.allowedCountries.includes(country))
  ) {
    // The calling code was valid: what refuses is the country the number belongs to (+44 7911… is GG, not GB).
    throw new InputError(34103, [countryText(country)]);
  }
  const to = await destinationOf(tenant, input, request, charge);
  return {
    tenant: withFresnsLimits(tenant),
    channel: input.channel,
    to,
    purpose,
    locale: matchLocale(request.headers.langtag),
    clientIp: request.clientIp,
  };
}
