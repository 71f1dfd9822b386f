// Primary adapter: GET /v2/Services/{Sid} (Twilio Verify v2): a tenants-file service, or one the calling account
// made; anything else (another account's included) 20404.
import { authenticate, twilio } from '../lib/dialects/twilio/index.ts';
import {
  fileServiceOf,
  pathServiceSid,
  serviceResource,
  serviceStore,
} from '../lib/dialects/twilio/services.ts';
import { InputError } from '../lib/domain/errors.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const sid = pathServiceSid(request, 'Sid');
  if (!sid) throw new InputError(20404);
  const service =
    fileServiceOf(tenant, sid) ?? (await (await serviceStore()).get(tenant.id, accountSid, sid));
  if (!service) throw new InputError(20404);
  return json(200, serviceResource(request, service, accountSid));
});
