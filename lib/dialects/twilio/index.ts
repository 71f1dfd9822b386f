// Twilio Verify v2 dialect: HTTP Basic accounts, Verify services as tenant data, form-encoded parameters in,
// Twilio's error JSON out. Parsers throw InputError(code, [message]); the engine's refusals map by kind.
import { parseEmail, parsePhone } from '../../address.ts';
import { randomHex, safeEqual, sha256Hex } from '../../crypto.ts';
import { DomainError, InputError, RateLimitedError } from '../../domain/errors.ts';
import type { Channel } from '../../domain/vocabulary.ts';
import { type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { canonicalSid, ERRORS, KIND_CODES, RATE_LIMITS, SID, type TwilioCode } from './codes.ts';
import { withTableService } from './services.ts';

export { ERRORS, TWILIO_PURPOSE } from './codes.ts';

/** A Twilio error response: `{code, message, more_info, status}` with the HTTP status it names. */
export function twilioError(
  code: TwilioCode,
  message?: string,
  retryAfter?: number,
  limitName?: string,
): HttpResponse {
  const [status, fallback] = ERRORS[code];
  const headers: Record<string, string> = {};
  if (retryAfter) headers['retry-after'] = String(retryAfter);
  // Every rate-limit answer names the limit reached, in the header Twilio's rate-limit answers carry.
  if (status === 429)
    headers['twilio-reached-rate-limit'] = limitName ?? (code === 60202 ? 'check-attempts' : 'sms-budget');
  if (status === 401) headers['www-authenticate'] = 'Basic realm="Twilio API"';
  return json(
    status,
    { code, message: message ?? fallback, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    headers,
  );
}

/** 20404's message names the resource, as Twilio's does (the path below `/v2`, bounded). */
function notFoundMessage(request: HttpRequest): string {
  const path = request.path.replace(/^\/v2/, '').slice(0, 200);
  return `The requested resource ${path} was not found`;
}

export const twilio = {
  renderError(error: unknown, request: HttpRequest): HttpResponse {
    if (error instanceof InputError && typeof error.code === 'number' && error.code in ERRORS) {
      const code = error.code as TwilioCode;
      return twilioError(code, error.params[0] ?? (code === 20404 ? notFoundMessage(request) : undefined));
    }
    if (error instanceof RateLimitedError && error.scope === 'bucket') {
      // A Service Rate Limit's bucket is full: Twilio's 429, the header naming the rate limit reached.
      const name = error.limitName ?? 'rate-limit';
      return twilioError(
        20429,
        `Too Many Requests: rate limit ${name} reached`,
        error.retryAfterSeconds,
        name,
      );
    }
    if (error instanceof RateLimitedError) {
      const limit = RATE_LIMITS[error.scope] ?? RATE_LIMITS.address;
      return twilioError(limit?.code ?? 60203, limit?.message, error.retryAfterSeconds, limit?.name);
    }
    if (error instanceof DomainError) {
      const code = KIND_CODES[error.kind] ?? 20503;
      return twilioError(
        code,
        code === 20404 ? notFoundMessage(request) : undefined,
        error.retryAfterSeconds,
      );
    }
    return twilioError(20503);
  },
};

/** Codegate's own Twilio-shaped ids: the prefix and 32 random hex digits. */
export const newSid = (prefix: 'VE' | 'VL') => `${prefix}${randomHex(16)}`;

type Service = NonNullable<Tenant['twilio']>['services'][number];

/** The caller: `Authorization: Basic AccountSid:AuthToken`, the token's SHA-256 compared in constant time. */
export async function authenticate(
  request: HttpRequest,
  tenants: TenantRegistry,
): Promise<{ tenant: Tenant; accountSid: string }> {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,512})$/i.exec(request.headers.authorization ?? '');
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const accountSid = decoded.slice(0, Math.max(0, colon));
  const token = decoded.slice(colon + 1);
  if (colon < 0 || !SID.account.test(accountSid) || token.length === 0) throw new InputError(20003);
  const sid = canonicalSid(accountSid);
  // The credentials are checked before the origin guard sees the tenant (a registry that admits all,
  // same cache): an unknown account and a wrong token both answer 20003, whatever the Origin.
  const tenant = await tenants.admitting(() => undefined).find('twilioAccount', sid);
  const account = tenant?.twilio?.accounts.find((entry) => entry.accountSid === sid);
  if (!tenant || tenant.disabled || !account || !safeEqual(sha256Hex(token), account.authTokenSha256)) {
    throw new InputError(20003);
  }
  // Now the request's own guard (origin, cross-site): the same cached tenant, passed to it.
  await tenants.find('twilioAccount', sid);
  // A `{ServiceSid}` made through the Services API joins the tenant's services for this request.
  return { tenant: await withTableService(request, tenant, sid), accountSid: sid };
}

/**
 * The Verify service in the path: the tenant's own (from the tenants file, or made by this account through the
 * Services API: `authenticate` adds it), else 20404 (another account's service is not found).
 */
export function serviceOf(request: HttpRequest, tenant: Tenant): Service {
  const sid = request.pathParameters.ServiceSid ?? '';
  const service = SID.service.test(sid)
    ? tenant.twilio?.services.find((entry) => entry.sid === canonicalSid(sid))
    : undefined;
  if (!service) throw new InputError(20404);
  return service;
}

/**
 * The `{Sid}` of fetch and update: a verification sid (hex in either case), or, as Twilio accepts, the
 * verification's `To` (an E.164 number or an email address); anything else 20404.
 */
export function verificationSidOf(request: HttpRequest): { sid: string } | { to: string; channel: Channel } {
  const sid = request.pathParameters.Sid ?? '';
  if (SID.verification.test(sid)) return { sid: canonicalSid(sid) };
  if (sid.includes('@')) {
    const email = parseEmail(sid);
    if (email) return { to: email, channel: 'email' };
  } else {
    const phone = parsePhone(sid);
    if (phone) return { to: phone.e164, channel: 'sms' };
  }
  throw new InputError(20404);
}

export { formOf, ownerOf, parseCheck, parseCreate, parseUpdate } from './parameters.ts';
