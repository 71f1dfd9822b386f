// Issue 20, item 2: every answer that tells whether an address belongs to an account spends the client IP's
// send counter — also Fresns useType 3 ("fill in"), where the caller is logged in: a session is cheap to
// hold, and with it 34205/34206 would otherwise answer for every address of the directory, unmetered.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTenantsWithPerIp, startService, type TestService } from './helpers/service.ts';

const PER_IP = 3;
let service: TestService;

beforeAll(async () => {
  service = await startService({ tenants: await demoTenantsWithPerIp(PER_IP) });
});
afterAll(async () => {
  await service?.stop();
});

/** Login headers for demo account 1002 (bob@example.com, no phone), as the Fresns app server issues them. */
async function loginAsBob(): Promise<Record<string, string>> {
  const token = await new SignJWT({ aid: '1002' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode('demo-session-secret'));
  return { aid: '1002', token };
}

const fillIn = (ip: string, login: Record<string, string>, body: Record<string, unknown>) =>
  service.request('POST', '/api/v2/common/send-verify-code', {
    headers: { 'x-forwarded-for': ip, ...login },
    json: { useType: 3, templateId: 4, ...body },
  });
const probeEmail = (ip: string, login: Record<string, string>, account: string) =>
  fillIn(ip, login, { type: 'email', account });

describe('Fresns useType 3: "already used" is an existence answer', () => {
  it('34205 answers spend the per-IP limit; then 33201 for used and unused addresses alike, and no send', async () => {
    const login = await loginAsBob();
    const ip = '192.0.2.51';
    for (let i = 0; i < PER_IP; i++)
      expect((await probeEmail(ip, login, 'alice@example.com')).body.code).toBe(34205);

    expect((await probeEmail(ip, login, 'alice@example.com')).body).toEqual({
      code: 33201,
      message:
        'Send the Verify code too often, please try again later (the limit of sends from one client IP address)',
      data: null,
    });
    // An unused address now answers the same: the refusal tells nothing about accounts.
    expect((await probeEmail(ip, login, 'unused-fill-in@example.com')).body.code).toBe(33201);
    expect(service.messages('unused-fill-in@example.com')).toHaveLength(0);
    // Another client is not affected.
    expect((await probeEmail('192.0.2.52', login, 'alice@example.com')).body.code).toBe(34205);
  });

  it('34401 (the account has an email already) is charged too: it follows only an unused address', async () => {
    const login = await loginAsBob();
    const ip = '192.0.2.55';
    for (let i = 0; i < PER_IP; i++) {
      expect((await probeEmail(ip, login, `unused-${i}@example.com`)).body.code).toBe(34401);
    }
    // Spent: used and unused addresses answer alike, so 34205 against 34401 tells nothing any more.
    expect((await probeEmail(ip, login, 'unused-9@example.com')).body.code).toBe(33201);
    expect((await probeEmail(ip, login, 'alice@example.com')).body.code).toBe(33201);
  });

  it('34206 (a phone in use) spends the same counter', async () => {
    const login = await loginAsBob();
    const ip = '192.0.2.53';
    const usedPhone = { type: 'sms', account: '13800138000', countryCode: 86 };
    for (let i = 0; i < PER_IP; i++) expect((await fillIn(ip, login, usedPhone)).body.code).toBe(34206);
    expect((await fillIn(ip, login, usedPhone)).body.code).toBe(33201);
  });

  it('probes and sends share the one counter: two probes leave one send, then the send is refused', async () => {
    const login = await loginAsBob();
    const ip = '192.0.2.54';
    // Bob has no phone, so an unused phone is a send (useType 3 by SMS), which spends the counter too.
    const unusedPhone = { type: 'sms', account: '13800138111', countryCode: 86 };
    const usedPhone = { type: 'sms', account: '13800138000', countryCode: 86 };
    expect((await fillIn(ip, login, usedPhone)).body.code).toBe(34206);
    expect((await fillIn(ip, login, usedPhone)).body.code).toBe(34206);
    expect((await fillIn(ip, login, unusedPhone)).body.code).toBe(0);
    expect((await fillIn(ip, login, usedPhone)).body.code).toBe(33201);
  });
});
