// Suppression keys: how a suppressed address is named at rest — a keyed hash of the channel and the normalized
// address, shared by every tenant (a bounce is a property of the mailbox, not of the app that mailed it).
import { emailKey, parseEmail, parsePhone } from '../address.ts';
import { keyedHash } from '../crypto.ts';
import type { Channel } from '../domain/vocabulary.ts';

/**
 * The suppression key of an already normalized address (the engine's `normalize(…).key`: a lower-cased
 * email or an E.164 phone). Keyed with the pepper, so the table holds no address and a send computes the
 * key from its own input without any read.
 */
export function suppressionKey(pepper: Buffer, channel: Channel, normalized: string): string {
  return keyedHash(pepper, 'suppress', channel, normalized);
}

/** The normalized form of a raw address for the channel (as the engine keys it), or undefined if invalid. */
export function normalizedAddress(channel: Channel, raw: string): string | undefined {
  if (channel === 'email') {
    const email = parseEmail(raw);
    return email && emailKey(email);
  }
  return parsePhone(raw)?.e164;
}
