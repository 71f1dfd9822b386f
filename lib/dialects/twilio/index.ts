// Twilio Verify v2 dialect: HTTP Basic accounts, Verify services as tenant data, form-encoded parameters in,
// Twilio's error JSON out. Parsers throw InputError(code, [message]); the engine's refusals map by kind.
import { parseEmail, parsePhone } from '../../address.ts';
import { randomHex, safeEqual, sha256Hex } from '../../crypto.ts';
import { DomainError, InputError } from '../../domain/errors.ts';
import { type Channel, matchLocale } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { isSafeMessageText } from '../../engine/message-text.ts';
import { type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import { parseIp } from '../../ip.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { ERRORS, KIND_CODES, SID, type TwilioCode, UNOFFERED_CHANNELS } from './codes.ts';
import { isLandline } from './phone.ts';

export { ERRORS } from './codes.ts';

/** The purpose every Twilio verification is stored under (what a native check must name). */
export const TWILIO_PURPOSE = 'general';

/** A Twilio error response: `{code, message, more_info, status}` with the HTTP status it names. */
export function twilioError(code: TwilioCode, message?: string, retryAfter?: number): HttpResponse {
  const [status, fallback] = ERRORS[code];
  const headers: Record<string, string> = {};
  if (retryAfter) headers['retry-after'] = String(retryAfter);
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
      return twilioError(code, code === 20404 ? notFoundMessage(request) : error.params[0]);
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
  const tenant = await tenants.find('twilioAccount', accountSid);
  const account = tenant?.twilio?.accounts.find((entry) => entry.accountSid === accountSid);
  if (!tenant || tenant.disabled || !account || !safeEqual(sha256Hex(token), account.authTokenSha256)) {
    throw new InputError(20003);
  }
  return { tenant, accountSid };
}

/** The Verify service in the path: the tenant's own, else 20404 (another account's service is not found). */
export function serviceOf(request: HttpRequest, tenant: Tenant): Service {
  const sid = request.pathParameters.ServiceSid ?? '';
  const service = SID.service.test(sid)
    ? tenant.twilio?.services.find((entry) => entry.sid === sid)
    : undefined;
  if (!service) throw new InputError(20404);
  return service;
}

/** The verification sid in the path, or 20404. */
export function verificationSidOf(request: HttpRequest): string {
  const sid = request.pathParameters.Sid ?? '';
  if (!SID.verification.test(sid)) throw new InputError(20404);
  return sid;
}

const invalid = (name: string, why: string) =>
  new InputError(60200, [`Invalid parameter \`${name}\`: ${why}`]);

/** Form fields of a POST. Twilio reads form-encoded bodies only; anything else has no parameters. */
export function formOf(request: HttpRequest): Record<string, string> {
  if (request.bodyProblem === 'too_large') throw invalid('body', 'the request body is too large');
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  const body = request.body;
  if (!type.includes('application/x-www-form-urlencoded') || !body || typeof body !== 'object') return {};
  return body as Record<string, string>;
}

/** An optional parameter: absent when missing or blank, as form libraries send unset fields. */
function optional(form: Record<string, string>, name: string): string | undefined {
  return form[name]?.trim() || undefined;
}

function required(form: Record<string, string>, name: string, max = 320): string {
  const value = form[name]?.trim();
  if (!value) throw new InputError(60200, [`Missing required parameter ${name} in the post body`]);
  if (value.length > max) throw invalid(name, 'too long');
  return value;
}

/** The channel a `To` belongs to: an email address, or else a phone number. */
const channelOfTo = (to: string): Channel => (to.includes('@') ? 'email' : 'sms');

/** The `To` of a channel, normalized; a landline answers 60205, anything else unusable 60200. */
function addressFor(channel: Channel, raw: string): string {
  if (channel === 'email') {
    const email = parseEmail(raw);
    if (!email) throw invalid('To', 'not a valid email address');
    return email;
  }
  const phone = parsePhone(raw);
  if (phone) return phone.e164;
  if (isLandline(raw.replace(/[\s()-]/g, ''))) throw new InputError(60205);
  throw invalid('To', 'not a valid E.164 mobile number');
}

/** `POST …/Verifications` → the send command, its sid and attempt sid, and what the resource echoes. */
export function parseCreate(
  request: HttpRequest,
  tenant: Tenant,
  service: Service,
  accountSid: string,
): SendCommand & { external: NonNullable<SendCommand['external']> } {
  const form = formOf(request);
  const to = required(form, 'To');
  const channelName = required(form, 'Channel', 20);
  if ((UNOFFERED_CHANNELS as readonly string[]).includes(channelName.toLowerCase())) {
    throw new InputError(60200, [
      `Invalid parameter \`Channel\`: ${channelName.toLowerCase()} is not offered by this service; use sms or email`,
    ]);
  }
  if (channelName !== 'sms' && channelName !== 'email') throw invalid('Channel', 'must be sms or email');
  const channel: Channel = channelName;
  const address = addressFor(channel, to);
  const friendlyName = optional(form, 'CustomFriendlyName');
  if (friendlyName !== undefined && friendlyName.length > 30) {
    throw invalid('CustomFriendlyName', 'must be at most 30 characters');
  }
  // It becomes the mail subject and the message's app name: checked as sent, before any trimming.
  if (!isSafeMessageText(form.CustomFriendlyName ?? '')) {
    throw invalid('CustomFriendlyName', 'must not contain control, line-separator or bidi characters');
  }
  const code = optional(form, 'CustomCode');
  if (code !== undefined) {
    if (!service.customCodeEnabled)
      throw invalid('CustomCode', 'custom codes are not enabled for this service');
    if (!/^\d{4,10}$/.test(code)) throw invalid('CustomCode', 'must be 4 to 10 digits');
  }
  const channelConfiguration = optional(form, 'ChannelConfiguration');
  if (channelConfiguration !== undefined && !isJsonObject(channelConfiguration)) {
    throw invalid('ChannelConfiguration', 'must be a JSON object');
  }
  const deviceIpText = optional(form, 'DeviceIp');
  const deviceIp = deviceIpText === undefined ? undefined : parseIp(deviceIpText);
  if (deviceIpText !== undefined && deviceIp === undefined) {
    throw invalid('DeviceIp', 'must be an IPv4 or IPv6 address');
  }
  return {
    // The service decides the code's length and the name the message shows; the tenant everything else.
    tenant: {
      ...tenant,
      appName: friendlyName || service.friendlyName,
      codes: { ...tenant.codes, length: code?.length ?? service.codeLength },
    },
    channel,
    to: address,
    purpose: TWILIO_PURPOSE,
    locale: matchLocale(form.Locale) ?? service.defaultLocale ?? tenant.defaultLocale,
    // DeviceIp is the end user's address; without it the per-IP limit sees the calling server.
    clientIp: deviceIp ?? request.clientIp,
    validitySeconds: tenant.twilio?.validitySeconds ?? 600,
    code,
    external: { id: newSid('VE'), attemptId: newSid('VL'), fields: { serviceSid: service.sid, accountSid } },
  };
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** `POST …/VerificationCheck` → the code and either the verification sid or the address. */
export function parseCheck(
  request: HttpRequest,
): { code: string; sid: string } | { code: string; to: string; channel: Channel } {
  const form = formOf(request);
  const code = required(form, 'Code', 20);
  if (!/^\d{4,10}$/.test(code)) throw invalid('Code', 'must be 4 to 10 digits');
  const sid = optional(form, 'VerificationSid');
  if (sid) {
    if (!SID.verification.test(sid)) throw new InputError(20404);
    return { code, sid };
  }
  const to = optional(form, 'To');
  if (!to) throw new InputError(60200, ['Either a `To` or a `VerificationSid` must be specified']);
  if (to.length > 320) throw invalid('To', 'too long');
  const channel = channelOfTo(to);
  return { code, to: channel === 'sms' ? (parsePhone(to)?.e164 ?? to) : to, channel };
}

/** `POST …/Verifications/{Sid}` → the status asked for. */
export function parseUpdate(request: HttpRequest): 'canceled' | 'approved' {
  const status = required(formOf(request), 'Status', 20);
  if (status !== 'canceled' && status !== 'approved') throw invalid('Status', 'must be canceled or approved');
  return status;
}
