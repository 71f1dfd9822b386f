// Primary adapter: POST /v1/verifications/check (native API).
import { authenticate, native, parseCheck } from '../lib/dialects/native/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(native, async (request, { engine, tenants }) => {
  const result = await engine.checkCode(parseCheck(request, await authenticate(request, tenants)));
  return json(200, result);
});
