// Primary adapter: GET /api/v2/sdk/captcha (seed 003): a fresh slider-captcha challenge for the tenant,
// at most `captcha.perIp` per client IP and window.
import { renderChallenge } from '../lib/dialects/eiam/captcha.ts';
import { clientOf, eiam } from '../lib/dialects/eiam/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(eiam, async (request, { tenants, captcha }) => {
  const { tenant, clientIp } = await clientOf(request, tenants);
  const result = await captcha.issue({ tenantId: tenant.id, clientIp, perIp: tenant.captcha.perIp });
  return renderChallenge(result, request);
});
