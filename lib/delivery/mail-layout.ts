// Delivery helper: the HTML part of a verification mail — a responsive, accessible layout around words it is given.
// It holds no words of its own (templates.ts and the locale texts do): it arranges the message's plain text,
// shows the code large and selectable, and applies the tenant's branding.

/** A tenant's mail branding (the tenant config's `branding`, with the name defaulted to the app's name). */
export interface MailBranding {
  name: string;
  /** An https URL (the tenant schema refuses anything else). */
  logoUrl?: string;
  /** `#rrggbb`. */
  accentColor?: string;
}

export interface MailLayoutInput {
  /** BCP 47 language of the words (`<html lang>`). */
  locale: string;
  /** The subject: the document's title. */
  title: string;
  /** The plain-text part as sent; blank lines separate its paragraphs. */
  text: string;
  /** Shown once more on its own, large. */
  code: string;
  /** Made clickable where it appears in the text. */
  link?: string;
  branding: MailBranding;
}

/** The accent when a tenant sets none: a neutral near-black. */
export const DEFAULT_ACCENT = '#24292f';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** WCAG 2 relative luminance of `#rrggbb`. */
export function relativeLuminance(hex: string): number {
  const channel = (at: number) => {
    const value = Number.parseInt(hex.slice(at, at + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(one: string, other: string): number {
  const [light, dark] = [relativeLuminance(one), relativeLuminance(other)].sort((a, b) => b - a);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

/**
 * Black or white, whichever contrasts more with the accent: any accent a tenant picks then carries its text
 * at 4.5:1 or better (the worse of the two is never below about 4.58:1 for the better one).
 */
export function textOn(accent: string): '#000000' | '#ffffff' {
  return contrastRatio(accent, '#000000') >= contrastRatio(accent, '#ffffff') ? '#000000' : '#ffffff';
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif";
const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";
// Dark grey on white (#1f2328 on #ffffff: 15.8:1) and a link blue that passes 4.5:1 on white (#0b57d0: 6.6:1).
const INK = '#1f2328';
const LINK = '#0b57d0';

/** One paragraph: escaped, line breaks kept, the link (if present in it) made clickable. */
function paragraph(text: string, link: string | undefined): string {
  const parts = link ? text.split(link) : [text];
  const anchor = link
    ? `<a href="${escapeHtml(link)}" style="color:${LINK};text-decoration:underline;overflow-wrap:anywhere;word-break:break-all">${escapeHtml(link)}</a>`
    : '';
  const body = parts.map((part) => escapeHtml(part).replace(/\n/g, '<br>')).join(anchor);
  return `<p style="margin:0 0 16px">${body}</p>`;
}

function header(branding: MailBranding, accent: string): string {
  const name = escapeHtml(branding.name);
  // With a logo, the name is its alt text (shown where images are blocked); without one, the name is text.
  const mark = branding.logoUrl
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${name}" height="40" style="display:block;height:40px;width:auto;max-width:100%;border:0">`
    : `<span style="font-size:20px;font-weight:600">${name}</span>`;
  return `<tr><td style="background:${accent};color:${textOn(accent)};padding:16px 24px;border-radius:8px 8px 0 0">${mark}</td></tr>`;
}

/**
 * The mail's HTML: one centred column at most 560 px wide that shrinks to the screen (no fixed widths, so
 * nothing scrolls sideways on a phone), presentation tables for mail clients without modern CSS, inline
 * styles (many clients drop `<style>`), the code as large selectable text (never an image, so it can be
 * copied and read aloud), and nothing to run.
 */
export function renderMailLayout(input: MailLayoutInput): string {
  const accent = input.branding.accentColor ?? DEFAULT_ACCENT;
  const paragraphs = input.text
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => paragraph(part, input.link));
  const code = `<p style="margin:8px 0 24px;text-align:center"><span class="code" style="display:inline-block;padding:12px 20px;border:2px solid ${accent};border-radius:8px;background:#f6f8fa;color:#111111;font-family:${MONO};font-size:32px;font-weight:700;line-height:1.2;letter-spacing:0.15em;overflow-wrap:anywhere;-webkit-user-select:all;user-select:all">${escapeHtml(input.code)}</span></p>`;
  return [
    `<!doctype html><html lang="${escapeHtml(input.locale)}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light"><meta name="supported-color-schemes" content="light">',
    `<title>${escapeHtml(input.title)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f4f4f5;color:${INK};font-family:${FONT};-webkit-text-size-adjust:100%">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5">',
    '<tr><td align="center" style="padding:24px 12px">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border-radius:8px;border-collapse:separate">',
    header(input.branding, accent),
    `<tr><td style="padding:24px;font-size:16px;line-height:1.5;color:${INK}">`,
    paragraphs[0] ?? '',
    code,
    ...paragraphs.slice(1),
    '</td></tr></table>',
    '</td></tr></table></body></html>',
  ].join('');
}
