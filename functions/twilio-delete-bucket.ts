// Primary adapter: DELETE /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid} (Twilio Verify v2).
import { bucketIn } from '../lib/dialects/twilio/buckets.ts';
import { twilio } from '../lib/dialects/twilio/index.ts';
import { rateLimitIn, rateLimitsOf, refused } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const limit = rateLimitIn(await store.all(scope), request, 'RateLimitSid');
  const refusal = await store.deleteBucket(scope, limit.sid, bucketIn(limit, request).sid);
  if (refusal) throw refused(refusal, 'Bucket');
  return { statusCode: 204, headers: {}, body: '' };
});
