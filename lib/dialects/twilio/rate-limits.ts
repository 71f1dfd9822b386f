// Twilio dialect: Service Rate Limits (`/v2/Services/{ServiceSid}/RateLimits`) — create, list, fetch, update,
// delete — and what a verification's `RateLimits={"unique_name":"value"}` counts (the Buckets are buckets.ts).
// A rate limit belongs to the account that made it, on a service that account may use (its own or the
// tenants file's); the counting happens in the send's transaction (engine/send.ts `buckets`).
import { randomHex } from '../../crypto.ts';
import { InputError } from '../../domain/errors.ts';
import { isSafeMessageText } from '../../engine/message-text.ts';
import type { SendBucket } from '../../engine/send.ts';
import type { HttpRequest } from '../../http/request.ts';
import { documentClient, getRuntime } from '../../runtime.ts';
import {
  MAX_BUCKETS,
  MAX_RATE_LIMITS,
  type RateLimitRefusal,
  type RateLimitScope,
  type StoredRateLimit,
  TwilioRateLimitStore,
} from '../../store/twilio-rate-limits.ts';
import type { TenantRegistry } from '../../tenants/registry.ts';
import type { Tenant } from '../../tenants/schema.ts';
import { canonicalSid } from './codes.ts';
import { authenticate, serviceOf } from './index.ts';
import { type Form, invalid, optional, pageParameters } from './options.ts';
import { baseUrl, twilioTime } from './resources.ts';

/** `RK` + 32 hex: a rate limit; `BL`: a bucket. */
export const RATE_LIMIT_SID = /^RK[0-9a-fA-F]{32}$/;
export const BUCKET_SID = /^BL[0-9a-fA-F]{32}$/;

/**
 * A unique name: what a verification's `RateLimits` names, so no PII (Twilio's advice) and nothing a JSON
 * key or a header value could not carry — letters, digits, `_`, `-` and `.`, 1 to 64 of them.
 */
const UNIQUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** A metered value (an IP address, a session id, a number prefix): 1 to 256 characters, as text. */
const MAX_VALUE_LENGTH = 256;

/** How long a function trusts the rate limits it read for sends: changes reach every container within this. */
export const DEFINITIONS_TTL_MS = 10_000;
/** The rate limits read for sends, per account and service (module lifetime: one container). */
const definitions = new Map<string, { at: number; limits: StoredRateLimit[] }>();
const cacheKey = (scope: RateLimitScope) => `${scope.tenantId}|${scope.accountSid}|${scope.serviceSid}`;

/**
 * The rate limits a send applies, from this container's memory when read less than DEFINITIONS_TTL_MS ago
 * (`fresh` forces a read: a name the cached copy does not know may be a rate limit made since).
 */
async function definitionsOf(scope: RateLimitScope, now: number, fresh: boolean): Promise<StoredRateLimit[]> {
  const hit = definitions.get(cacheKey(scope));
  if (hit && !fresh && now - hit.at < DEFINITIONS_TTL_MS) return hit.limits;
  const limits = await (await rateLimitStore()).all(scope);
  definitions.set(cacheKey(scope), { at: now, limits });
  return limits;
}

/** The rate-limit table on the container's client. */
export async function rateLimitStore(): Promise<TwilioRateLimitStore> {
  const { config } = await getRuntime();
  if (!documentClient) throw new Error('no DynamoDB client');
  return new TwilioRateLimitStore(documentClient, config.TABLE_NAME);
}

/** The partition of this request's rate limits: the caller's account on the service in the path. */
export const scopeOf = (tenant: Tenant, accountSid: string, serviceSid: string): RateLimitScope => ({
  tenantId: tenant.id,
  accountSid,
  serviceSid,
});

/** A refused change → Twilio's answer. */
export function refused(refusal: RateLimitRefusal, what: 'RateLimit' | 'Bucket'): InputError {
  if (refusal === 'name_taken') return invalid('UniqueName', 'a rate limit with this name already exists');
  if (refusal === 'too_many') {
    return what === 'RateLimit'
      ? invalid('UniqueName', `a service has at most ${MAX_RATE_LIMITS} rate limits`)
      : invalid('Max', `a rate limit has at most ${MAX_BUCKETS} buckets`);
  }
  return new InputError(20404);
}

/** `Description`: optional text of at most 255 characters, without control characters. */
function descriptionOf(form: Form): string | undefined {
  const text = optional(form, 'Description');
  if (text !== undefined && (text.length > 255 || !isSafeMessageText(text))) {
    throw invalid('Description', 'must be at most 255 characters without control characters');
  }
  return text;
}

/** CreateRateLimit's body → a new rate limit. */
export function parseNewRateLimit(form: Form, now: number): Omit<StoredRateLimit, 'buckets'> {
  const uniqueName = optional(form, 'UniqueName');
  if (uniqueName === undefined) {
    throw new InputError(60200, ['Missing required parameter UniqueName in the post body']);
  }
  if (!UNIQUE_NAME.test(uniqueName)) {
    throw invalid('UniqueName', 'must be 1 to 64 letters, digits, _, - or . (no PII)');
  }
  const sid = `RK${randomHex(16)}`;
  return { sid, uniqueName, description: descriptionOf(form) ?? null, createdAt: now, updatedAt: now };
}

