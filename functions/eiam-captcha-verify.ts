// Primary adapter: POST /api/v2/sdk/captcha/verify (seed 003): the one attempt at a challenge.
import { parseCaptchaVerify, renderVerify } from '../lib/dialects/eiam/captcha.ts';
import { eiam } from '../lib/dialects/eiam/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(eiam, async (request, { tenants, captcha }) => {
  return renderVerify(await captcha.verify(await parseCaptchaVerify(request, tenants)), request);
});
