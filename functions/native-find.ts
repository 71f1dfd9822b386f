// Primary adapter: GET /v1/verifications?channel=&to=&purpose= (native API): status by address.
import { authenticate, native, parseFind } from '../lib/dialects/native/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export const handler = endpoint(native, async (request, { engine, tenants }) => {
  const tenant = await authenticate(request, tenants);
  const { channel, to, purpose } = parseFind(request);
  const found = await engine.findVerification(tenant, channel, to, purpose);
  return json(200, {
    channel,
    to: found.to,
    purpose,
    verifiedAt: iso(found.verifiedAt),
    latest: found.latest
      ? { id: found.latest.id, status: found.latest.status, expiresAt: iso(found.latest.expiresAt) }
      : null,
  });
});
