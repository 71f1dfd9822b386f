// Primary adapter: POST /v1/verifications (native API).
import { authenticate, native, parseSend } from '../lib/dialects/native/index.ts';
import { sendingEndpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = sendingEndpoint(native, async (request, { engine, tenants }) => {
  const sent = await engine.sendCode(parseSend(request, await authenticate(request, tenants)));
  return json(201, {
    id: sent.id,
    status: 'pending',
    channel: sent.channel,
    to: sent.to,
    expiresAt: new Date(sent.expiresAt).toISOString(),
  });
});
