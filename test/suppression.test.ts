// The feedback loop locally: SES's mailbox simulator addresses bounce or complain, the same consumer the deployed
// function runs suppresses the address, and every send path then refuses it in its own words — until removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuppressions } from '../infra/admin/suppressions.ts';
import { DOMAIN_CODES as ACCELERONIX } from '../lib/dialects/acceleronix/codes.ts';
import { DOMAIN_MESSAGES as ANQICMS } from '../lib/dialects/anqicms/codes.ts';
import { DOMAIN_CODES as EIAM } from '../lib/dialects/eiam/codes.ts';
import { DOMAIN_CODES as FRESNS } from '../lib/dialects/fresns/codes.ts';
import { native } from '../lib/dialects/native/index.ts';
import { AddressSuppressedError } from '../lib/domain/errors.ts';
import { advanceClock } from '../lib/runtime.ts';
import { startService, type TestService } from './helpers/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.stop();
});

let ip = 0;
const nativeSend = (to: string, purpose: string) =>
  service.request('POST', '/v1/verifications', {
    json: { channel: 'email', to, purpose },
    headers: { authorization: 'Bearer demo-api-key', 'x-forwarded-for': `198.51.100.${++ip}` },
  });
const seed000Send = (email: string, emailType: string) =>
  service.request('POST', '/v2/mail/enduserapi/v2/sendEmail', {
    query: { email, emailType, userDomain: 'C.DM.5903.1' },
    headers: { 'x-forwarded-for': `198.51.100.${++ip}` },
  });

const admin = (...args: string[]) =>
  runSuppressions([...args, '--table', service.tableName, '--endpoint', service.endpoint]);

/** Polls the suppression list until the address's masked form shows up (the notification is asynchronous). */
async function suppressedWithin(masked: string, deadlineMs: number): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started <= deadlineMs) {
    if ((await admin('list')).includes(masked)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Past the address cooldown, so that only a suppression could refuse the next send. */
const pastCooldown = () => advanceClock(61_000);

describe.each([
  ['bounce', 'bounce@simulator.amazonses.com', 'bounce'],
  ['complaint', 'complaint@simulator.amazonses.com', 'complaint'],
])('the SES mailbox simulator: %s', (_name, address, reason) => {
  it(`mail to ${address} is accepted, then the ${reason} suppresses the address for every send path`, async () => {
    const first = await nativeSend(address, 'register');
    expect(first.status).toBe(201);
    expect(service.messages(address)).toHaveLength(1);

    const masked = `${address[0]}***@simulator.amazonses.com`;
    expect(await suppressedWithin(masked, 2_000)).toBe(true);
    pastCooldown();
    const refused = await nativeSend(address, 'login');
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: {
        code: 'address_suppressed',
        message: 'The address bounced or complained; nothing is sent to it.',
      },
    });
    const before = service.messages(address).length;

    const seed000 = await seed000Send(address, '2');
    expect(seed000.body).toMatchObject({ code: 5059 });
    expect(service.messages(address)).toHaveLength(before);

    const listed = await admin('list');
    expect(listed).toContain(`email\t${reason}\t`);
    expect(listed).not.toContain(address);

    expect(await admin('remove', '--to', address)).toBe(`removed email ${masked}`);
    pastCooldown();
    const mailedAgain = await nativeSend(address, 'delete_account');
    expect(mailedAgain.status).toBe(201);
    expect(service.messages(address)).toHaveLength(before + 1);
  });
});

describe('suppression by hand', () => {
  it('an operator-added address is refused at once, mailed nothing, and lifted by remove', async () => {
    const to = 'Held.Back@Example.com';
    expect(await admin('add', '--to', to)).toBe('suppressed email h***@example.com');
    const refused = await nativeSend('held.back@example.com', 'login');
    expect(refused.status).toBe(422);
    // The answer says who suppressed it: an operator, not a bounce or a complaint.
    expect(refused.body.error).toEqual({
      code: 'address_suppressed',
      message: 'An operator suppressed the address; nothing is sent to it.',
    });
    expect((await seed000Send(to, '1')).body).toMatchObject({ code: 5059 });
    expect(service.messages(to)).toHaveLength(0);
    expect(await admin('remove', '--to', to)).toBe('removed email h***@example.com');
    pastCooldown();
    expect((await nativeSend(to, 'login')).status).toBe(201);
    expect(await admin('remove', '--to', to)).toBe('email h***@example.com was not suppressed');
  });

  it('explains itself with --help and refuses unknown commands with the usage', async () => {
    expect(await runSuppressions(['--help'])).toMatch(/^usage: npm run suppressions -- <command>/);
    await expect(runSuppressions(['purge', '--table', 'x'])).rejects.toThrow(/usage/);
    await expect(runSuppressions(['add', '--table', 'x', '--to', 'not an address'])).rejects.toThrow(
      /not a valid email/,
    );
  });

  it('each dialect answers a suppressed address with its documented sending-failure code', () => {
    expect(ACCELERONIX.suppressed).toBe(5059);
    expect(FRESNS.suppressed).toBe(32302);
    expect(EIAM.suppressed).toBe('SDK.SMS.1003');
    expect(ANQICMS.suppressed).toBe('send_failed');
    const answer = native.renderError(new AddressSuppressedError());
    expect(answer.statusCode).toBe(422);
    expect(JSON.parse(String(answer.body)).error.code).toBe('address_suppressed');
  });
});
