// Primary adapter: POST /v2/Services/{ServiceSid}/RateLimits (Twilio Verify v2): a new rate limit of the calling
// account on the service; verifications may name it in `RateLimits` at once.
import { formOf, twilio } from '../lib/dialects/twilio/index.ts';
import {
  parseNewRateLimit,
  rateLimitResource,
  rateLimitsOf,
  refused,
} from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const limit = parseNewRateLimit(formOf(request), Date.now());
  const refusal = await store.createRateLimit(scope, limit);
  if (refusal) throw refused(refusal, 'RateLimit');
  return json(201, rateLimitResource(request, scope, limit));
});
