// Primary adapter: GET /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid} (Twilio Verify v2).
import { bucketIn, bucketResource } from '../lib/dialects/twilio/buckets.ts';
import { twilio } from '../lib/dialects/twilio/index.ts';
import { rateLimitIn, rateLimitsOf } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const limit = rateLimitIn(await store.all(scope), request, 'RateLimitSid');
  return json(200, bucketResource(request, scope, bucketIn(limit, request)));
});
