// Primary adapter: POST /api/v2/common/send-verify-code (seed 001, Fresns).
import { envelope, fresns, parseSendVerifyCode } from '../lib/dialects/fresns/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(fresns, async (request, { engine, tenants }) => {
  await engine.sendCode(await parseSendVerifyCode(request, tenants));
  return envelope(0);
});
