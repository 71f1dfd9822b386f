// Twilio dialect: telling a landline (60205) from a number that is not valid at all (60200).
import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import { phoneMetadata } from '../../address.ts';

/**
 * Whether an E.164 number is a real number of its country but not a mobile one. The mobile metadata
 * (already in every bundle) keeps each country's general number pattern beside the mobile ranges, so a
 * number that matches the general pattern yet no mobile range is a landline, toll-free or similar: a
 * number that cannot receive the code by SMS. (Where the two coincide, as in the US, nothing is told apart.)
 */
export function isLandline(e164: string): boolean {
  if (!/^\+\d{6,17}$/.test(e164)) return false;
  const metadata = phoneMetadata();
  const parsed = parsePhoneNumberFromString(e164, metadata);
  if (!parsed || parsed.isValid()) return false;
  const countries = metadata.country_calling_codes[parsed.countryCallingCode] ?? [];
  return countries.some((country) => {
    const general: unknown = metadata.countries[country]?.[2];
    return typeof general === 'string' && new RegExp(`^(?:${general})$`).test(parsed.nationalNumber);
  });
}
