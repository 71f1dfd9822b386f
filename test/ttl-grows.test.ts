// An address item's `ttl` only grows: later, shorter-lived writes (a send for another purpose, a failed
// check) never make DynamoDB delete a live long-lived link or reset grant early.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock } from '../lib/runtime.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { startService, type TestService } from './helpers/service.ts';
import { scanAll } from './helpers/table.ts';
import { rememberSecret } from './setup/log-guard.ts';

const WEEK = 7 * 24 * 3600;
let service: TestService;

beforeAll(async () => {
  const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
  const weekLinks = tenants.map((tenant) => ({
    ...tenant,
    mail: { ...tenant.mail, linkValiditySeconds: WEEK },
  }));
  service = await startService({ tenants: { tenants: weekLinks } });
});
afterAll(async () => {
  await service?.stop();
});

const anqicmsSend = (email: string, state: string) =>
  service.request('POST', '/api/verify/email', {
    json: { email, state },
    headers: { 'x-forwarded-for': '198.51.100.7' },
  });
/** A native login code, after the per-address cooldown of the previous send has passed. */
const nativeSend = (to: string) => {
  advanceClock(61_000);
  return service.request('POST', '/v1/verifications', {
    headers: { authorization: 'Bearer demo-api-key' },
    json: { channel: 'email', to, purpose: 'login' },
  });
};
const failedCheck = (to: string) =>
  service.request('POST', '/v1/verifications/check', {
    headers: { authorization: 'Bearer demo-api-key' },
    json: {
      channel: 'email',
      to,
      purpose: 'login',
      code: service.lastCode(to) === '000000' ? '111111' : '000000',
    },
  });

/** The demo tenant's email address items (one per address used in this file). */
async function addressItems() {
  const db = createDocumentClient(service.endpoint);
  try {
    return (await scanAll(db, service.tableName)).filter((item) =>
      String(item.pk).startsWith('ADDR#demo#email#'),
    );
  } finally {
    db.destroy();
  }
}

function linkTokenOf(email: string): string {
  const link = service.messages(email)[0]?.text.match(/https?:\/\/\S+\/api\/verify\/email\?\S+/)?.[0] ?? '';
  const token = new URL(link).searchParams.get('token') ?? '';
  rememberSecret(service.lastCode(email));
  return rememberSecret(token);
}

describe('ttl only grows', () => {
  it('after a 7-day link, a send for another purpose and a failed check, the ttl still covers the link', async () => {
    expect((await anqicmsSend('week-link@example.com', 'plain')).body.code).toBe(0);
    linkTokenOf('week-link@example.com');
    expect((await nativeSend('week-link@example.com')).status).toBe(201);
    expect((await failedCheck('week-link@example.com')).body.valid).toBe(false);

    const [item] = (await addressItems()).filter((entry) => entry.x_general !== undefined);
    const linkExpiresAt = Number(item?.x_general);
    expect(linkExpiresAt).toBeGreaterThan(Date.now() + (WEEK - 60) * 1000);
    expect(Number(item?.ttl) * 1000).toBeGreaterThanOrEqual(linkExpiresAt);
  });

  it('after a confirmed 7-day reset link, the grant it issued outlives a later send and failed check', async () => {
    expect((await anqicmsSend('alice@example.com', 'reset')).body.code).toBe(0);
    const token = linkTokenOf('alice@example.com');
    const confirmed = await fetch(`${service.url}/api/verify/email/confirm`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, email: 'alice@example.com', state: 'reset' }).toString(),
    });
    expect(confirmed.status).toBe(302);
    rememberSecret(new URL(confirmed.headers.get('location') ?? '').searchParams.get('token') ?? '');
    expect((await nativeSend('alice@example.com')).status).toBe(201);
    expect((await failedCheck('alice@example.com')).body.valid).toBe(false);

    const [item] = (await addressItems()).filter((entry) => entry.gx_reset_password !== undefined);
    const grantExpiresAt = Number(item?.gx_reset_password);
    expect(grantExpiresAt).toBeGreaterThan(Date.now() + (WEEK - 60) * 1000);
    expect(Number(item?.ttl) * 1000).toBeGreaterThanOrEqual(grantExpiresAt);
  });
});
