// Primary adapter: POST /v2/Services (Twilio Verify v2): a new Verify service of the calling account, stored in
// the table; its verifications work at once (no redeploy).
import { authenticate, formOf, twilio } from '../lib/dialects/twilio/index.ts';
import {
  newService,
  parseServiceFields,
  serviceResource,
  serviceStore,
} from '../lib/dialects/twilio/services.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const service = newService(accountSid, parseServiceFields(formOf(request), true), Date.now());
  await (await serviceStore()).create(tenant.id, service);
  return json(201, serviceResource(request, service, accountSid));
});
