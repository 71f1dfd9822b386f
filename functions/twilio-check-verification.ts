// Primary adapter: POST /v2/Services/{ServiceSid}/VerificationCheck (Twilio Verify v2): a code, by the
// verification's sid or by its address, for this service and account only. Approved and pending answer 200;
// the attempt cap 60202; nothing pending 20404.

import { checkByTo } from '../lib/dialects/twilio/channels.ts';
import {
  authenticate,
  ownerOf,
  parseCheck,
  serviceOf,
  TWILIO_PURPOSE,
  twilio,
} from '../lib/dialects/twilio/index.ts';
import { checkResource } from '../lib/dialects/twilio/resources.ts';
import { InputError } from '../lib/domain/errors.ts';
import { endpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = endpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const service = serviceOf(request, tenant);
  const input = parseCheck(request);
  const { code, binding } = input;
  const { result, to, channel } =
    'sid' in input
      ? await engine
          .checkByExternalId(tenant, input.sid, code, { serviceSid: service.sid, accountSid }, binding)
          .then((checked) => ({ result: checked, ...checked.verification }))
      : await checkByTo(engine, {
          tenant,
          to: input.to,
          channel: input.channel,
          code,
          binding,
          purpose: TWILIO_PURPOSE,
          externalOwner: ownerOf(service.sid, accountSid),
        }).then((found) => ({ ...found, to: input.to }));
  if (result.status === 'max_attempts') throw new InputError(60202);
  if (result.status !== 'approved' && result.status !== 'pending') throw new InputError(20404);
  // Verification Attempts: an approval converts the verification's attempts (one more write, approvals only).
  if (result.status === 'approved' && result.external) {
    await engine.markConverted(
      tenant,
      accountSid,
      result.external.attempts.map((attempt) => attempt.id),
    );
  }
  const now = Date.now();
  return json(200, checkResource(tenant, { serviceSid: service.sid, accountSid, to, channel, now }, result));
});
