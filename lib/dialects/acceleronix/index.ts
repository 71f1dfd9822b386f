// Acceleronix dialect (seeds 000/002): parse the query/body into engine commands; render `{code,msg,extMsg,data}`.
import { parseEmail } from '../../address.ts';
import {
  CountryNotAllowedError,
  countryText,
  DomainError,
  InputError,
  LIMIT_TEXTS,
  limitOf,
  RateLimitedError,
} from '../../domain/errors.ts';
import { matchLocale } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { declaresJson, fieldsOf, type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { type AcceleronixCode, DOMAIN_CODES, EMAIL_TYPES, MESSAGES } from './codes.ts';

/** The envelope: HTTP 200 always; success is body code 200 with `data: {}`. */
export function envelope(code: AcceleronixCode, extMsg = ''): HttpResponse {
  return json(200, { code, msg: MESSAGES[code], extMsg, data: code === 200 ? {} : null });
}

/** Fixed `extMsg` texts for the refusals that share the SaaS-level 403. */
export const FORBIDDEN_EXT = {
  country: 'SMS to this country or region is not allowed',
  origin: 'browser requests from this origin are not allowed',
} as const;

/** `extMsg` of a body that is not JSON: the content type the seeds document. */
export const CONTENT_TYPE_EXT = 'Content-Type application/json expected (or no body)';

/**
 * `extMsg` of an engine refusal, in both endpoints: which rule refused (the origin, the country the number was
 * read as, the limit and when to retry); empty for the refusals whose `msg` says it all.
 */
export function refusalExt(error: DomainError): string {
  if (error.kind === 'cross_site') return FORBIDDEN_EXT.origin;
  if (error instanceof CountryNotAllowedError)
    return `${FORBIDDEN_EXT.country}: ${countryText(error.country)}`;
  if (error instanceof RateLimitedError) {
    return `refused by ${LIMIT_TEXTS[limitOf(error)].en}: retry after ${error.retryAfterSeconds} s`;
  }
  return '';
}

export const acceleronix = {
  renderError(error: unknown): HttpResponse {
    if (error instanceof InputError && typeof error.code === 'number' && error.code in MESSAGES) {
      return envelope(error.code as AcceleronixCode, error.params[0]);
    }
    if (error instanceof DomainError) return envelope(DOMAIN_CODES[error.kind], refusalExt(error));
    return envelope(50000);
  },
};

const USER_DOMAIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Resolves `userDomain` to an enabled tenant, or throws 5023 / 5013 / 5015 / 5104. */
export async function tenantOf(fields: Record<string, string>, tenants: TenantRegistry): Promise<Tenant> {
  const userDomain = fields.userDomain?.trim();
  if (!userDomain) throw new InputError(5023);
  if (!USER_DOMAIN.test(userDomain)) throw new InputError(5013);
  const tenant = await tenants.find('userDomain', userDomain);
  if (!tenant) throw new InputError(5015);
  if (tenant.disabled) throw new InputError(5104);
  return tenant;
}

/**
 * Whether the request carries a body type a cross-site page can send without a CORS preflight (form,
 * multipart, text/plain). The seeds say `application/json` while documenting every field as a query
 * parameter, so a request may come with no body at all or a JSON one — never with those.
 */
export function simpleBody(request: HttpRequest): boolean {
  return request.headers['content-type'] !== undefined && !declaresJson(request);
}

/** Rejects browser-simple, oversized or unparseable bodies with the parameter-check code before anything else. */
function fieldsOrReject(request: HttpRequest) {
  if (simpleBody(request)) throw new InputError(50005, [CONTENT_TYPE_EXT]);
  if (request.bodyProblem) throw new InputError(50005);
  return fieldsOf(request);
}

/** Seed 000: `email`, `emailType`, `userDomain` → an email send command. */
export async function parseSendEmail(request: HttpRequest, tenants: TenantRegistry): Promise<SendCommand> {
  const fields = fieldsOrReject(request);
  const raw = fields.email?.trim();
  if (!raw) throw new InputError(5026);
  const email = parseEmail(raw);
  if (!email) throw new InputError(5040);
  const purpose = EMAIL_TYPES[fields.emailType?.trim() ?? ''];
  if (!purpose) throw new InputError(50005);
  const tenant = await tenantOf(fields, tenants);
  return {
    tenant,
    channel: 'email',
    to: email,
    purpose,
    locale: matchLocale(request.headers['accept-language']),
    clientIp: request.clientIp,
  };
}
