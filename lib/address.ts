// Address normalization: emails keyed trimmed and lower-cased, phones as E.164 via libphonenumber-js (mobile metadata).

import { brotliDecompressSync } from 'node:zlib';
import {
  type CountryCode,
  isSupportedCountry,
  type MetadataJson,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';
import { regexes } from 'zod/v4/core';
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
 * A trimmed email if it is well formed (and at most 254 chars), else undefined. Well formed is zod's
 * `z.email()` pattern, used directly: every function parses emails, and the pattern is all that needs.
 */
export function parseEmail(raw: string): string | undefined {
  const email = raw.trim();
  if (email.length > 254 || !regexes.email.test(email)) return undefined;
  return email;
}

/** The key form of an email address. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export interface ParsedPhone {
  e164: string;
  country: CountryCode | undefined;
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
  return { e164: parsed.number, country: parsed.country };
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
