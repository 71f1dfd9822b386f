// Primary adapter: GET /v2/Attempts/{Sid} (Twilio Verify v2): one attempt of the calling account; 20404 otherwise.
import { attemptResource, attemptSidOf } from '../lib/dialects/twilio/attempts.ts';
import { authenticate, twilio } from '../lib/dialects/twilio/index.ts';
import { InputError } from '../lib/domain/errors.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const attempt = await engine.getAttempt(tenant, accountSid, attemptSidOf(request));
  if (!attempt) throw new InputError(20404);
  return json(200, attemptResource(request, accountSid, attempt));
});
