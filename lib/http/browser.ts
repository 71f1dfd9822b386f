// Primary adapter plumbing: which browser requests a tenant accepts. Sends and confirmations answer only
// server-to-server callers (no `Origin`) and pages on origins the tenant lists.
import { CrossSiteRequestError } from '../domain/errors.ts';
import type { TenantAdmission } from '../tenants/registry.ts';
import type { Tenant } from '../tenants/schema.ts';
import type { HttpRequest } from './request.ts';

/** The origins whose pages may call the tenant: `allowedOrigins`, and the origin of its own link pages. */
function originsOf(tenant: Tenant): Set<string> {
  const origins = new Set(tenant.allowedOrigins);
  // The AnqiCMS confirmation page is served at `mail.linkBaseUrl`; its own form posts from there.
  if (tenant.mail.linkBaseUrl) origins.add(new URL(tenant.mail.linkBaseUrl).origin);
  return origins;
}

/**
 * Whether the tenant accepts this request as far as browsers go. A request with an `Origin` header
 * (every browser sends one on a cross-origin POST or fetch) must come from an allowed origin, `null`
 * included; without one, `Sec-Fetch-Site: cross-site` still marks a browser acting for another site.
 * Server-to-server callers send neither and are unaffected.
 */
export function browserAllowed(request: HttpRequest, tenant: Tenant): boolean {
  const origin = request.headers.origin?.trim().toLowerCase();
  if (origin !== undefined) return originsOf(tenant).has(origin);
  return request.headers['sec-fetch-site']?.trim().toLowerCase() !== 'cross-site';
}

/** Throws the domain's CrossSiteRequestError (each dialect renders its own refusal) unless allowed. */
export function refuseCrossSite(request: HttpRequest, tenant: Tenant): void {
  if (!browserAllowed(request, tenant)) throw new CrossSiteRequestError();
}

/** The registry admission for one request: every tenant a lookup finds must accept the request. */
export function browserAdmission(request: HttpRequest): TenantAdmission {
  return (tenant) => refuseCrossSite(request, tenant);
}
