// Test helper: does a text hold a secret (code, token) as a token of its own?

/**
 * True when `secret` occurs in `text` not flanked by a letter or digit. A 6-digit code found inside a
 * hex request id or a 13-digit timestamp is chance, not a leak; a code after `is `, `=` or a quote is.
 */
export function leaks(text: string, secret: string): boolean {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(text);
}
