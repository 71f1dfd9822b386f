// Unit tests of lib/signature.ts: the seed-002 digest, constant-time case-insensitive checks, the window, the nonce key.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatSha256Hex,
  replayKey,
  timestampVerdict,
  verifyConcatSha256,
  verifySignedRequest,
} from '../lib/signature.ts';

const SECRET = '57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33';
const EXAMPLE = ['13800138000', '3', '76a6L647F02CAoN9', '1744773894369', SECRET] as const;
const REAL_DIGEST = 'adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891';
const SEED_PRINTED_DIGEST = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MINUTE = 60_000;

const independent = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('concatSha256Hex', () => {
  it("gives adf0cd13… for the seed's example inputs, as node:crypto does independently", () => {
    const joined = EXAMPLE.join('');
    expect(joined).toBe(
      '13800138000376a6L647F02CAoN9174477389436957Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33',
    );
    expect(independent(joined)).toBe(REAL_DIGEST);
    expect(concatSha256Hex(EXAMPLE)).toBe(REAL_DIGEST);
  });

  it("shows the seed's printed digest is SHA-256 of the empty string, not of the example", () => {
    expect(independent('')).toBe(SEED_PRINTED_DIGEST);
    expect(concatSha256Hex([])).toBe(SEED_PRINTED_DIGEST);
    expect(verifyConcatSha256(EXAMPLE, SEED_PRINTED_DIGEST)).toBe(false);
  });

  it('equals SHA-256 of the plain concatenation for any parts', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 6 }), (parts) => {
        expect(concatSha256Hex(parts)).toBe(independent(parts.join('')));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('verifyConcatSha256', () => {
  it('accepts the digest in lower, upper and mixed case', () => {
    expect(verifyConcatSha256(EXAMPLE, REAL_DIGEST)).toBe(true);
    expect(verifyConcatSha256(EXAMPLE, REAL_DIGEST.toUpperCase())).toBe(true);
    const mixed = [...REAL_DIGEST].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
    expect(verifyConcatSha256(EXAMPLE, mixed)).toBe(true);
  });

  it('refuses a digest with any one character changed', () => {
    for (let i = 0; i < REAL_DIGEST.length; i++) {
      const c = REAL_DIGEST[i] === '0' ? '1' : '0';
      const changed = REAL_DIGEST.slice(0, i) + c + REAL_DIGEST.slice(i + 1);
      expect(verifyConcatSha256(EXAMPLE, changed)).toBe(false);
    }
  });

  it('refuses anything that is not 64 hex characters (and never throws)', () => {
    for (const given of [
      '',
      REAL_DIGEST.slice(0, 63),
      `${REAL_DIGEST}0`,
      `${REAL_DIGEST.slice(0, 63)}g`,
      ' '.repeat(64),
    ]) {
      expect(verifyConcatSha256(EXAMPLE, given)).toBe(false);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (given) => {
        expect(verifyConcatSha256(EXAMPLE, given)).toBe(given.toLowerCase() === REAL_DIGEST);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses the right digest when one character of any part changes', () => {
    EXAMPLE.forEach((part, index) => {
      const changed: string[] = [...EXAMPLE];
      changed[index] = (part[0] === 'x' ? 'y' : 'x') + part.slice(1);
      expect(verifyConcatSha256(changed, REAL_DIGEST)).toBe(false);
    });
  });

  it('compares in constant time: it uses timingSafeEqual over decoded bytes', async () => {
    // Behavioural timing is too noisy to assert; pin the implementation instead. The pattern stops before
    // the encoding argument because mutation testing (stryker.config.mjs) runs this suite against an
    // instrumented copy, where every literal is wrapped in a mutant switch; the hex decoding itself is
    // pinned by the mixed-case test above.
    const source = await import('node:fs').then((fs) => fs.readFileSync('lib/signature.ts', 'utf8'));
    expect(source).toMatch(/timingSafeEqual\(expected, Buffer\.from\(given, /);
    expect(source).not.toMatch(/===\s*given|given\s*===/);
  });
});

describe('timestampVerdict', () => {
  const now = 1_744_773_894_369;
  it('is fresh within ±10 minutes inclusive, stale or ahead beyond', () => {
    expect(timestampVerdict(now, now, 10 * MINUTE)).toBe('fresh');
    expect(timestampVerdict(now - 10 * MINUTE, now, 10 * MINUTE)).toBe('fresh');
    expect(timestampVerdict(now + 10 * MINUTE, now, 10 * MINUTE)).toBe('fresh');
    expect(timestampVerdict(now - 10 * MINUTE - 1, now, 10 * MINUTE)).toBe('stale');
    expect(timestampVerdict(now + 10 * MINUTE + 1, now, 10 * MINUTE)).toBe('ahead');
    expect(timestampVerdict(now - 11 * MINUTE, now, 10 * MINUTE)).toBe('stale');
    expect(timestampVerdict(now + 11 * MINUTE, now, 10 * MINUTE)).toBe('ahead');
  });
});

describe('verifySignedRequest', () => {
  const ts = Number(EXAMPLE[3]);
  const request = { parts: EXAMPLE, signature: REAL_DIGEST, timestampMs: ts };

  it("passes the seed's example at its own time and refuses it 11 minutes either side", () => {
    expect(verifySignedRequest(request, ts, 10 * MINUTE)).toBeUndefined();
    expect(verifySignedRequest(request, ts + 11 * MINUTE, 10 * MINUTE)).toBe('stale');
    expect(verifySignedRequest(request, ts - 11 * MINUTE, 10 * MINUTE)).toBe('ahead');
  });

  it('says mismatch for a fresh request with a wrong signature', () => {
    expect(verifySignedRequest({ ...request, signature: SEED_PRINTED_DIGEST }, ts, 10 * MINUTE)).toBe(
      'mismatch',
    );
  });
});

describe('replayKey', () => {
  it('names tenant and nonce, and outlives every timestamp the window still accepts', () => {
    const now = 1_744_773_894_369;
    const key = replayKey('demo', '76a6L647F02CAoN9', now, 10 * MINUTE);
    expect(key.key).toBe('sig#demo#76a6L647F02CAoN9');
    // The oldest acceptable ts is now − 10 min, which passes until now + 20 min.
    expect(key.until).toBeGreaterThan(now + 20 * MINUTE);
    expect(key.until).toBeLessThanOrEqual(now + 25 * MINUTE);
  });
});