/** UpdateRateLimit's body: the new description (null clears it). `UniqueName` cannot change. */
export function parseRateLimitUpdate(form: Form): string | null {
  if (optional(form, 'UniqueName') !== undefined) {
    throw invalid('UniqueName', 'cannot be changed; create another rate limit');
  }
  return descriptionOf(form) ?? null;
}

/** A `{Sid}` or `{RateLimitSid}` path parameter, canonical; undefined when malformed. */
export function pathSid(request: HttpRequest, name: string, pattern: RegExp): string | undefined {
  const sid = request.pathParameters[name] ?? '';
  return pattern.test(sid) ? canonicalSid(sid) : undefined;
}

/** The rate limit named by `{name}` in the path, from the service's list; else 20404. */
export function rateLimitIn(limits: StoredRateLimit[], request: HttpRequest, name: string): StoredRateLimit {
  const sid = pathSid(request, name, RATE_LIMIT_SID);
  const limit = limits.find((entry) => entry.sid === sid);
  if (!limit) throw new InputError(20404);
  return limit;
}

/** The RateLimit resource as Twilio writes it. */
export function rateLimitResource(
  request: HttpRequest,
  scope: RateLimitScope,
  limit: Omit<StoredRateLimit, 'buckets'>,
) {
  const url = `${baseUrl(request)}/v2/Services/${scope.serviceSid}/RateLimits/${limit.sid}`;
  return {
    sid: limit.sid,
    service_sid: scope.serviceSid,
    account_sid: scope.accountSid,
    unique_name: limit.uniqueName,
    description: limit.description,
    date_created: twilioTime(limit.createdAt),
    date_updated: twilioTime(limit.updatedAt),
    url,
    links: { buckets: `${url}/Buckets` },
  };
}

/**
 * One page of a list held in memory (a service has at most ten rate limits, a rate limit five buckets), in
 * Twilio's envelope: `PageSize` 1–1000 (default 50), `Page` from 0; `PageToken` is not needed and refused.
 */
export function pageOf<T>(request: HttpRequest, path: string, key: string, all: T[]) {
  const { size, page, token } = pageParameters(request.query);
  if (token !== undefined) throw invalid('PageToken', 'not a token this API gave');
  const base = `${baseUrl(request)}${path}`;
  const pageUrl = (number: number) => `${base}?PageSize=${size}&Page=${number}`;
  const more = (page + 1) * size < all.length;
  return {
    items: all.slice(page * size, (page + 1) * size),
    meta: {
      page,
      page_size: size,
      first_page_url: pageUrl(0),
      previous_page_url: page > 0 ? pageUrl(page - 1) : null,
      url: pageUrl(page),
      next_page_url: more ? pageUrl(page + 1) : null,
      key,
    },
  };
}

/**
 * A verification's `RateLimits` (a JSON object of unique name → value) → the buckets the send counts: every
 * bucket of every named rate limit, keyed by the value. A name the service does not have is refused (60200,
 * naming it) before anything is written; a rate limit without buckets counts nothing, as on Twilio.
 */
export async function bucketsOf(
  rateLimits: Record<string, unknown> | undefined,
  scope: RateLimitScope,
  now: number,
): Promise<SendBucket[] | undefined> {
  const names = Object.keys(rateLimits ?? {});
  if (!rateLimits || names.length === 0) return undefined;
  if (names.length > MAX_RATE_LIMITS) {
    throw invalid('RateLimits', `names at most ${MAX_RATE_LIMITS} rate limits`);
  }
  for (const name of names) {
    const value = rateLimits[name];
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || text.length === 0 || text.length > MAX_VALUE_LENGTH) {
      throw invalid('RateLimits', `the value of ${name.slice(0, 64)} must be text of 1 to 256 characters`);
    }
  }
  let limits = await definitionsOf(scope, now, false);
  // A name this container has not seen may be a rate limit made since it last read them.
  if (names.some((name) => !limits.some((limit) => limit.uniqueName === name))) {
    limits = await definitionsOf(scope, now, true);
  }
  const buckets: SendBucket[] = [];
  for (const name of names) {
    const limit = limits.find((entry) => entry.uniqueName === name);
    if (!limit)
      throw invalid('RateLimits', `no rate limit named ${name.slice(0, 64)} exists on this service`);
    const value = String(rateLimits[name]);
    for (const bucket of limit.buckets) {
      buckets.push({ id: bucket.sid, name, value, limit: bucket.max, windowSeconds: bucket.interval });
    }
  }
  return buckets;
}

/**
 * The caller (Basic auth) and the service in the path (its own, or the tenants file's; else 20404): where this
 * request's rate limits live, and the store.
 */
export async function rateLimitsOf(request: HttpRequest, tenants: TenantRegistry) {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const scope = scopeOf(tenant, accountSid, serviceOf(request, tenant).sid);
  // A change made through this container is seen by its next send at once (others within DEFINITIONS_TTL_MS).
  if (request.method !== 'GET') definitions.delete(cacheKey(scope));
  return { scope, store: await rateLimitStore() };
}
