// Primary adapter: POST /v2/mail/enduserapi/v2/sendEmail (seed 000).
import { acceleronix, envelope, parseSendEmail } from '../lib/dialects/acceleronix/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(acceleronix, async (request, { engine, tenants }) => {
  await engine.sendCode(await parseSendEmail(request, tenants));
  return envelope(200);
});
