// Address normalization: emails keyed trimmed and lower-cased, and as the canonical mailbox every limit counts;
// phones as E.164 via libphonenumber-js (mobile metadata).

import { brotliDecompressSync } from 'node:zlib';
import {
  type CountryCode,
  isSupportedCountry,
  type MetadataJson,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';
import packed from './phone-metadata.json';

let metadata: MetadataJson | undefined;

/**
 * The phone metadata every phone parse uses: libphonenumber-js's mobile metadata without the number
 * formats nothing here uses, shipped compressed (scripts/phone-metadata.ts) and inflated on the first
 * phone number a container parses — a request that names no phone never pays for it.
 */
export function phoneMetadata(): MetadataJson {
  metadata ??= JSON.parse(brotliDecompressSync(Buffer.from(packed.brotliBase64, 'base64')).toString('utf8'));
  return metadata as MetadataJson;
}

/**
 * zod's `z.email()` pattern (`regexes.email` of zod/v4/core), copied: importing it from zod brings all of zod's
 * patterns into every bundle (its `regexes` namespace is not tree-shaken, 6.5 KB). test/address-mask.test.ts holds
 * the copy to the installed zod's, source and flags.
 */
export const EMAIL_PATTERN =
  // biome-ignore lint/complexity/noUselessEscapeInRegex: zod's source as it is (the test compares the two)
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/**
 * A trimmed email if it is well formed (and at most 254 chars), else undefined. Well formed is zod's
 * `z.email()` pattern ({@link EMAIL_PATTERN}): every function parses emails, and the pattern is all that needs.
 */
export function parseEmail(raw: string): string | undefined {
  const email = raw.trim();
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) return undefined;
  return email;
}

/** The key form of an email address: the spelling a code, link or grant is bound to. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Domains whose mailboxes ignore dots in the local part and share one name: Gmail Help, "Dots don't
 * matter in Gmail addresses" (support.google.com/mail/answer/7436150); `googlemail.com` is the name
 * Gmail addresses had in Germany and the UK and still reaches the same inboxes.
 */
const GMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);

/**
 * The mailbox an email reaches, as every limit, failure cap, attempt record and the suppression list count
 * it: lower-cased; a `+tag` dropped for every domain (subaddressing, RFC 5233: Gmail, Outlook, iCloud,
 * Fastmail, Proton…); for Gmail also the dots of the local part, under one domain. Where a provider treats
 * two of these spellings as different mailboxes, they share one limit: over-counting is the safe side.
 * A `+` that starts the local part starts no tag (there would be no mailbox left). Codes, links and
 * grants stay bound to the spelling they were mailed to ({@link emailKey}), never to this.
 * Meant for what {@link parseEmail} admits: ASCII, no quoted local part (docs/architecture.md).
 */
export function canonicalMailbox(email: string): string {
  const lower = emailKey(email);
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const tag = local.indexOf('+', 1);
  if (tag > 0) local = local.slice(0, tag);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replaceAll('.', '') || local;
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

export interface ParsedPhone {
  e164: string;
  country: CountryCode | undefined;
  /** The country calling code, digits only (`44`). */
  callingCode: string;
}

/**
 * Phones are SMS destinations, so they are validated with libphonenumber's mobile metadata: a landline
 * can never receive a code, and refusing it up front costs no SMS (it is also smaller than `max`).
 *
 * Parses a phone number given as E.164 (`+8613800138000`) or as national digits with a calling code
 * (`86`, `+86`, `0086`). Undefined unless libphonenumber-js considers the number valid.
 */
export function parsePhone(phone: string, callingCode?: string): ParsedPhone | undefined {
  const digits = callingCode?.trim().replace(/^(\+|00)/, '');
  if (digits !== undefined && !/^\d{1,4}$/.test(digits)) return undefined;
  const text = digits === undefined ? phone.trim() : `+${digits}${phone.trim()}`;
  if (!/^\+\d{6,17}$/.test(text)) return undefined;
  const parsed = parsePhoneNumberFromString(text, phoneMetadata());
  if (!parsed?.isValid()) return undefined;
  return { e164: parsed.number, country: parsed.country, callingCode: parsed.countryCallingCode };
}

/**
 * Parses E.164, or bare national digits read as a number of `country` (ISO 3166-1 alpha-2) — for
 * dialects whose clients send local numbers without a calling code. Undefined unless valid.
 */
export function parsePhoneIn(raw: string, country: string | undefined): ParsedPhone | undefined {
  if (raw.startsWith('+')) return parsePhone(raw);
  if (!/^\d{4,17}$/.test(raw) || !country || !isSupportedCountry(country as CountryCode, phoneMetadata()))
    return undefined;
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode, phoneMetadata());
  return parsed?.isValid() ? parsePhone(parsed.number) : undefined;
}
