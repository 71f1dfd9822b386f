// Primary adapter: GET /v2/Services/{ServiceSid}/RateLimits/{Sid} (Twilio Verify v2): one rate limit; 20404 when
// the calling account has none of that sid on the service.
import { twilio } from '../lib/dialects/twilio/index.ts';
import { rateLimitIn, rateLimitResource, rateLimitsOf } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const limit = rateLimitIn(await store.all(scope), request, 'Sid');
  return json(200, rateLimitResource(request, scope, limit));
});
