// Primary adapter: POST /v2/Services/{Sid} (Twilio Verify v2): changes a service the calling account made, in one
// conditional write. A tenants-file service is read-only (20403); an unknown one 20404.
import { authenticate, formOf, twilio } from '../lib/dialects/twilio/index.ts';
import {
  fileServiceOf,
  parseServiceFields,
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
  if (fileServiceOf(tenant, sid)) throw new InputError(20403, [READ_ONLY]);
  const changes = parseServiceFields(formOf(request), false);
  const updated = await (await serviceStore()).update(tenant.id, accountSid, sid, changes, Date.now());
  if (!updated) throw new InputError(20404);
  return json(200, serviceResource(request, updated, accountSid));
});

const READ_ONLY =
  "Forbidden: this service is defined in the tenant's configuration and cannot be changed here";
