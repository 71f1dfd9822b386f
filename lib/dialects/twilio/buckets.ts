// Twilio dialect: the Buckets of a Service Rate Limit (`…/RateLimits/{RateLimitSid}/Buckets`): `Max` sends per
// `Interval` seconds for each value of the rate limit's key. Codegate counts a bucket in fixed windows of
// `Interval` seconds aligned to the epoch (store/limits.ts counters): across a window's edge up to twice `Max`
// can pass within one `Interval` (docs/dialects/twilio.md, _Rate Limits_).
import { randomHex } from '../../crypto.ts';
import { InputError } from '../../domain/errors.ts';
import type { HttpRequest } from '../../http/request.ts';
import type { RateLimitScope, StoredBucket, StoredRateLimit } from '../../store/twilio-rate-limits.ts';
import { type Form, invalid, optional } from './options.ts';
import { BUCKET_SID, pathSid } from './rate-limits.ts';
import { baseUrl, twilioTime } from './resources.ts';

/** Bounds of `Max` (sends) and `Interval` (seconds, up to a year: the counter lives one window). */
export const MAX_BOUNDS = { min: 1, max: 1_000_000 };
export const INTERVAL_BOUNDS = { min: 1, max: 31_536_000 };

function integer(form: Form, name: 'Max' | 'Interval', bounds: { min: number; max: number }) {
  const text = optional(form, name);
  if (text === undefined) return undefined;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= bounds.min && value <= bounds.max)) {
    throw invalid(name, `must be an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

/** CreateBucket's body (`Max` and `Interval` both required) → a new bucket of `rateLimitSid`. */
export function parseNewBucket(form: Form, rateLimitSid: string, now: number): StoredBucket {
  const max = integer(form, 'Max', MAX_BOUNDS);
  const interval = integer(form, 'Interval', INTERVAL_BOUNDS);
  if (max === undefined) throw new InputError(60200, ['Missing required parameter Max in the post body']);
  if (interval === undefined) {
    throw new InputError(60200, ['Missing required parameter Interval in the post body']);
  }
  return { sid: `BL${randomHex(16)}`, rateLimitSid, max, interval, createdAt: now, updatedAt: now };
}

/** UpdateBucket's body applied to `bucket` (either field may be left out). */
export function parseBucketUpdate(form: Form, bucket: StoredBucket, now: number): StoredBucket {
  const max = integer(form, 'Max', MAX_BOUNDS) ?? bucket.max;
  const interval = integer(form, 'Interval', INTERVAL_BOUNDS) ?? bucket.interval;
  return { ...bucket, max, interval, updatedAt: now };
}

/** The bucket `{Sid}` of the rate limit; else 20404. */
export function bucketIn(limit: StoredRateLimit, request: HttpRequest): StoredBucket {
  const sid = pathSid(request, 'Sid', BUCKET_SID);
  const bucket = limit.buckets.find((entry) => entry.sid === sid);
  if (!bucket) throw new InputError(20404);
  return bucket;
}

/** The Bucket resource as Twilio writes it. */
export function bucketResource(request: HttpRequest, scope: RateLimitScope, bucket: StoredBucket) {
  return {
    sid: bucket.sid,
    rate_limit_sid: bucket.rateLimitSid,
    service_sid: scope.serviceSid,
    account_sid: scope.accountSid,
    max: bucket.max,
    interval: bucket.interval,
    date_created: twilioTime(bucket.createdAt),
    date_updated: twilioTime(bucket.updatedAt),
    url: `${baseUrl(request)}/v2/Services/${scope.serviceSid}/RateLimits/${bucket.rateLimitSid}/Buckets/${bucket.sid}`,
  };
}
