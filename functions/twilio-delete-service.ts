// Primary adapter: DELETE /v2/Services/{Sid} (Twilio Verify v2): removes a service the calling account made (204);
// its pending verifications answer 20404 from then on. A tenants-file service is read-only (20403).
import { authenticate, twilio } from '../lib/dialects/twilio/index.ts';
import { fileServiceOf, pathServiceSid, serviceStore } from '../lib/dialects/twilio/services.ts';
import { InputError } from '../lib/domain/errors.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const sid = pathServiceSid(request, 'Sid');
  if (!sid) throw new InputError(20404);
  if (fileServiceOf(tenant, sid)) {
    throw new InputError(20403, [
      "Forbidden: this service is defined in the tenant's configuration and cannot be deleted here",
    ]);
  }
  if (!(await (await serviceStore()).delete(tenant.id, accountSid, sid))) throw new InputError(20404);
  return { statusCode: 204, headers: {}, body: '' };
});
