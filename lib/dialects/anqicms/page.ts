// AnqiCMS dialect renderer for people: the link's confirmation page and the result pages (no scripts).
import { createHash } from 'node:crypto';
import type { Locale } from '../../domain/vocabulary.ts';
import type { HttpResponse } from '../../http/request.ts';
import { PAGE_TEXTS } from './codes.ts';

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1d21}' +
  'main{max-width:32rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px}' +
  'h1{font-size:1.4rem;margin-top:0}p{line-height:1.5}' +
  'button{font:inherit;padding:.7rem 1.2rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;cursor:pointer}' +
  'button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}';

// The one inline style is allowed by its hash, so the policy needs no 'unsafe-inline'.
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Fills `{name}` placeholders of a page text with escaped values. */
function fill(text: string, values: Record<string, string>): string {
  return escapeHtml(text).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? `<strong>${escapeHtml(values[name] ?? '')}</strong>` : whole,
  );
}

/**
 * Headers for every page of the link flow: the URL carries a secret token, so nothing may cache the
 * page or send it on as a Referer, and nothing may frame it or run script in it.
 */
export function pageHeaders(form?: { redirectOrigin?: string }): Record<string, string> {
  // Browsers apply form-action to the redirect after a submission too, so the reset origin is listed.
  const formAction = form ? ["'self'", form.redirectOrigin].filter(Boolean).join(' ') : "'none'";
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // same-origin, not no-referrer: the token-bearing URL still never leaves our host, and the page's own
    // form keeps a real Origin header (no-referrer makes browsers send `Origin: null`, which the origin
    // guard must refuse: sandboxed frames on any site send it too).
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  };
}

function document(locale: Locale, title: string, content: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>
`;
}

export interface ConfirmPageInput {
  locale: Locale;
  appName: string;
  email: string;
  token: string;
  state: string;
  /** The password-reset flavour: other texts, and the form may be redirected to this origin. */
  resetOrigin?: string;
}

/**
 * The page a link opens: it consumes nothing (mail scanners and previews open links), it only offers a
 * button whose POST confirms. The form posts relative to the link, so it works under any base path.
 */
export function renderConfirmPage(input: ConfirmPageInput): HttpResponse {
  const texts = PAGE_TEXTS[input.locale];
  const reset = input.resetOrigin !== undefined;
  const title = reset ? texts.resetTitle : texts.confirmTitle;
  const values = { app: input.appName, email: input.email };
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const content = `<h1>${escapeHtml(title)}</h1>
<p id="explain">${fill(reset ? texts.resetBody : texts.confirmBody, values)}</p>
<form method="post" action="email/confirm">
${hidden('token', input.token)}
${hidden('email', input.email)}
${hidden('state', input.state)}
<button type="submit" aria-describedby="explain">${escapeHtml(reset ? texts.resetButton : texts.confirmButton)}</button>
</form>`;
  return {
    statusCode: 200,
    headers: pageHeaders({ redirectOrigin: input.resetOrigin }),
    body: document(input.locale, title, content),
  };
}

export type ResultKind = 'verified' | 'invalid' | 'busy';

const RESULT_STATUS: Record<ResultKind, number> = { verified: 200, invalid: 400, busy: 503 };

/** The page after a confirmation (or instead of the form when the link is malformed). */
export function renderResultPage(
  kind: ResultKind,
  locale: Locale,
  values: { app?: string; email?: string } = {},
): HttpResponse {
  const texts = PAGE_TEXTS[locale];
  const [title, body] =
    kind === 'verified'
      ? [texts.verifiedTitle, texts.verifiedBody]
      : kind === 'invalid'
        ? [texts.invalidTitle, texts.invalidBody]
        : [texts.busyTitle, texts.busyBody];
  const content = `<h1>${escapeHtml(title)}</h1>
<p role="status">${fill(body, { app: values.app ?? '', email: values.email ?? '' })}</p>`;
  return { statusCode: RESULT_STATUS[kind], headers: pageHeaders(), body: document(locale, title, content) };
}
