// Primary adapter: GET /v1/verifications/{id} (native API).
import { authenticate, native, parseId } from '../lib/dialects/native/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(native, async (request, { engine, tenants }) => {
  const tenant = await authenticate(request, tenants);
  const verification = await engine.getVerification(tenant, parseId(request));
  return json(200, { ...verification, expiresAt: new Date(verification.expiresAt).toISOString() });
});
