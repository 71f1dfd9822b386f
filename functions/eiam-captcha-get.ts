// Primary adapter: GET /api/v2/sdk/captcha (seed 003): a fresh slider-captcha challenge for the tenant.
import { clientOf, eiam, renderChallenge } from '../lib/dialects/eiam/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(eiam, async (request, { tenants, captcha }) => {
  const { tenant } = await clientOf(request, tenants);
  return renderChallenge(await captcha.issue(tenant.id));
});
