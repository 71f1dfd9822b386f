// Primary adapter: POST /api/v2/sdk/email/send (seed 003): redeem the captcha_token, then send the code.
import { eiam, parseSendEmail, redeemCaptcha, sent } from '../lib/dialects/eiam/index.ts';
import { sendingEndpoint } from '../lib/http/endpoint.ts';

export const handler = sendingEndpoint(eiam, async (request, { engine, tenants, captcha }) => {
  const send = await parseSendEmail(request, tenants);
  await redeemCaptcha(captcha, send);
  await engine.sendCode(send.command);
  return sent();
});
