// Primary adapter: POST /v2/mail/enduserapi/v2/sendEmail (seed 000).
import { acceleronix, envelope, parseSendEmail } from '../lib/dialects/acceleronix/index.ts';
import { sendingEndpoint } from '../lib/http/endpoint.ts';

export const handler = sendingEndpoint(acceleronix, async (request, { engine, tenants }) => {
  await engine.sendCode(await parseSendEmail(request, tenants));
  return envelope(200);
});
