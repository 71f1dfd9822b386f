// Primary adapter: POST /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid} (Twilio Verify v2): a
// bucket's `Max` and `Interval`; sends count against the new values within seconds (docs/dialects/twilio.md).
import { bucketIn, bucketResource, parseBucketUpdate } from '../lib/dialects/twilio/buckets.ts';
import { formOf, twilio } from '../lib/dialects/twilio/index.ts';
import { rateLimitIn, rateLimitsOf, refused } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const limit = rateLimitIn(await store.all(scope), request, 'RateLimitSid');
  const bucket = parseBucketUpdate(formOf(request), bucketIn(limit, request), Date.now());
  const refusal = await store.updateBucket(scope, bucket);
  if (refusal) throw refused(refusal, 'Bucket');
  return json(200, bucketResource(request, scope, bucket));
});
