// Suppression keys: how a suppressed address is named at rest — a keyed hash of the channel and the canonical
// mailbox, shared by every tenant (a bounce is a property of the mailbox, not of the app that mailed it).
import { canonicalMailbox, parseEmail, parsePhone } from '../address.ts';
import { keyedHash } from '../crypto.ts';
import type { Channel } from '../domain/vocabulary.ts';

/**
 * The suppression key of a canonical mailbox (the engine's `normalize(…).mailbox`: lib/address.ts
 * `canonicalMailbox` of an email, or an E.164 phone). Keyed with the pepper, so the table holds no address
 * and a send computes the key from its own input without any read.
 */
export function suppressionKey(pepper: Buffer, channel: Channel, mailbox: string): string {
  return keyedHash(pepper, 'suppress', channel, mailbox);
}

/**
 * The canonical mailbox of a raw address for the channel (as the engine's limits count it), or undefined if
 * invalid: a complaint about `x@example.com` suppresses `x+1@example.com` too, and one about
 * `v.ictim@gmail.com` every spelling of that Gmail inbox.
 */
export function normalizedAddress(channel: Channel, raw: string): string | undefined {
  if (channel === 'email') {
    const email = parseEmail(raw);
    return email && canonicalMailbox(email);
  }
  return parsePhone(raw)?.e164;
}
