// Primary adapter: POST /v2/sms/enduserapi/v2/sendPhoneSmsCode (seed 002).

import { envelope } from '../lib/dialects/acceleronix/index.ts';
import { acceleronixSms, parseSendSms } from '../lib/dialects/acceleronix/sms.ts';
import { InputError, ReplayedError } from '../lib/domain/errors.ts';
import { sendingEndpoint } from '../lib/http/endpoint.ts';

export const handler = sendingEndpoint(acceleronixSms, async (request, { engine, tenants }) => {
  const { command, problem } = await parseSendSms(request, tenants);
  try {
    if (problem) throw new InputError(problem);
    await engine.sendCode(command);
  } catch (error) {
    // The signature was correct: its nonce is used up on first sight, whatever refused the send
    // (a replay's nonce already is).
    if (!(error instanceof ReplayedError)) await engine.spendReplayKey(command.replayKey);
    throw error;
  }
  return envelope(200);
});
