// Unit tests of lib/session.ts: what "logged in" means for the Fresns dialect (SPEC §6.2).
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifySession } from '../lib/session.ts';
import { tenantSchema } from '../lib/tenants/schema.ts';

const SECRET = 'demo-session-secret';
const tenant = tenantSchema.parse({
  id: 'demo',
  appName: 'Demo',
  mail: { from: 'no-reply@demo.test' },
  sessionTokenSecret: SECRET,
});
const key = (secret: string) => new TextEncoder().encode(secret);
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function sign(
  claims: Record<string, unknown>,
  options: { secret?: string; alg?: string; exp?: number | null } = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? nowSeconds() + 3600);
  return jwt.sign(key(options.secret ?? SECRET));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifySession', () => {
  it('accepts an unexpired HS256 token whose aid matches the header', async () => {
    const token = await sign({ aid: '1001' });
    const session = await verifySession(tenant, { aid: '1001', token });
    expect(session?.aid).toBe('1001');
    expect(session?.uid).toBeUndefined();
    expect(session?.expiresAt).toBeGreaterThan(Date.now());
  });

  it('accepts integer aid/uid claims compared as their decimal text', async () => {
    const token = await sign({ aid: 1001, uid: 42 });
    expect(await verifySession(tenant, { aid: '1001', uid: '42', token })).toMatchObject({
      aid: '1001',
      uid: '42',
    });
  });

  it('requires the uid claim to match when a uid header is given', async () => {
    const token = await sign({ aid: '1001', uid: '7' });
    expect(await verifySession(tenant, { aid: '1001', uid: '8', token })).toBeUndefined();
    expect(await verifySession(tenant, { aid: '1001', uid: '7', token })).toBeDefined();
    const withoutUid = await sign({ aid: '1001' });
    expect(await verifySession(tenant, { aid: '1001', uid: '7', token: withoutUid })).toBeUndefined();
  });

  it('refuses a token whose aid claim differs from the header, or with no aid header', async () => {
    const token = await sign({ aid: '1001' });
    expect(await verifySession(tenant, { aid: '1002', token })).toBeUndefined();
    expect(await verifySession(tenant, { token })).toBeUndefined();
    expect(await verifySession(tenant, { aid: '1001' })).toBeUndefined();
    const noAidClaim = await sign({ sub: '1001' });
    expect(await verifySession(tenant, { aid: '1001', token: noAidClaim })).toBeUndefined();
  });

  it('refuses expired tokens, tokens without exp, and tokens not yet valid', async () => {
    const expired = await sign({ aid: '1001' }, { exp: nowSeconds() - 5 });
    expect(await verifySession(tenant, { aid: '1001', token: expired })).toBeUndefined();
    const noExp = await sign({ aid: '1001' }, { exp: null });
    expect(await verifySession(tenant, { aid: '1001', token: noExp })).toBeUndefined();
    const early = await new SignJWT({ aid: '1001' })
      .setProtectedHeader({ alg: 'HS256' })
      .setNotBefore(nowSeconds() + 600)
      .setExpirationTime(nowSeconds() + 3600)
      .sign(key(SECRET));
    expect(await verifySession(tenant, { aid: '1001', token: early })).toBeUndefined();
  });

  it('judges expiry at the given time', async () => {
    const token = await sign({ aid: '1001' }, { exp: nowSeconds() + 60 });
    expect(await verifySession(tenant, { aid: '1001', token })).toBeDefined();
    const later = new Date(Date.now() + 120_000);
    expect(await verifySession(tenant, { aid: '1001', token }, later)).toBeUndefined();
  });

  it('refuses another secret, another HMAC algorithm and alg "none"', async () => {
    const foreign = await sign({ aid: '1001' }, { secret: 'other-session-secret' });
    expect(await verifySession(tenant, { aid: '1001', token: foreign })).toBeUndefined();
    const hs512 = await sign({ aid: '1001' }, { alg: 'HS512' });
    expect(await verifySession(tenant, { aid: '1001', token: hs512 })).toBeUndefined();
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aid: '1001', exp: nowSeconds() + 600 })}.`;
    expect(await verifySession(tenant, { aid: '1001', token: none })).toBeUndefined();
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const token = await sign({ aid: '1002' });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64({ aid: '1001', exp: nowSeconds() + 600 })}.${signature}`;
    expect(await verifySession(tenant, { aid: '1001', token: forged })).toBeUndefined();
  });

  it('treats a tenant without a session secret as nobody logged in', async () => {
    const bare = tenantSchema.parse({ id: 'bare', appName: 'Bare', mail: { from: 'x@bare.test' } });
    const token = await sign({ aid: '1001' });
    expect(await verifySession(bare, { aid: '1001', token })).toBeUndefined();
  });

  it('refuses oversized tokens before parsing them', async () => {
    const token = await sign({ aid: '1001', pad: 'x'.repeat(5000) });
    expect(await verifySession(tenant, { aid: '1001', token })).toBeUndefined();
  });

  it('never throws on arbitrary headers (fuzz)', async () => {
    const valid = await sign({ aid: '1001' });
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.constant(valid),
          fc.string({ maxLength: 20 }).map((tail) => valid + tail),
          fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.')),
        ),
        async (aid, uid, token) => {
          const session = await verifySession(tenant, { aid, uid, token });
          if (session) expect(session.aid).toBe('1001');
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** A token signed for `aid` that is exactly `length` characters long (padded with an ignored claim). */
async function tokenOfLength(length: number, claims: Record<string, unknown> = { aid: '1001' }) {
  const exp = nowSeconds() + 3600;
  const signed = (pad: number, extra: object) =>
    new SignJWT({ ...claims, ...extra, pad: 'p'.repeat(pad) })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(exp)
      .sign(key(SECRET));
  // Three pad characters make four base64url characters: start just short of the target.
  const start = Math.max(0, Math.floor(((length - (await signed(0, {})).length) * 3) / 4) - 4);
  for (let pad = start; pad < start + 12; pad++) {
    for (const extra of [{}, { x: 1 }]) {
      const token = await signed(pad, extra);
      if (token.length === length) return token;
    }
  }
  throw new Error(`no token of length ${length}`);
}

describe('verifySession claim typing', () => {
  it('refuses aid claims that are neither strings nor safe integers, whatever their text', async () => {
    const cases: [unknown, string][] = [
      [undefined, 'undefined'],
      [null, 'null'],
      [1001.5, '1001.5'],
      [['1001'], '1001'],
      [{ toString: '1001' }, '[object Object]'],
      [true, 'true'],
      [2 ** 53, String(2 ** 53)],
    ];
    for (const [claim, text] of cases) {
      const token = await sign(claim === undefined ? { sub: 'x' } : { aid: claim });
      expect(await verifySession(tenant, { aid: text, token }), `aid claim ${JSON.stringify(claim)}`).toBe(
        undefined,
      );
    }
  });

  it('refuses uid claims that are neither strings nor safe integers', async () => {
    for (const [claim, text] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [7.5, '7.5'],
      [['7'], '7'],
    ] as [unknown, string][]) {
      const token = await sign(claim === undefined ? { aid: '1001' } : { aid: '1001', uid: claim });
      expect(await verifySession(tenant, { aid: '1001', uid: text, token })).toBeUndefined();
    }
    const token = await sign({ aid: '1001', uid: 7 });
    expect(await verifySession(tenant, { aid: '1001', uid: '7', token })).toMatchObject({ uid: '7' });
  });

  it('trims the aid and uid headers, and treats a blank uid header as absent', async () => {
    const token = await sign({ aid: '1001', uid: '7' });
    expect(await verifySession(tenant, { aid: ' 1001 ', uid: ' 7 ', token })).toMatchObject({
      aid: '1001',
      uid: '7',
    });
    const session = await verifySession(tenant, { aid: '1001', uid: '  ', token });
    expect(session).toBeDefined();
    expect(session && 'uid' in session).toBe(false);
    expect(await verifySession(tenant, { aid: '   ', token })).toBeUndefined();
  });

  it('reports the token expiry in milliseconds', async () => {
    const exp = nowSeconds() + 900;
    const token = await sign({ aid: '1001' }, { exp });
    expect(await verifySession(tenant, { aid: '1001', token })).toEqual({
      aid: '1001',
      expiresAt: exp * 1000,
    });
  });
});

describe('verifySession length caps', () => {
  it('accepts aid and uid headers of 128 characters and refuses 129', async () => {
    const [aid128, uid128] = ['a'.repeat(128), 'u'.repeat(128)];
    const ok = await sign({ aid: aid128, uid: uid128 });
    expect(await verifySession(tenant, { aid: aid128, uid: uid128, token: ok })).toMatchObject({
      aid: aid128,
      uid: uid128,
    });
    const [aid129, uid129] = [`${aid128}a`, `${uid128}u`];
    const longAid = await sign({ aid: aid129 });
    expect(await verifySession(tenant, { aid: aid129, token: longAid })).toBeUndefined();
    const longUid = await sign({ aid: aid128, uid: uid129 });
    expect(await verifySession(tenant, { aid: aid128, uid: uid129, token: longUid })).toBeUndefined();
  });

  it('accepts a token of 4,096 characters and refuses one of 4,097', async () => {
    const longest = await tokenOfLength(4096);
    expect(await verifySession(tenant, { aid: '1001', token: longest })).toMatchObject({ aid: '1001' });
    const tooLong = await tokenOfLength(4097);
    expect(await verifySession(tenant, { aid: '1001', token: tooLong })).toBeUndefined();
  });
});

describe('verifySession token handling', () => {
  it('ignores blanks around the token', async () => {
    const token = await sign({ aid: '1001' });
    expect(await verifySession(tenant, { aid: '1001', token: ` ${token}\n` })).toMatchObject({ aid: '1001' });
  });

  it('refuses an exp claim that is not a number', async () => {
    const token = await new SignJWT({ aid: '1001', exp: String(nowSeconds() + 600) as never })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key(SECRET));
    expect(await verifySession(tenant, { aid: '1001', token })).toBeUndefined();
  });
});
