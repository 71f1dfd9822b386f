// AnqiCMS dialect (seed 004): parse /api/verify/email sends and link confirmations; render `{code, msg}`, pages, redirects.
import { parseEmail } from '../../address.ts';
import { DomainError, InputError, LIMIT_TEXTS, limitOf, RateLimitedError } from '../../domain/errors.ts';
import { type Locale, matchLocale, type Purpose } from '../../domain/vocabulary.ts';
import type { SendCommand } from '../../engine/engine.ts';
import { declaresJson, fieldsOf, type HttpRequest, type HttpResponse, json } from '../../http/request.ts';
import { findAccountByEmail } from '../../tenants/accounts.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { ACCOUNT_STATES, DOMAIN_MESSAGES, MESSAGES, type MessageId, STATE_PURPOSES } from './codes.ts';
import { renderConfirmPage, renderResultPage } from './page.ts';

/** The path the send route, the mailed link and the confirmation page share. */
export const VERIFY_PATH = '/api/verify/email';

/** The message language: `Accept-Language` (zh or en), Chinese by default as in AnqiCMS. */
export function localeOf(request: HttpRequest): Locale {
  return matchLocale(request.headers['accept-language']) ?? 'zh-CN';
}

/**
 * The envelope: HTTP 200 always, `{code, msg}` with `msg` in the request's language; a `detail` follows the
 * message's own text after a colon (which limit refused, which content type is expected).
 */
export function envelope(
  id: MessageId,
  locale: Locale,
  headers: Record<string, string> = {},
  detail?: string,
): HttpResponse {
  const message = MESSAGES[id];
  const separator = locale === 'zh-CN' ? '：' : ': ';
  return json(
    200,
    { code: message.code, msg: detail ? `${message[locale]}${separator}${detail}` : message[locale] },
    headers,
  );
}

/** The detail of a send body that is not JSON, per language. */
export const CONTENT_TYPE_DETAIL = {
  en: 'Content-Type application/json expected',
  'zh-CN': 'Content-Type 应为 application/json',
} as const satisfies Record<Locale, string>;

/** What a refusal adds to its message: which limit refused, or the content type expected. */
function detailOf(error: unknown, locale: Locale): string | undefined {
  if (error instanceof RateLimitedError) return LIMIT_TEXTS[limitOf(error)][locale];
  if (error instanceof InputError && error.params[0] === 'content_type') return CONTENT_TYPE_DETAIL[locale];
  return undefined;
}

/** Link answers carry a token in their URL: never cached, never passed on as a Referer. */
const LINK_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

function messageOf(error: unknown): MessageId {
  if (error instanceof InputError && typeof error.code === 'string' && error.code in MESSAGES) {
    return error.code as MessageId;
  }
  if (error instanceof DomainError) return DOMAIN_MESSAGES[error.kind];
  return 'busy';
}

/** Renderer of `POST /api/verify/email`: every failure is `{code: -1, msg}`. */
export const anqicms = {
  renderError(error: unknown, request: HttpRequest): HttpResponse {
    const locale = localeOf(request);
    return envelope(messageOf(error), locale, {}, detailOf(error, locale));
  },
};

/** Whether a link request asked for JSON (`return=json`) rather than a page. */
export function wantsJson(request: HttpRequest): boolean {
  return fieldsOf(request).return === 'json';
}

/** Renderer of the link routes: the envelope for `return=json`, otherwise a result page (400, or 503 when busy). */
export const anqicmsLink = {
  renderError(error: unknown, request: HttpRequest): HttpResponse {
    const locale = localeOf(request);
    const id = messageOf(error);
    if (wantsJson(request)) return envelope(id, locale, LINK_HEADERS);
    return renderResultPage(id === 'busy' || id === 'send_failed' ? 'busy' : 'invalid', locale);
  },
};

const STATE = /^[A-Za-z0-9_-]{0,32}$/;
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** The purpose a `state` verifies: verify → verify_identity, reset → reset_password, anything else → general. */
export function purposeOf(state: string): Purpose {
  return Object.hasOwn(STATE_PURPOSES, state) ? (STATE_PURPOSES[state] as Purpose) : 'general';
}

/** The tenant by `Host` (port ignored, `*` the fallback), or `-1` "Site does not exist". */
export async function tenantOf(request: HttpRequest, tenants: TenantRegistry): Promise<Tenant> {
  const tenant = await tenants.findByHost(request.headers.host);
  if (!tenant || tenant.disabled) throw new InputError('site_not_found');
  return tenant;
}

/** The send body, checked before anything tenant-specific: a well-formed email and a short `state`. */
export function parseSendFields(request: HttpRequest): { email: string; state: string } {
  // JSON only, as AnqiCMS reads it: a form or text/plain POST is what any web page can make a visitor's
  // browser send without a CORS preflight, which would turn every visitor into a mail relay.
  if (!declaresJson(request)) throw new InputError('invalid_parameter', ['content_type']);
  if (request.bodyProblem) throw new InputError('invalid_parameter');
  const fields = fieldsOf(request);
  const email = parseEmail(fields.email ?? '');
  const state = fields.state?.trim() ?? '';
  if (!email || !STATE.test(state)) throw new InputError('invalid_parameter');
  return { email, state };
}

