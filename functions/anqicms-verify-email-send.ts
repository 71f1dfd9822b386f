// Primary adapter: POST /api/verify/email (seed 004) — mails a 30-minute verification link and code.
import { anqicms, envelope, localeOf, parseSend } from '../lib/dialects/anqicms/index.ts';
import { sendingEndpoint } from '../lib/http/endpoint.ts';
import type { Tenant } from '../lib/tenants/schema.ts';

export const handler = sendingEndpoint(anqicms, async (request, { engine, tenants }) => {
  const charge = (tenant: Tenant) => engine.chargeAccountAnswer(tenant, request.clientIp);
  await engine.sendCode(await parseSend(request, tenants, charge));
  return envelope('sent', localeOf(request));
});
