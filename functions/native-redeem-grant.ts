// Primary adapter: POST /v1/grants/redeem (native API): an app redeems a one-time grant, e.g. the reset
// token a confirmed AnqiCMS reset link carried to its reset page.
import { authenticate, native, parseRedeem } from '../lib/dialects/native/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(native, async (request, { engine, tenants }) => {
  const tenant = await authenticate(request, tenants);
  const valid = await engine.redeemGrant({ tenant, ...parseRedeem(request) });
  return json(200, { valid });
});
