// Primary adapter: POST /v2/Services/{ServiceSid}/Verifications (Twilio Verify v2): start or resend.
import { authenticate, parseCreate, serviceOf, twilio } from '../lib/dialects/twilio/index.ts';
import { bucketsOf, scopeOf } from '../lib/dialects/twilio/rate-limits.ts';
import { verificationResource } from '../lib/dialects/twilio/resources.ts';
import { sendingEndpoint } from '../lib/http/endpoint.ts';
import { json } from '../lib/http/request.ts';

export const handler = sendingEndpoint(twilio, async (request, { engine, tenants }) => {
  const { tenant, accountSid } = await authenticate(request, tenants);
  const service = serviceOf(request, tenant);
  const command = parseCreate(request, tenant, service, accountSid);
  command.buckets = await bucketsOf(command.rateLimits, scopeOf(tenant, accountSid, service.sid), Date.now());
  const { external } = await engine.sendCodeWithId(command);
  return json(
    201,
    verificationResource(request, {
      sid: external.id,
      serviceSid: service.sid,
      accountSid,
      to: command.to,
      channel: command.channel,
      state: 'pending',
      createdAt: external.createdAt,
      updatedAt: external.updatedAt ?? external.createdAt,
      attempts: external.attempts,
      extras: external.extras,
    }),
  );
});
