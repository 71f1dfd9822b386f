// Known answers for lib/crypto.ts, computed independently with node:crypto (never with keyedHash itself):
// the `|` separator of every keyed hash at rest, and the formats of random codes, ids and tokens.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyedHash, randomCode, randomHex, randomToken, sha256Hex } from '../lib/crypto.ts';
import { addressRef, codeHash, grantHash, linkHash } from '../lib/engine/keys.ts';
import { tenantSchema } from '../lib/tenants/schema.ts';

const PEPPER = Buffer.from('known-answer-pepper-known-answer!');
const hmac = (text: string) => createHmac('sha256', PEPPER).update(text, 'utf8').digest('base64url');
const tenant = tenantSchema.parse({ id: 'demo', appName: 'Demo', mail: { from: 'no-reply@demo.test' } });

describe('keyedHash', () => {
  it('is HMAC-SHA256 over the parts joined by "|", as base64url', () => {
    const parts = ['demo', 'email', 'a@x.io', 'login', '123456'];
    expect(keyedHash(PEPPER, ...parts)).toBe(hmac('demo|email|a@x.io|login|123456'));
    // A literal, so the expectation does not even depend on this file's own use of node:crypto.
    expect(keyedHash(Buffer.from('k'), 'a', 'b')).toBe('4V0D6AqHOK4agzTEQZ6J6oZeg5Og-2oDNk9ivecFxKY');
  });

  it('tells apart two field splits of the same characters', () => {
    expect(keyedHash(PEPPER, 'ab', 'c')).not.toBe(keyedHash(PEPPER, 'a', 'bc'));
    expect(keyedHash(PEPPER, 'demo', 'email1', '23456')).not.toBe(
      keyedHash(PEPPER, 'demo', 'email', '123456'),
    );
    expect(keyedHash(PEPPER, 'abc')).not.toBe(keyedHash(PEPPER, 'ab', 'c'));
  });

  it('pins the separator of every hash the engine stores: address keys, codes, links and grants', () => {
    const key = 'a@x.io';
    expect(addressRef(PEPPER, tenant, 'email', key)).toEqual({
      tenantId: 'demo',
      channel: 'email',
      addrKey: hmac('addr|demo|email|a@x.io'),
    });
    expect(codeHash(PEPPER, tenant, 'sms', '+8613800138000', 'login', '123456')).toBe(
      hmac('demo|sms|+8613800138000|login|123456'),
    );
    expect(linkHash(PEPPER, tenant, 'email', key, 'register', 'tok')).toBe(
      hmac('link|demo|email|a@x.io|register|tok'),
    );
    expect(grantHash(PEPPER, tenant, key, 'reset_password', 'tok')).toBe(
      hmac('grant|demo|email|a@x.io|reset_password|tok'),
    );
  });
});

describe('sha256Hex', () => {
  it('is lowercase hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('codegate')).toBe(createHash('sha256').update('codegate').digest('hex'));
  });
});

describe('random values', () => {
  it('codes take only whole lengths from 4 to 10', () => {
    for (const length of [4, 5, 9, 10]) expect(randomCode(length)).toMatch(new RegExp(`^\\d{${length}}$`));
    for (const length of [3, 11, 4.5, Number.NaN]) {
      expect(() => randomCode(length)).toThrow(new RangeError('code length must be 4-10'));
    }
  });

  it('hex and token values have the asked number of random bytes in their encoding', () => {
    expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
    expect(randomHex(1)).toMatch(/^[0-9a-f]{2}$/);
    expect(randomToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(randomToken(32), 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 50 }, () => randomHex(8))).size).toBe(50);
    expect(new Set(Array.from({ length: 50 }, () => randomToken(32))).size).toBe(50);
  });
});
