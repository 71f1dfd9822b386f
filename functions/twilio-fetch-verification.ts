// Primary adapter: GET /v2/Services/{ServiceSid}/Verifications/{Sid} (Twilio Verify v2): a pending
// verification, by its sid or its To; a finished one (approved, canceled, expired, max attempts) is 20404.

import { sidByTo } from '../lib/dialects/twilio/channels.ts';
import {
  authenticate,
  ownerOf,
  serviceOf,
  TWILIO_PURPOSE,
  twilio,
  verificationSidOf,
} from '../lib/dialects/twilio/index.ts';
import { verificationResource } from '../lib/dialects/twilio/resources.ts';
import { InputError } from '../lib/domain/errors.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const service = serviceOf(request, tenant);
  const named = verificationSidOf(request);
  const owner = ownerOf(service.sid, accountSid);
  const sid =
    'sid' in named ? named.sid : await sidByTo(engine, tenant, { ...named, purpose: TWILIO_PURPOSE, owner });
  const found = await engine.getByExternalId(tenant, sid, { serviceSid: service.sid, accountSid });
  // Twilio keeps only pending verifications: once finished, the resource is gone.
  if (found.state !== 'pending') throw new InputError(20404);
  return json(200, verificationResource(request, { ...found, sid, serviceSid: service.sid, accountSid }));
});
