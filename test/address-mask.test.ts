// Boundaries of lib/address.ts and lib/mask.ts: format anchors, calling-code length, the 254-character
// email limit and its pattern (zod's, copied), and the masks' fallbacks for short or odd input (mutation testing
// found each untested).
import { describe, expect, it } from 'vitest';
import { regexes } from 'zod/v4/core';
import { EMAIL_PATTERN, emailKey, parseEmail, parsePhone, parsePhoneIn } from '../lib/address.ts';
import { maskAddress, maskEmail, maskPhone } from '../lib/mask.ts';

/** A well-formed address of exactly `length` characters (labels within 63, local part within 64). */
function emailOfLength(length: number): string {
  const local = 'a'.repeat(64);
  const fixed = `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.`;
  const last = length - fixed.length - '.com'.length;
  return `${fixed}${'d'.repeat(last)}.com`;
}

describe('parseEmail', () => {
  it('accepts a well-formed address of exactly 254 characters and refuses 255', () => {
    const longest = emailOfLength(254);
    expect(longest).toHaveLength(254);
    expect(parseEmail(longest)).toBe(longest);
    // Surrounding blanks do not count towards the limit.
    expect(parseEmail(`  ${longest} `)).toBe(longest);
    const tooLong = emailOfLength(255);
    expect(tooLong).toHaveLength(255);
    expect(parseEmail(tooLong)).toBeUndefined();
  });

  it('checks zod’s z.email() pattern: the copy is the installed zod’s, source and flags', () => {
    expect(EMAIL_PATTERN.source).toBe(regexes.email.source);
    expect(EMAIL_PATTERN.flags).toBe(regexes.email.flags);
  });

  it('keys an address trimmed and lower-cased', () => {
    expect(emailKey('  Alice@Example.COM ')).toBe('alice@example.com');
  });
});

describe('parsePhone', () => {
  it('refuses text before or after an otherwise valid E.164 number', () => {
    expect(parsePhone('+14155550123')).toEqual({ e164: '+14155550123', country: 'US', callingCode: '1' });
    expect(parsePhone('abc+14155550123')).toBeUndefined();
    expect(parsePhone('+14155550123abc')).toBeUndefined();
    expect(parsePhone('14155550123')).toBeUndefined();
  });

  it('trims the number and the calling code', () => {
    expect(parsePhone(' +8613800138000 ')).toEqual({
      e164: '+8613800138000',
      country: 'CN',
      callingCode: '86',
    });
    expect(parsePhone(' 13800138000 ', ' 86 ')).toEqual({
      e164: '+8613800138000',
      country: 'CN',
      callingCode: '86',
    });
  });

  it('takes calling codes of 1 to 4 digits, with one leading + or 00 only', () => {
    expect(parsePhone('4155550123', '1')).toEqual({ e164: '+14155550123', country: 'US', callingCode: '1' });
    // 86138 + 00138000 would spell a valid Chinese mobile: a 5-digit calling code must not pass.
    expect(parsePhone('00138000', '86138')).toBeUndefined();
    expect(parsePhone('13800138000', '8+6')).toBeUndefined();
    expect(parsePhone('13800138000', '+')).toBeUndefined();
    expect(parsePhone('13800138000', '')).toBeUndefined();
    // Digits that would be a valid E.164 number on their own still need a calling code when one is asked.
    for (const empty of ['', '+', '00', ' ']) expect(parsePhone('14155550123', empty)).toBeUndefined();
  });

  it('answers undefined, never throws, for numbers libphonenumber cannot parse at all', () => {
    expect(() => parsePhone('+0001234567')).not.toThrow();
    expect(parsePhone('+0001234567')).toBeUndefined();
    expect(parsePhone('1234567', '000')).toBeUndefined();
  });

  it('holds E.164 to 6-17 digits before asking libphonenumber', () => {
    expect(parsePhone('+12345')).toBeUndefined();
    expect(parsePhone(`+86${'1'.repeat(16)}`)).toBeUndefined();
  });
});

describe('parsePhoneIn', () => {
  it('reads E.164 as it is and bare national digits in the given country', () => {
    expect(parsePhoneIn('+14155550123', undefined)).toEqual({
      e164: '+14155550123',
      country: 'US',
      callingCode: '1',
    });
    // A leading + means E.164 whatever the country says.
    expect(parsePhoneIn('+447400123456', 'US')).toEqual({
      e164: '+447400123456',
      country: 'GB',
      callingCode: '44',
    });
    expect(parsePhoneIn('+4155550123', 'US')).toBeUndefined();
    expect(parsePhoneIn('4155550123', 'US')).toEqual({
      e164: '+14155550123',
      country: 'US',
      callingCode: '1',
    });
    expect(parsePhoneIn('07400123456', 'GB')).toEqual({
      e164: '+447400123456',
      country: 'GB',
      callingCode: '44',
    });
  });

  it('refuses formatting, stray text, landlines and unknown or missing countries', () => {
    expect(parsePhoneIn('abc+14155550123', 'US')).toBeUndefined();
    expect(parsePhoneIn('+14155550123abc', 'US')).toBeUndefined();
    expect(parsePhoneIn('x4155550123', 'US')).toBeUndefined();
    expect(parsePhoneIn('4155550123x', 'US')).toBeUndefined();
    expect(parsePhoneIn('415-555-0123', 'US')).toBeUndefined();
    expect(parsePhoneIn('2071838750', 'GB')).toBeUndefined(); // London landline
    expect(parsePhoneIn('4155550123', 'ZZ')).toBeUndefined();
    expect(parsePhoneIn('4155550123', undefined)).toBeUndefined();
    // GB's international prefix and too few digits after it: libphonenumber parses nothing at all.
    expect(parsePhoneIn('0011', 'GB')).toBeUndefined();
  });
});

describe('maskEmail', () => {
  it('shows only the first character and the domain', () => {
    expect(maskEmail('a@x.io')).toBe('a***@x.io');
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
  });

  it('shows nothing of a string without a local part or without @', () => {
    expect(maskEmail('alice')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
  });
});

describe('maskPhone', () => {
  it('keeps the last four digits only from 8 digits up', () => {
    expect(maskPhone('+12345678')).toBe('+****5678');
    expect(maskPhone('+1234567')).toBe('+*******');
  });

  it('hides numbers under 4 digits entirely, without throwing', () => {
    expect(maskPhone('+123')).toBe('+***');
    expect(maskPhone('+1')).toBe('+*');
    expect(maskPhone('')).toBe('+');
  });

  it('drops only a leading +', () => {
    expect(maskPhone('8613800138000')).toBe('+86138****8000');
    expect(maskPhone('12345+678901')).toBe('+1234****8901');
  });
});

describe('maskAddress', () => {
  it('masks by channel', () => {
    expect(maskAddress('email', 'alice@example.com')).toBe('a***@example.com');
    expect(maskAddress('sms', '+8613800138000')).toBe('+86138****8000');
  });
});