function baseUrlOf(tenant: Tenant): string {
  // A deployed tenant without a link base URL is a configuration fault: the caller gets "busy", ops a log line.
  if (!tenant.mail.linkBaseUrl) throw new Error(`tenant ${tenant.id} has no mail.linkBaseUrl`);
  return tenant.mail.linkBaseUrl.replace(/\/+$/, '');
}

/** Where `state=reset` confirmations go: `mail.resetUrl`, else `{linkBaseUrl}/account/password/reset`. */
export function resetUrlOf(tenant: Tenant): string {
  return tenant.mail.resetUrl ?? `${baseUrlOf(tenant)}/account/password/reset`;
}

/** The mailed link: `{linkBaseUrl}/api/verify/email?token=…&email=…&state=…`; nothing else rides on it. */
export function linkUrl(tenant: Tenant, email: string, state: string): (token: string) => string {
  const base = baseUrlOf(tenant);
  return (token) => `${base}${VERIFY_PATH}?${new URLSearchParams({ token, email, state })}`;
}

/**
 * `POST /api/verify/email` `{email, state}` → a 30-minute code-and-link mail. `verify` and `reset` go
 * only to registered accounts; "User does not exist" costs the client's per-IP send limit (`charge`).
 */
export async function parseSend(
  request: HttpRequest,
  tenants: TenantRegistry,
  charge: (tenant: Tenant) => Promise<void>,
): Promise<SendCommand> {
  const { email, state } = parseSendFields(request);
  const tenant = await tenantOf(request, tenants);
  if (ACCOUNT_STATES.has(state) && !findAccountByEmail(tenant, email)) {
    // It tells a stranger the account does not exist: charged to the client's send limit.
    await charge(tenant);
    throw new InputError('user_not_found');
  }
  return {
    tenant,
    channel: 'email',
    to: email,
    purpose: purposeOf(state),
    locale: matchLocale(request.headers['accept-language']),
    clientIp: request.clientIp,
    // Links (and the code in the same mail) last `mail.linkValiditySeconds`, 30 minutes by default.
    validitySeconds: tenant.mail.linkValiditySeconds,
    link: { url: linkUrl(tenant, email, state) },
  };
}

/** A link's parameters, from the query (GET) or the confirmation form (POST). */
export interface LinkRequest {
  tenant: Tenant;
  email: string;
  token: string;
  state: string;
  purpose: Purpose;
  locale: Locale;
}

/**
 * `token`, `email`, `state` of a link. A malformed email, a missing token or a bad state is "Invalid
 * Parameter" (as in AnqiCMS); a token of the wrong shape is "Invalid Token" at once.
 */
export async function parseLink(request: HttpRequest, tenants: TenantRegistry): Promise<LinkRequest> {
  if (request.bodyProblem) throw new InputError('invalid_parameter');
  const fields = fieldsOf(request);
  const email = parseEmail(fields.email ?? '');
  const token = fields.token?.trim() ?? '';
  const state = fields.state?.trim() ?? '';
  if (!email || token === '' || !STATE.test(state)) throw new InputError('invalid_parameter');
  if (!TOKEN.test(token)) throw new InputError('invalid_token');
  const tenant = await tenantOf(request, tenants);
  return { tenant, email, token, state, purpose: purposeOf(state), locale: localeOf(request) };
}

/** The engine command that confirms a link; a reset also asks for a one-time reset grant. */
export function confirmCommand(link: LinkRequest) {
  return {
    tenant: link.tenant,
    to: link.email,
    purpose: link.purpose,
    token: link.token,
    grant:
      link.purpose === 'reset_password'
        ? { validitySeconds: link.tenant.mail.linkValiditySeconds }
        : undefined,
  };
}

/** The page a GET of the link shows: a form that confirms by POST. It consumes nothing. */
export function renderLinkPage(link: LinkRequest): HttpResponse {
  return renderConfirmPage({
    locale: link.locale,
    appName: link.tenant.appName,
    email: link.email,
    token: link.token,
    state: link.state,
    resetOrigin: link.purpose === 'reset_password' ? new URL(resetUrlOf(link.tenant)).origin : undefined,
  });
}

/**
 * The answer to a confirmation: a reset goes 302 to the tenant's reset URL carrying the one-time reset
 * token and the email; otherwise "verified" (page or envelope); a refused token is "Invalid Token".
 */
export function renderConfirmation(
  link: LinkRequest,
  result: { confirmed: boolean; grant?: string },
  asJson: boolean,
): HttpResponse {
  if (!result.confirmed) {
    return asJson
      ? envelope('invalid_token', link.locale, LINK_HEADERS)
      : renderResultPage('invalid', link.locale);
  }
  if (result.grant) {
    const location = new URL(resetUrlOf(link.tenant));
    location.searchParams.set('token', result.grant);
    location.searchParams.set('email', link.email);
    return { statusCode: 302, headers: { location: location.toString(), ...LINK_HEADERS }, body: '' };
  }
  return asJson
    ? envelope('verified', link.locale, LINK_HEADERS)
    : renderResultPage('verified', link.locale, { app: link.tenant.appName, email: link.email });
}
