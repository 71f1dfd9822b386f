// Primary adapter: POST /api/verify/email/confirm (seed 004) — the confirmation page's form consumes the link.
import {
  anqicmsLink,
  confirmCommand,
  parseLink,
  renderConfirmation,
  wantsJson,
} from '../lib/dialects/anqicms/index.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(anqicmsLink, async (request, { engine, tenants }) => {
  const link = await parseLink(request, tenants);
  return renderConfirmation(link, await engine.confirmLink(confirmCommand(link)), wantsJson(request));
});
