// Use case rule: request-supplied text that lands in a message (a mail subject, a mail or SMS body) carries no
// character that could break out of its line or reorder what the recipient reads. Dialects refuse it with
// their own parameter error before anything is written or sent.

/**
 * What such text may not contain: every control character (Unicode `Cc`: C0 incl. TAB, CR and LF, DEL,
 * C1), the line and paragraph separators U+2028/U+2029 (`Zl`, `Zp`: line breaks to a mail client), and
 * every bidirectional control (`Bidi_Control`: the embeddings and overrides U+202A–U+202E, the isolates
 * U+2066–U+2069, and the marks U+061C, U+200E, U+200F), which can make a name read as something else.
 * Joiners (U+200C/U+200D) stay allowed: scripts and emoji need them.
 */
const UNSAFE_IN_MESSAGE = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

/** Whether request-supplied text may be put into a message as it is. */
export function isSafeMessageText(text: string): boolean {
  return !UNSAFE_IN_MESSAGE.test(text);
}
