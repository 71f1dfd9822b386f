// Primary adapter: GET /v2/Services/{ServiceSid}/Verifications/{Sid} (Twilio Verify v2): the current status.
import { authenticate, serviceOf, twilio, verificationSidOf } from '../lib/dialects/twilio/index.ts';
import { verificationResource } from '../lib/dialects/twilio/resources.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const service = serviceOf(request, tenant);
  const sid = verificationSidOf(request);
  const found = await engine.getByExternalId(tenant, sid, { serviceSid: service.sid });
  return json(200, verificationResource(request, { ...found, sid, serviceSid: service.sid, accountSid }));
});
