// Primary adapter: GET /v2/Services (Twilio Verify v2): the tenants-file services, then the calling account's own,
// in Twilio's page envelope (`services` and `meta`).
import { authenticate, twilio } from '../lib/dialects/twilio/index.ts';
import { listPage } from '../lib/dialects/twilio/services.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  return json(200, await listPage(request, tenant, accountSid));
});
