// Address normalization: emails keyed trimmed and lower-cased, phones as E.164 via libphonenumber-js (mobile metadata).
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import * as z from 'zod';

const emailSchema = z.email();

/** A trimmed email if it is well formed (and at most 254 chars), else undefined. */
export function parseEmail(raw: string): string | undefined {
  const email = raw.trim();
  if (email.length > 254 || !emailSchema.safeParse(email).success) return undefined;
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
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed?.isValid()) return undefined;
  return { e164: parsed.number, country: parsed.country };
}

/**
 * Parses E.164, or bare national digits read as a number of `country` (ISO 3166-1 alpha-2) — for
 * dialects whose clients send local numbers without a calling code. Undefined unless valid.
 */
export function parsePhoneIn(raw: string, country: string | undefined): ParsedPhone | undefined {
  if (raw.startsWith('+')) return parsePhone(raw);
  if (!/^\d{4,17}$/.test(raw) || !country || !isSupportedCountry(country)) return undefined;
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
  return parsed?.isValid() ? parsePhone(parsed.number) : undefined;
}
