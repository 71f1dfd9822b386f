// The phone metadata the functions ship (lib/phone-metadata.json: libphonenumber-js's mobile metadata without
// number formats, compressed) answers every parse exactly as the full mobile metadata does, and is current.
import { parsePhoneNumberFromString as parseLean } from 'libphonenumber-js/core';
import examples from 'libphonenumber-js/examples.mobile.json';
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString as parseFull,
} from 'libphonenumber-js/mobile';
import { describe, expect, it } from 'vitest';
import { parsePhone, parsePhoneIn, phoneMetadata } from '../lib/address.ts';
import { committedPhoneMetadata, leanMetadata, mobileMetadata } from '../scripts/phone-metadata.ts';

/** A small deterministic generator (xorshift32), so a failure names a reproducible number. */
function digits(seed: number) {
  let state = seed || 1;
  return (length: number) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out += String((state >>> 0) % 10);
    }
    return out;
  };
}

const view = (parsed: ReturnType<typeof parseFull>) =>
  parsed && {
    number: parsed.number,
    country: parsed.country,
    valid: parsed.isValid(),
    type: parsed.getType(),
  };

const COUNTRIES = getCountries();
const CALLING_CODES = [...new Set(COUNTRIES.map((country) => getCountryCallingCode(country)))];

describe('the shipped phone metadata', () => {
  it('is the installed libphonenumber-js mobile metadata without formats (npm run phone-metadata)', () => {
    expect(committedPhoneMetadata()).toEqual(leanMetadata(mobileMetadata()));
    expect(phoneMetadata()).toEqual(leanMetadata(mobileMetadata()));
  });

  it('knows the same countries and calling codes', () => {
    expect(getCountries()).toEqual(Object.keys(phoneMetadata().countries).sort());
    const lean = phoneMetadata().countries;
    for (const country of COUNTRIES) expect(lean[country]?.[0]).toBe(getCountryCallingCode(country));
  });

  it('parses every country’s example mobile number as the full metadata does, and as valid', () => {
    for (const [country, national] of Object.entries(examples)) {
      const e164 = `+${getCountryCallingCode(country as CountryCode)}${national}`;
      expect(view(parseLean(e164, phoneMetadata())), e164).toEqual(view(parseFull(e164)));
      expect(parsePhone(e164)?.e164, e164).toBe(parseFull(e164)?.number);
    }
  });

  it('answers 30,000 generated international and national numbers as the full metadata does', () => {
    const next = digits(20261201);
    let valid = 0;
    for (const code of CALLING_CODES) {
      for (let length = 4; length <= 14; length++) {
        for (let i = 0; i < 10; i++) {
          const e164 = `+${code}${next(length)}`;
          const full = parseFull(e164);
          expect(view(parseLean(e164, phoneMetadata())), e164).toEqual(view(full));
          if (full?.isValid()) valid++;
        }
      }
    }
    for (const country of COUNTRIES) {
      for (let length = 4; length <= 14; length++) {
        const national = next(length);
        const full = parseFull(national, country);
        expect(view(parseLean(national, country, phoneMetadata())), `${country} ${national}`).toEqual(
          view(full),
        );
        expect(parsePhoneIn(national, country)?.e164, `${country} ${national}`).toBe(
          full?.isValid() ? full.number : undefined,
        );
      }
    }
    // Near-misses of real mobile numbers: each example with its last four digits redrawn.
    for (const [country, national] of Object.entries(examples)) {
      for (let i = 0; i < 20; i++) {
        const e164 = `+${getCountryCallingCode(country as CountryCode)}${national.slice(0, -4)}${next(4)}`;
        const full = parseFull(e164);
        expect(view(parseLean(e164, phoneMetadata())), e164).toEqual(view(full));
        if (full?.isValid()) valid++;
      }
    }
    // The generated numbers reach both answers, so the comparison above is not only of refusals.
    expect(valid).toBeGreaterThan(2_000);
  });
});
