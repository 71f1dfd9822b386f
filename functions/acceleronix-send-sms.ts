// Primary adapter: POST /v2/sms/enduserapi/v2/sendPhoneSmsCode (seed 002).
import { envelope } from '../lib/dialects/acceleronix/index.ts';
import { acceleronixSms, parseSendSms } from '../lib/dialects/acceleronix/sms.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(acceleronixSms, async (request, { engine, tenants }) => {
  await engine.sendCode(await parseSendSms(request, tenants));
  return envelope(200);
});
