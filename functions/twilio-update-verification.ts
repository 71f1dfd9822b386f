// Primary adapter: POST /v2/Services/{ServiceSid}/Verifications/{Sid} (Twilio Verify v2): Status=canceled
// withdraws the code; Status=approved approves it (apps that verified the user themselves).
import {
  authenticate,
  parseUpdate,
  serviceOf,
  twilio,
  verificationSidOf,
} from '../lib/dialects/twilio/index.ts';
import { verificationResource } from '../lib/dialects/twilio/resources.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const service = serviceOf(request, tenant);
  const sid = verificationSidOf(request);
  const status = parseUpdate(request);
  const ended = await engine.endByExternalId(tenant, sid, status, { serviceSid: service.sid });
  return json(200, verificationResource(request, { ...ended, sid, serviceSid: service.sid, accountSid }));
});
