// Primary adapter: ANY /v2/{proxy+} — every path or method under /v2 no other route serves answers as Twilio does:
// the caller's credentials first (20003), then Twilio's 404 JSON (20404) naming the resource.
import { authenticate, twilio } from '../lib/dialects/twilio/index.ts';
import { InputError } from '../lib/domain/errors.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(twilio, async (request, { tenants }) => {
  await authenticate(request, tenants);
  throw new InputError(20404);
});
