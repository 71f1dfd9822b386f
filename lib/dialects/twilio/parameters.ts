// Twilio dialect parsers: every parameter Twilio's API definition gives the four implemented operations is
// honoured or refused with Twilio's code, none dropped (docs/dialects/twilio.md, "Parameters", lists each;
// test/twilio-parameters.test.ts drives that table against the spec and this list).
import { parseEmail, parsePhone } from '../../address.ts';
import { randomHex } from '../../crypto.ts';
import { InputError } from '../../domain/errors.ts';
import type { Channel } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { isSafeMessageText } from '../../engine/message-text.ts';
import type { HttpRequest } from '../../http/request.ts';
import { parseIp } from '../../ip.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { attemptLog, attemptSid } from './attempts.ts';
import { channelOfName } from './channels.ts';
import { canonicalSid, SID, TWILIO_PURPOSE, UNOFFERED_CHANNELS } from './codes.ts';
import {
  bindingOf,
  type Form,
  invalid,
  jsonObject,
  languageOf,
  mailFromOf,
  optional,
  tagsOf,
} from './options.ts';
import { isLandline } from './phone.ts';

/** The body parameters each implemented operation reads: exactly those of Twilio's API definition. */
export const PARAMETERS = {
  CreateVerification: [
    'To',
    'Channel',
    'CustomFriendlyName',
    'CustomMessage',
    'SendDigits',
    'Locale',
    'CustomCode',
    'Amount',
    'Payee',
    'RateLimits',
    'ChannelConfiguration',
    'AppHash',
    'TemplateSid',
    'TemplateCustomSubstitutions',
    'DeviceIp',
    'EnableSnaClientToken',
    'RiskCheck',
    'Tags',
  ],
  CreateVerificationCheck: ['Code', 'To', 'VerificationSid', 'Amount', 'Payee', 'SnaClientToken'],
  UpdateVerification: ['Status'],
  FetchVerification: [],
} as const;

type Service = NonNullable<Tenant['twilio']>['services'][number];

/** Form fields of a POST. Twilio reads form-encoded bodies only; anything else has no parameters. */
export function formOf(request: HttpRequest): Form {
  if (request.bodyProblem === 'too_large') throw invalid('body', 'the request body is too large');
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  const body = request.body;
  if (!type.includes('application/x-www-form-urlencoded') || !body || typeof body !== 'object') return {};
  return body as Form;
}

function required(form: Form, name: string, max = 320): string {
  const value = form[name]?.trim();
  if (!value) throw new InputError(60200, [`Missing required parameter ${name} in the post body`]);
  if (value.length > max) throw invalid(name, 'too long');
  return value;
}

/** Parameters Codegate cannot honour: refused by name, nothing sent. */
function refuseIfGiven(form: Form, name: string, why: string) {
  if (optional(form, name) !== undefined) throw invalid(name, why);
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
  if (isLandline(raw.replace(/[\s()-]/g, ''))) {
    // Twilio calls landlines; Codegate validates mobile numbers only (docs/whatsapp-voice.md), so it says so.
    if (channel === 'voice')
      throw invalid('To', 'calls reach mobile numbers only; landlines are not offered');
    throw new InputError(60205);
  }
  throw invalid('To', 'not a valid E.164 mobile number');
}

