// Unit tests for the security helpers, normalization, masking, templates, configuration and tenant files.
import { describe, expect, it } from 'vitest';
import { parseEmail, parsePhone } from '../lib/address.ts';
import { readConfig } from '../lib/config.ts';
import { keyedHash, randomCode, safeEqual } from '../lib/crypto.ts';
import { renderTemplate } from '../lib/delivery/templates.ts';
import { matchLocale, PURPOSES } from '../lib/domain/vocabulary.ts';
import { maskEmail, maskPhone } from '../lib/mask.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile, parseTenants } from '../lib/tenants/load.ts';

describe('randomCode', () => {
  it('draws every digit in every position, keeps leading zeros, and has the asked length', () => {
    const draws = Array.from({ length: 20_000 }, () => randomCode(6));
    expect(draws.every((code) => /^\d{6}$/.test(code))).toBe(true);
    for (let position = 0; position < 6; position++) {
      const counts = new Array(10).fill(0);
      for (const code of draws) counts[Number(code[position])]++;
      // Uniform: each digit ~2,000 times per position; a generator that skipped 9 (randInt(0, 9)) fails here.
      for (const count of counts) expect(count).toBeGreaterThan(1700);
    }
    expect(draws.some((code) => code.startsWith('0'))).toBe(true);
    expect(randomCode(4)).toMatch(/^\d{4}$/);
    expect(randomCode(10)).toMatch(/^\d{10}$/);
    expect(() => randomCode(3)).toThrow(RangeError);
    expect(() => randomCode(11)).toThrow(RangeError);
  });
});

describe('keyed hashes and compares', () => {
  it('depend on the pepper and on every part', () => {
    const pepper = Buffer.from('p'.repeat(32));
    const base = keyedHash(pepper, 'demo', 'email', 'a@x.io', 'login', '123456');
    expect(base).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keyedHash(Buffer.from('q'.repeat(32)), 'demo', 'email', 'a@x.io', 'login', '123456')).not.toBe(
      base,
    );
    expect(keyedHash(pepper, 'demo', 'email', 'a@x.io', 'register', '123456')).not.toBe(base);
    expect(keyedHash(pepper, 'demo', 'email', 'a@x.io', 'login', '123457')).not.toBe(base);
  });

  it('safeEqual compares exactly, including different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('addresses', () => {
  it('accept well-formed emails, trimmed, and refuse the rest', () => {
    expect(parseEmail('  Alice@Example.com ')).toBe('Alice@Example.com');
    for (const bad of [
      '',
      'alice',
      'a@b',
      '@example.com',
      'a b@example.com',
      `${'a'.repeat(250)}@example.com`,
    ]) {
      expect(parseEmail(bad)).toBeUndefined();
    }
  });

  it('parse phones to E.164 with a calling code in any common form', () => {
    for (const code of ['86', '+86', '0086']) {
      expect(parsePhone('13800138000', code)).toEqual({
        e164: '+8613800138000',
        country: 'CN',
        callingCode: '86',
      });
    }
    expect(parsePhone('+14155550123')?.country).toBe('US');
    expect(parsePhone('12345', '86')).toBeUndefined();
    expect(parsePhone('138-0013-8000', '86')).toBeUndefined();
    expect(parsePhone('13800138000', 'abc')).toBeUndefined();
  });

  it('refuse numbers that cannot receive an SMS: landlines and invalid mobile ranges', () => {
    expect(parsePhone('+442071838750')).toBeUndefined(); // London landline
    expect(parsePhone('+33123456789')).toBeUndefined(); // Paris landline
    expect(parsePhone('+8612345678901')).toBeUndefined(); // no such CN mobile range
    expect(parsePhone('+447400123456')?.country).toBe('GB');
    expect(parsePhone('+33612345678')?.country).toBe('FR');
  });
});

describe('masking', () => {
  it('hides all but the first letter of an email and the middle of a phone', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskPhone('+8613800138000')).toBe('+86138****8000');
    expect(maskPhone('+14155550123')).not.toContain('4155550');
  });
});

