// Primary adapter: DELETE /v2/Services/{ServiceSid}/RateLimits/{Sid} (Twilio Verify v2): removes a rate limit and
// its buckets (204); verifications naming it are refused from then on.
import { twilio } from '../lib/dialects/twilio/index.ts';
import { rateLimitIn, rateLimitsOf, refused } from '../lib/dialects/twilio/rate-limits.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { scope, store } = await rateLimitsOf(request, tenants);
  const refusal = await store.deleteRateLimit(scope, rateLimitIn(await store.all(scope), request, 'Sid'));
  if (refusal) throw refused(refusal, 'RateLimit');
  return { statusCode: 204, headers: {}, body: '' };
});
