// Primary adapter: POST /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets (Twilio Verify v2): a new bucket
// (`Max` sends per `Interval` seconds) of one of the calling account's rate limits.
import { bucketResource, parseNewBucket } from '../lib/dialects/twilio/buckets.ts';
import { formOf, twilio } from '../lib/dialects/twilio/index.ts';
import { rateLimitIn, rateLimitsOf, refused } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const limit = rateLimitIn(await store.all(scope), request, 'RateLimitSid');
  const bucket = parseNewBucket(formOf(request), limit.sid, Date.now());
  const refusal = await store.createBucket(scope, bucket);
  if (refusal) throw refused(refusal, 'Bucket');
  return json(201, bucketResource(request, scope, bucket));
});
