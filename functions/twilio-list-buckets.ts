// Primary adapter: GET /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets (Twilio Verify v2): a rate
// limit's buckets in Twilio's page envelope (`buckets` and `meta`).
import { bucketResource } from '../lib/dialects/twilio/buckets.ts';
import { twilio } from '../lib/dialects/twilio/index.ts';
import { pageOf, rateLimitIn, rateLimitsOf } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const limit = rateLimitIn(await store.all(scope), request, 'RateLimitSid');
  const path = `/v2/Services/${scope.serviceSid}/RateLimits/${limit.sid}/Buckets`;
  const { items, meta } = pageOf(request, path, 'buckets', limit.buckets);
  return json(200, { buckets: items.map((bucket) => bucketResource(request, scope, bucket)), meta });
});