/** `POST …/Verifications` → the send command, its sid and attempt sid, and what the resource echoes. */
export function parseCreate(
  request: HttpRequest,
  tenant: Tenant,
  service: Service,
  accountSid: string,
): SendCommand & { external: NonNullable<SendCommand['external']>; rateLimits?: Record<string, unknown> } {
  const form = formOf(request);
  const to = required(form, 'To');
  const channelName = required(form, 'Channel', 20);
  if ((UNOFFERED_CHANNELS as readonly string[]).includes(channelName.toLowerCase())) {
    throw new InputError(60223, [
      `Delivery channel disabled: ${channelName.toLowerCase()} is not offered; use sms, email, whatsapp or call`,
    ]);
  }
  const channel = channelOfName(channelName);
  const address = addressFor(channel, to);
  const friendlyName = optional(form, 'CustomFriendlyName');
  if (friendlyName !== undefined && friendlyName.length > 30) {
    throw invalid('CustomFriendlyName', 'must be at most 30 characters');
  }
  // It becomes the mail subject and the message's app name: checked as sent, before any trimming.
  if (!isSafeMessageText(form.CustomFriendlyName ?? '')) {
    throw invalid('CustomFriendlyName', 'must not contain control, line-separator or bidi characters');
  }
  refuseIfGiven(form, 'CustomMessage', "custom messages are not supported (the tenant's templates are used)");
  refuseIfGiven(form, 'SendDigits', 'dialing digits after the call is answered is not supported');
  refuseIfGiven(form, 'TemplateSid', "templates are the tenant's; no template sid is supported");
  refuseIfGiven(
    form,
    'TemplateCustomSubstitutions',
    "templates are the tenant's; no substitutions are supported",
  );
  // Resolved against the service's rate limits by the handler (rate-limits.ts `bucketsOf`): an unknown name is refused.
  const rateLimits = jsonObject(form, 'RateLimits');
  const sna = optional(form, 'EnableSnaClientToken');
  if (sna !== undefined && sna !== 'false')
    throw invalid('EnableSnaClientToken', 'Silent Network Auth is not offered');
  const risk = optional(form, 'RiskCheck');
  // Codegate's send limits always apply: `enable` (Twilio's default) is what it does; they cannot be switched off.
  if (risk !== undefined && risk !== 'enable') throw invalid('RiskCheck', 'only enable is supported');
  const appHash = optional(form, 'AppHash');
  if (appHash !== undefined && (channel !== 'sms' || !/^[A-Za-z0-9+/]{11}$/.test(appHash))) {
    throw invalid('AppHash', 'must be an 11-character SMS Retriever hash, for sms');
  }
  const code = optional(form, 'CustomCode');
  if (code !== undefined) {
    if (!service.customCodeEnabled)
      throw invalid('CustomCode', 'custom codes are not enabled for this service');
    if (!/^\d{4,10}$/.test(code)) throw invalid('CustomCode', 'must be 4 to 10 digits');
  }
  const mailFrom = mailFromOf(form, channel, tenant);
  const deviceIpText = optional(form, 'DeviceIp');
  const deviceIp = deviceIpText === undefined ? undefined : parseIp(deviceIpText);
  if (deviceIpText !== undefined && deviceIp === undefined) {
    throw invalid('DeviceIp', 'must be an IPv4 or IPv6 address');
  }
  const { binding, extras } = bindingOf(form);
  const tags = tagsOf(form);
  if (tags !== undefined) extras.tags = tags;
  return {
    // The service decides the code's length and the name the message shows; Twilio's send limit is 5
    // per To per 10 minutes (the tenant's window, whose default it is) with no fixed cooldown.
    tenant: {
      ...tenant,
      appName: friendlyName || service.friendlyName,
      codes: { ...tenant.codes, length: code?.length ?? service.codeLength },
      limits: { ...tenant.limits, cooldownSeconds: 0 },
    },
    channel,
    to: address,
    purpose: TWILIO_PURPOSE,
    ...languageOf(form, channel, address, tenant, service),
    // DeviceIp is the end user's address; without it the per-IP limit sees the calling server.
    clientIp: deviceIp ?? request.clientIp,
    validitySeconds: tenant.twilio?.validitySeconds ?? 600,
    code,
    binding,
    appHash,
    mailFrom,
    rateLimits,
    external: {
      id: `VE${randomHex(16)}`,
      attemptId: attemptSid(Date.now()),
      fields: { serviceSid: service.sid, accountSid },
      owner: ownerOf(service.sid, accountSid),
      // Verification Attempts (attempts.ts): this send's record, in the send's own transaction.
      log: attemptLog(accountSid, channel, address),
      extras: Object.keys(extras).length > 0 ? extras : undefined,
    },
  };
}

/** Who a Twilio verification belongs to: its service and account. */
export const ownerOf = (serviceSid: string, accountSid: string) => `${serviceSid}|${accountSid}`;

/** `POST …/VerificationCheck` → the code, Amount/Payee binding, and either the verification sid or the address. */
export function parseCheck(
  request: HttpRequest,
): ({ sid: string } | { to: string; channel: Channel }) & { code: string; binding?: string } {
  const form = formOf(request);
  const code = required(form, 'Code', 20);
  if (!/^\d{4,10}$/.test(code)) throw invalid('Code', 'must be 4 to 10 digits');
  refuseIfGiven(form, 'SnaClientToken', 'Silent Network Auth is not offered');
  const { binding } = bindingOf(form);
  const sid = optional(form, 'VerificationSid');
  if (sid) {
    if (!SID.verification.test(sid)) throw new InputError(20404);
    return { code, binding, sid: canonicalSid(sid) };
  }
  const to = optional(form, 'To');
  if (!to) throw new InputError(60221);
  if (to.length > 320) throw invalid('To', 'too long');
  const channel = channelOfTo(to);
  return { code, binding, to: channel === 'sms' ? (parsePhone(to)?.e164 ?? to) : to, channel };
}

/** `POST …/Verifications/{Sid}` → the status asked for. */
export function parseUpdate(request: HttpRequest): 'canceled' | 'approved' {
  const status = required(formOf(request), 'Status', 20);
  if (status !== 'canceled' && status !== 'approved') throw invalid('Status', 'must be canceled or approved');
  return status;
}
