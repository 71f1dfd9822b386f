// Primary adapter: GET /api/verify/email (seed 004) — the mailed link: a confirmation page, or with return=json a confirmation.
import {
  anqicmsLink,
  confirmCommand,
  parseLink,
  renderConfirmation,
  renderLinkPage,
  wantsJson,
} from '../lib/dialects/anqicms/index.ts';
import { refuseCrossSite } from '../lib/http/browser.ts';
import { endpoint } from '../lib/http/endpoint.ts';

export const handler = endpoint(anqicmsLink, async (request, { engine, tenants }) => {
  const link = await parseLink(request, tenants);
  // Without return=json the GET consumes nothing: mail scanners and link previews open links.
  if (!wantsJson(request)) return renderLinkPage(link);
  // With return=json the GET confirms: like the form's POST, only for origins the tenant allows.
  refuseCrossSite(request, link.tenant);
  return renderConfirmation(link, await engine.confirmLink(confirmCommand(link)), true);
});
