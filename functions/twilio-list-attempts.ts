// Primary adapter: GET /v2/Attempts (Twilio Verify v2): the calling account's verification attempts, newest first,
// with Twilio's filters, in Twilio's page envelope (`attempts` and `meta`).
import { attemptPage, attemptsPage, listFilter } from '../lib/dialects/twilio/attempts.ts';
import { authenticate, twilio } from '../lib/dialects/twilio/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const query = listFilter(request);
  const page = attemptPage(request);
  const found = await engine.listAttempts(tenant, accountSid, query, page);
  return json(200, attemptsPage(request, accountSid, page, found));
});
