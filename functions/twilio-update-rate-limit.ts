// Primary adapter: POST /v2/Services/{ServiceSid}/RateLimits/{Sid} (Twilio Verify v2): a rate limit's description.
import { formOf, twilio } from '../lib/dialects/twilio/index.ts';
import {
  parseRateLimitUpdate,
  rateLimitIn,
  rateLimitResource,
  rateLimitsOf,
  refused,
} from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const description = parseRateLimitUpdate(formOf(request));
  const limit = rateLimitIn(await store.all(scope), request, 'Sid');
  const now = Date.now();
  const refusal = await store.updateRateLimit(scope, limit.sid, description, now);
  if (refusal) throw refused(refusal, 'RateLimit');
  return json(200, rateLimitResource(request, scope, { ...limit, description, updatedAt: now }));
});
