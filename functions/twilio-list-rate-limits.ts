// Primary adapter: GET /v2/Services/{ServiceSid}/RateLimits (Twilio Verify v2): the calling account's rate limits on
// the service, in Twilio's page envelope (`rate_limits` and `meta`).
import { twilio } from '../lib/dialects/twilio/index.ts';
import { pageOf, rateLimitResource, rateLimitsOf } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const path = `/v2/Services/${scope.serviceSid}/RateLimits`;
  const { items, meta } = pageOf(request, path, 'rate_limits', await store.all(scope));
  return json(200, { rate_limits: items.map((limit) => rateLimitResource(request, scope, limit)), meta });
});
