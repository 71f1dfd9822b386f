// Local runtime only: the `/_local/*` routes (never deployed). Each route is one entry of LOCAL_ROUTES;
// add a page or a helper by adding an entry, not by touching the dispatcher in server.ts.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captchaHelp } from '../../lib/captcha/local-help.ts';
import { localEvents } from '../../lib/events/local-bus.ts';
import { getRuntime, outbox } from '../../lib/runtime.ts';

export interface LocalRequest {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  /** `{name}` segments of the entry's path, percent-decoded. */
  params: Record<string, string>;
}

export interface LocalRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Same syntax as the route table: `/_local/captcha/{token}`. */
  path: string;
  handle(local: LocalRequest): void | Promise<void>;
}

/** A JSON answer (the local routes' default). */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

/**
 * One query parameter read from the raw query string, where `+` stays `+`. URLSearchParams follows
 * the form encoding (`+` is a space), so `?to=+8613800138000` would look for " 8613800138000"; a
 * developer pasting a phone number expects the number. Returns null for a malformed escape.
 */
export function rawQueryParam(url: URL, name: string): string | undefined | null {
  for (const pair of url.search.replace(/^\?/, '').split('&')) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    if (key !== name) continue;
    try {
      return decodeURIComponent(at < 0 ? '' : pair.slice(at + 1));
    } catch {
      return null;
    }
  }
  return undefined;
}

const PAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'outbox-page');
const asset = (file: string) => readFileSync(resolve(PAGE_DIR, file), 'utf8');

// The page loads its script and style from this origin only: no inline script, nothing from elsewhere.
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// A mail's HTML as a mail client would show it, framed by the outbox page only: its inline styles and https
// images (a tenant's logo) load, nothing runs (the `sandbox` directive also gives it an origin of its own), and
// it can submit nothing.
const MAIL_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'none'; " +
  "frame-ancestors 'self'; base-uri 'none'; sandbox allow-popups allow-popups-to-escape-sandbox";

function servePage(file: string, type: string) {
  const body = asset(file);
  return ({ response }: LocalRequest) => {
    response.writeHead(200, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'no-store',
      'content-security-policy': PAGE_POLICY,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    response.end(body);
  };
}

/** Every `/_local/*` route. The outbox shows codes on purpose: it stands in for the user's inbox. */
export const LOCAL_ROUTES: LocalRoute[] = [
  {
    // The runtime's root leads to the outbox page: what someone who opens the printed address wants to see.
    method: 'GET',
    path: '/',
    handle({ response }) {
      response.writeHead(302, { location: '/_local/', 'cache-control': 'no-store' });
      response.end();
    },
  },
  {
    method: 'GET',
    path: '/_local',
    handle({ response }) {
      response.writeHead(308, { location: '/_local/' });
      response.end();
    },
  },
  { method: 'GET', path: '/_local/', handle: servePage('index.html', 'text/html') },
  { method: 'GET', path: '/_local/outbox.js', handle: servePage('outbox.js', 'text/javascript') },
  { method: 'GET', path: '/_local/outbox.css', handle: servePage('outbox.css', 'text/css') },
  { method: 'GET', path: '/_local/favicon.svg', handle: servePage('favicon.svg', 'image/svg+xml') },
  {
    method: 'GET',
    path: '/_local/outbox',
    handle({ response, url }) {
      const to = rawQueryParam(url, 'to');
      if (to === null) return sendJson(response, 400, { message: 'to: malformed percent-encoding' });
      sendJson(response, 200, { messages: outbox.list(to || undefined) });
    },
  },
  {
    // One mail's HTML part, found by its recipient and time (`to` and `sentAt` of /_local/outbox): the page
    // frames it so the layout shows as the recipient would see it.
    method: 'GET',
    path: '/_local/outbox/html',
    handle({ response, url }) {
      const to = rawQueryParam(url, 'to');
      const sentAt = url.searchParams.get('sentAt');
      const mail = to
        ? outbox.list(to).find((message) => message.sentAt === sentAt && message.html)
        : undefined;
      if (!mail?.html) return sendJson(response, 404, { message: 'no such mail in the outbox' });
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': MAIL_POLICY,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
      });
      response.end(mail.html);
    },
  },
  {
    // Lifecycle events as the stack's bus would deliver them (newest first; ?tenant= and ?type= filter).
    method: 'GET',
    path: '/_local/events',
    handle({ response, url }) {
      const tenant = url.searchParams.get('tenant') ?? undefined;
      sendJson(response, 200, {
        events: localEvents.list({ tenant, type: url.searchParams.get('type') ?? undefined }),
      });
    },
  },
  {
    // The committed OpenAPI document (npm run openapi), byte for byte; read per request, so a regenerated one shows.
    method: 'GET',
    path: '/_local/openapi.json',
    handle({ response }) {
      const document = readFileSync(resolve(PAGE_DIR, '../../../docs/openapi.json'));
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'access-control-allow-origin': '*',
      });
      response.end(document);
    },
  },
  {
    method: 'DELETE',
    path: '/_local/outbox',
    handle({ response }) {
      outbox.clear();
      response.writeHead(204, { 'cache-control': 'no-store' });
      response.end();
    },
  },
  {
    // Captcha help: the answer of an issued EIAM challenge, read through its keyed hash (docs/dialects/eiam.md).
    method: 'GET',
    path: '/_local/captcha/{token}',
    async handle({ request, response, url, params }) {
      const hint = {
        tenantId: url.searchParams.get('tenant') ?? undefined,
        clientId: request.headers['x-client-id']?.toString(),
      };
      const { status, body } = await captchaHelp(await getRuntime(), params.token ?? '', hint);
      sendJson(response, status, body);
    },
  },
];
