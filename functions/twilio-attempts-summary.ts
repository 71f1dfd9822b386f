// Primary adapter: GET /v2/Attempts/Summary (Twilio Verify v2): how many of the calling account's attempts match the
// filters and how many converted (their verification was approved).
import { summaryFilter, summaryResource } from '../lib/dialects/twilio/attempts.ts';
import { authenticate, twilio } from '../lib/dialects/twilio/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const counts = await engine.countAttempts(tenant, accountSid, summaryFilter(request));
  return json(200, summaryResource(request, counts));
});