describe('templates', () => {
  it('name the app, the code and the validity in every purpose and locale', () => {
    for (const purpose of PURPOSES) {
      for (const locale of ['en', 'zh-CN'] as const) {
        const mail = renderTemplate({
          appName: 'Acme',
          channel: 'email',
          purpose,
          locale,
          code: '012345',
          minutes: 10,
        });
        expect(mail.subject).toContain('Acme');
        expect(mail.text).toContain('012345');
        expect(mail.text).toContain('10');
        expect(mail.html).toContain('012345');
        const sms = renderTemplate({
          appName: 'Acme',
          channel: 'sms',
          purpose,
          locale,
          code: '012345',
          minutes: 5,
        });
        expect(sms.subject).toBeUndefined();
        expect(sms.html).toBeUndefined();
        expect(sms.text).toContain('012345');
      }
    }
  });

  it('escape HTML and apply tenant overrides', () => {
    const mail = renderTemplate({
      appName: '<script>',
      channel: 'email',
      purpose: 'login',
      locale: 'en',
      code: '111111',
      minutes: 10,
      link: 'https://x.test/?a=1&b=2',
      override: { subject: 'Hi from {app}' },
    });
    expect(mail.subject).toBe('Hi from <script>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('a=1&#38;b=2');
    expect(mail.text).toContain('https://x.test/?a=1&b=2');
  });

  it('pick locales from hints', () => {
    expect(matchLocale('zh')).toBe('zh-CN');
    expect(matchLocale('zh-Hans')).toBe('zh-CN');
    expect(matchLocale('fr-FR,en;q=0.8')).toBe('en');
    expect(matchLocale('fr')).toBeUndefined();
    expect(matchLocale(undefined)).toBeUndefined();
  });
});

describe('configuration', () => {
  it('fails the cold start with a message naming what is missing', () => {
    expect(() => readConfig({})).toThrow(/TABLE_NAME/);
    expect(() => readConfig({ TABLE_NAME: 'codegate' })).toThrow(/PEPPER_SECRET_ARN/);
    expect(() => readConfig({ TABLE_NAME: 'codegate', PEPPER: 'x'.repeat(32), DELIVERY: 'pigeon' })).toThrow(
      /DELIVERY/,
    );
    expect(readConfig({ TABLE_NAME: 'codegate', PEPPER_SECRET_ARN: 'arn:x' }).DELIVERY).toBe('aws');
  });
});

describe('tenant files', () => {
  it('the demo file holds the two demo tenants of SPEC §4', async () => {
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    expect(tenants.map((tenant) => tenant.id)).toEqual(['demo', 'other']);
    const [demo] = tenants;
    expect(demo?.aliases.userDomains).toEqual(['C.DM.5903.1']);
    expect(demo?.limits).toMatchObject({ cooldownSeconds: 60, perAddress: { limit: 5, windowSeconds: 600 } });
    expect(demo?.codes).toMatchObject({ length: 6, maxAttempts: 5, ttlSeconds: { email: 600, sms: 300 } });
  });

  it('reject bad JSON, bad fields and an alias owned by two tenants, naming the problem', () => {
    expect(() => parseTenants('{', 'x.json')).toThrow(/x.json: not valid JSON/);
    expect(() => parseTenants('{"tenants":[{"id":"A","appName":"a","mail":{"from":"a@b.c"}}]}')).toThrow(
      /tenants\[0\]\.id/,
    );
    const twice = {
      tenants: [
        { id: 'one', appName: 'One', mail: { from: 'a@b.c' }, aliases: { userDomains: ['X'] } },
        { id: 'two', appName: 'Two', mail: { from: 'a@b.c' }, aliases: { userDomains: ['X'] } },
      ],
    };
    expect(() => parseTenants(JSON.stringify(twice))).toThrow(/userDomain:X belongs to both one and two/);
  });
});

describe('the leak detector the suite relies on', () => {
  it('finds codes and tokens standing on their own, not digit runs inside ids', async () => {
    const { leaks } = await import('./helpers/leaks.ts');
    expect(leaks('Your code is 834617.', '834617')).toBe(true);
    expect(leaks('{"code":"834617"}', '834617')).toBe(true);
    expect(leaks('?token=abc-DEF_123&email=x', 'abc-DEF_123')).toBe(true);
    expect(leaks('"id":"vf_e01.aa8e948346174024"', '834617')).toBe(false);
    expect(leaks('"timeEpoch":1795338346170', '834617')).toBe(false);
  });
});
