// Acceleronix dialect, seed 002 (sendPhoneSmsCode): strict parse → signature → enterprise SMS config → engine command.
import { parsePhone } from '../../address.ts';
import { DomainError, InputError, InvalidAddressError } from '../../domain/errors.ts';
import { matchLocale } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { fieldsOf, type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import { logger } from '../../log.ts';
import { replayKey, verifySignedRequest } from '../../signature.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { type AcceleronixCode, CODE_TYPES, DOMAIN_CODES, MESSAGES } from './codes.ts';
import { CONTENT_TYPE_EXT, refusalExt, simpleBody, tenantOf } from './index.ts';

/** `ts` may differ from the server clock by this much either way (the seed's 10 minutes). */
export const SIGNATURE_WINDOW_MS = 10 * 60 * 1000;

/**
 * Formats of the signed fields. The signature concatenates them without separators, so each one is
 * held to a fixed shape: `phone` digits only, `codeType` one digit, `random` exactly 16 alphanumerics,
 * `ts` exactly 13 digits. No character can then move from one field into its neighbour.
 */
const FORMATS = {
  phone: /^\d{4,15}$/,
  codeType: /^[1-5]$/,
  random: /^[A-Za-z0-9]{16}$/,
  ts: /^\d{13}$/,
  signature: /^[0-9A-Fa-f]{64}$/,
} as const;

/** Fixed `extMsg` texts: they name a parameter or a rule, never echo input. */
const EXT = {
  body: 'request body is malformed or too large',
  codeType: 'codeType must be one of 1-5',
  random: 'random must be 16 letters or digits',
  ts: 'ts must be a 13-digit millisecond timestamp',
  signature: 'signature must be 64 hex characters',
  stale: 'ts is more than 10 minutes behind server time',
  ahead: 'ts is more than 10 minutes ahead of server time',
  mismatch: 'signature does not match',
  replayed: 'random was already used',
  noSecret: 'this user domain has no signing secret',
  budget: 'daily SMS budget exhausted',
} as const;

/** The seed-002 envelope: HTTP 200 always, `{code, msg, extMsg, data}`; `extMsg` says which rule refused. */
export function smsEnvelope(code: AcceleronixCode, extMsg = ''): HttpResponse {
  return json(200, { code, msg: MESSAGES[code], extMsg, data: code === 200 ? {} : null });
}

function extOf(error: DomainError): string {
  if (error.kind === 'replayed') return EXT.replayed;
  if (error.kind === 'budget_exhausted') return EXT.budget;
  return refusalExt(error);
}

/** Renders every failure of the SMS endpoint with a documented code (SEND_SMS_CODES). */
export const acceleronixSms = {
  renderError(error: unknown): HttpResponse {
    if (error instanceof InputError && typeof error.code === 'number' && error.code in MESSAGES) {
      return smsEnvelope(error.code as AcceleronixCode, error.params[0]);
    }
    // The parser validates the number first; this keeps an engine-side refusal on the SMS code too.
    if (error instanceof InvalidAddressError) return smsEnvelope(5019);
    if (error instanceof DomainError) return smsEnvelope(DOMAIN_CODES[error.kind], extOf(error));
    return smsEnvelope(50000);
  },
};

/**
 * Judges the tenant's enterprise SMS settings for one send: undefined when they allow it (or there are
 * none), else the seed's code. Checked in this order: chosen IDs present (5117, 5118), signature and
 * template exist (5202, 5209), belong to this tenant and are enabled (5122, 5123, 5124, 5125), share one
 * account (5126), that account exists for this tenant and is enabled (5188, 5128), types agree (5216).
 */
export function enterpriseSmsProblem(tenant: Tenant): AcceleronixCode | undefined {
  const settings = tenant.sms.enterprise;
  if (!settings) return undefined;
  if (!settings.signatureId) return 5117;
  if (!settings.templateId) return 5118;
  const signature = settings.signatures.find((item) => item.id === settings.signatureId);
  if (!signature) return 5202;
  const template = settings.templates.find((item) => item.id === settings.templateId);
  if (!template) return 5209;
  if (signature.owner !== tenant.id) return 5122;
  if (!signature.enabled) return 5123;
  if (template.owner !== tenant.id) return 5124;
  if (!template.enabled) return 5125;
  if (signature.accountId !== template.accountId) return 5126;
  // An account owned by someone else is not visible to this tenant: it "does not exist" for it.
  const account = settings.accounts.find(
    (item) => item.id === signature.accountId && item.owner === tenant.id,
  );
  if (!account) return 5188;
  if (!account.enabled) return 5128;
  if (signature.type !== template.type) return 5216;
  return undefined;
}

/** The tenant as this send sees it: an enterprise signature with its own sender ID replaces `sms.senderId`. */
function withEnterpriseSender(tenant: Tenant): Tenant {
  const settings = tenant.sms.enterprise;
  const signature = settings?.signatures.find((item) => item.id === settings.signatureId);
  if (!signature?.senderId) return tenant;
  return { ...tenant, sms: { ...tenant.sms, senderId: signature.senderId } };
}

/** A signed field: present and exactly in its format, or 50005 naming it. Signed fields are never trimmed. */
function signedField(fields: Record<string, string>, name: 'codeType' | 'random' | 'ts' | 'signature') {
  const value = fields[name] ?? '';
  if (!FORMATS[name].test(value)) throw new InputError(50005, [EXT[name]]);
  return value;
}

/** A correctly signed seed-002 request: its send command, or the enterprise-SMS code that refuses it. */
export interface SignedSmsSend {
  command: SendCommand & { replayKey: { key: string; until: number } };
  /** The seed's code when the tenant's enterprise SMS settings refuse this send. */
  problem?: AcceleronixCode;
}

/**
 * Seed 002: `codeType`, `internationalCode`, `phone`, `random`, `signature`, `ts`, `userDomain` → an SMS
 * send command. Order: every format check (no I/O), then the tenant (the only read, to learn its secret),
 * then the clock window and signature, then the enterprise SMS settings. Nothing here writes. Once the
 * signature is correct the nonce must be used up whatever follows (`internationalCode` is not signed, so
 * a captured request must not be replayable to another country): the replay key travels in the command,
 * the send transaction takes it, and the handler takes it on its own when anything refuses the send.
 */
export async function parseSendSms(
  request: HttpRequest,
  tenants: TenantRegistry,
  now: number = Date.now(),
): Promise<SignedSmsSend> {
  if (simpleBody(request)) throw new InputError(50005, [CONTENT_TYPE_EXT]);
  if (request.bodyProblem) throw new InputError(50005, [EXT.body]);
  const fields = fieldsOf(request);

  const phone = fields.phone ?? '';
  if (phone.trim() === '') throw new InputError(5021);
  if (!FORMATS.phone.test(phone)) throw new InputError(5019);
  const callingCode = fields.internationalCode?.trim() ?? '';
  if (callingCode === '') throw new InputError(5116);
  const codeType = signedField(fields, 'codeType');
  const random = signedField(fields, 'random');
  const ts = signedField(fields, 'ts');
  const signature = signedField(fields, 'signature');
  const purpose = CODE_TYPES[codeType];
  if (!purpose) throw new InputError(50005, [EXT.codeType]);
  const number = parsePhone(phone, callingCode);
  if (!number) throw new InputError(5019);

  const tenant = await tenantOf(fields, tenants);
  // Fail closed: a tenant without a secret cannot accept signed requests at all.
  if (!tenant.userDomainSecret) {
    logger.warn('signed request refused', { tenant: tenant.id, reason: 'no_secret' });
    throw new InputError(5032, [EXT.noSecret]);
  }
  const refusal = verifySignedRequest(
    { parts: [phone, codeType, random, ts, tenant.userDomainSecret], signature, timestampMs: Number(ts) },
    now,
    SIGNATURE_WINDOW_MS,
  );
  if (refusal) {
    // Operators see why signed requests fail (clock skew, wrong secret) without any field of the request.
    logger.warn('signed request refused', { tenant: tenant.id, reason: refusal });
    throw new InputError(5032, [EXT[refusal]]);
  }

  return {
    command: {
      tenant: withEnterpriseSender(tenant),
      channel: 'sms',
      to: number.e164,
      purpose,
      locale: matchLocale(request.headers['accept-language']),
      clientIp: request.clientIp,
      replayKey: replayKey(tenant.id, random, now, SIGNATURE_WINDOW_MS),
    },
    problem: enterpriseSmsProblem(tenant),
  };
}
