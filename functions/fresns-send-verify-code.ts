// Primary adapter: POST /api/v2/common/send-verify-code (seed 001, Fresns).
import { envelope, fresns, parseSendVerifyCode } from '../lib/dialects/fresns/index.ts';
import { sendingEndpoint } from '../lib/http/endpoint.ts';
import type { Tenant } from '../lib/tenants/schema.ts';

export const handler = sendingEndpoint(fresns, async (request, { engine, tenants }) => {
  const charge = (tenant: Tenant) => engine.chargeAccountAnswer(tenant, request.clientIp);
  await engine.sendCode(await parseSendVerifyCode(request, tenants, charge));
  return envelope(0);
});
