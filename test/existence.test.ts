// Answers that tell a stranger whether an account exists (Fresns 34301/34205, AnqiCMS "User does not
// exist") count against the client IP's send limit, in one conditional write each.
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

const fresns = (ip: string, account: string, useType = 2) =>
  service.request('POST', '/api/v2/common/send-verify-code', {
    headers: { 'x-forwarded-for': ip },
    json: { type: 'email', useType, templateId: 7, account },
  });
const anqicms = (ip: string, email: string) =>
  service.request('POST', '/api/verify/email', {
    headers: { 'x-forwarded-for': ip, 'accept-language': 'en' },
    json: { email, state: 'verify' },
  });

describe('account-existence answers and the per-IP limit', () => {
  it('Fresns: three 34301 answers spend the IP limit; then 33201 whether or not the account exists, and no send', async () => {
    const ip = '192.0.2.31';
    for (let i = 0; i < PER_IP; i++)
      expect((await fresns(ip, `nobody${i}@example.com`)).body.code).toBe(34301);
    expect((await fresns(ip, 'nobody-else@example.com')).body.code).toBe(33201);
    expect((await fresns(ip, 'alice@example.com')).body.code).toBe(33201);
    expect(service.messages('alice@example.com')).toHaveLength(0);
    // Another client is not affected.
    expect((await fresns('192.0.2.32', 'nobody0@example.com')).body.code).toBe(34301);
  });

  it('Fresns: "Email has been used" (34205) is an existence answer too', async () => {
    const ip = '192.0.2.33';
    for (let i = 0; i < PER_IP; i++) expect((await fresns(ip, 'alice@example.com', 1)).body.code).toBe(34205);
    expect((await fresns(ip, 'alice@example.com', 1)).body.code).toBe(33201);
  });

  it('AnqiCMS: "User does not exist" spends the IP limit; then "too frequent"', async () => {
    const ip = '192.0.2.34';
    for (let i = 0; i < PER_IP; i++) {
      expect((await anqicms(ip, `ghost${i}@example.com`)).body).toEqual({
        code: -1,
        msg: 'User does not exist',
      });
    }
    const limited = await anqicms(ip, 'ghost@example.com');
    expect(limited.body).toEqual({
      code: -1,
      msg: 'Sending too frequently, please try again later: the limit of sends from one client IP address',
    });
  });

  it('20 concurrent probes from one IP: exactly the limit are answered, the rest refused', async () => {
    const ip = '192.0.2.35';
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fresns(ip, `racer${i}@example.com`)),
    );
    const codes = responses.map((response) => response.body.code);
    expect(codes.filter((code) => code === 34301)).toHaveLength(PER_IP);
    expect(codes.filter((code) => code === 33201)).toHaveLength(20 - PER_IP);
  });
});
