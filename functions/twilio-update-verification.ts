// Primary adapter: POST /v2/Services/{ServiceSid}/Verifications/{Sid} (Twilio Verify v2), by sid or To:
// Status=canceled withdraws the code; Status=approved approves it (apps that verified the user themselves).

import { sidByTo } from '../lib/dialects/twilio/channels.ts';
import {
  authenticate,
  ownerOf,
  parseUpdate,
  serviceOf,
  TWILIO_PURPOSE,
  twilio,
  verificationSidOf,
} from '../lib/dialects/twilio/index.ts';
import { verificationResource } from '../lib/dialects/twilio/resources.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const service = serviceOf(request, tenant);
  const named = verificationSidOf(request);
  const status = parseUpdate(request);
  const owner = ownerOf(service.sid, accountSid);
  const sid =
    'sid' in named ? named.sid : await sidByTo(engine, tenant, { ...named, purpose: TWILIO_PURPOSE, owner });
  const ended = await engine.endByExternalId(tenant, sid, status, { serviceSid: service.sid, accountSid });
  // Verification Attempts: an approval converts the verification's attempts.
  if (status === 'approved') {
    await engine.markConverted(
      tenant,
      accountSid,
      ended.attempts.map((attempt) => attempt.id),
    );
  }
  return json(200, verificationResource(request, { ...ended, sid, serviceSid: service.sid, accountSid }));
});
