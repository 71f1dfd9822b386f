// Acceleronix dialect (seeds 000/002): parse the query/body into engine commands; render `{code,msg,extMsg,data}`.
import { parseEmail } from '../../address.ts';
import { DomainError, InputError } from '../../domain/errors.ts';
import { matchLocale } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { fieldsOf, type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { type AcceleronixCode, DOMAIN_CODES, EMAIL_TYPES, MESSAGES } from './codes.ts';

/** The envelope: HTTP 200 always; success is body code 200 with `data: {}`. */
export function envelope(code: AcceleronixCode): HttpResponse {
  return json(200, { code, msg: MESSAGES[code], extMsg: '', data: code === 200 ? {} : null });
}

export const acceleronix = {
  renderError(error: unknown): HttpResponse {
    if (error instanceof InputError && typeof error.code === 'number' && error.code in MESSAGES) {
      return envelope(error.code as AcceleronixCode);
    }
    if (error instanceof DomainError) return envelope(DOMAIN_CODES[error.kind]);
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

/** Rejects oversized or unparseable bodies with the parameter-check code before anything else. */
function fieldsOrReject(request: HttpRequest) {
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
