// Loading tenants is a sync: what leaves the file stops answering (revoked keys, removed tenants).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startLocal } from '../infra/local/start.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { getRuntime } from '../lib/runtime.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { TenantRegistry } from '../lib/tenants/registry.ts';
import type { TenantsFile } from '../lib/tenants/schema.ts';
import { syncTenants } from '../lib/tenants/sync.ts';
import { freshTable } from './helpers/table.ts';

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

async function start(tableName: string, tenants: TenantsFile) {
  const service = await startLocal({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName,
    tenants,
    ttl: false,
    printOutbox: false,
  });
  stops.push(() => service.stop());
  // A restarted `npm start` is a new process with an empty tenant cache; this one shares its runtime.
  (await getRuntime()).tenants.forget();
  return service.url;
}

const nativeSend = (url: string, key: string, to: string) =>
  fetch(new URL('/v1/verifications', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'email', to, purpose: 'login' }),
  });

const seed000 = async (url: string, userDomain: string) => {
  const target = new URL('/v2/mail/enduserapi/v2/sendEmail', url);
  target.search = new URLSearchParams({ email: 'sync@example.com', emailType: '1', userDomain }).toString();
  return (await (await fetch(target, { method: 'POST' })).json()) as { code: number };
};

describe('tenants sync', () => {
  it('restarting with a rotated key and a removed tenant: old key 401, removed userDomain 5015, new key works', async () => {
    const tableName = `codegate-test-${randomBytes(6).toString('hex')}`;
    const demoFile = await loadTenantsFile(DEMO_TENANTS_FILE);
    const first = await start(tableName, demoFile);
    expect((await nativeSend(first, 'demo-api-key', 'a1@example.com')).status).toBe(201);
    expect((await seed000(first, 'C.DM.0002.1')).code).toBe(200);

    const [demo] = demoFile.tenants;
    if (!demo) throw new Error('demo tenant missing');
    const rotated = { tenants: [{ ...demo, apiKeySha256: [sha256Hex('demo-api-key-rotated')] }] };
    const second = await start(tableName, rotated);
    expect((await nativeSend(second, 'demo-api-key', 'a2@example.com')).status).toBe(401);
    expect((await seed000(second, 'C.DM.0002.1')).code).toBe(5015);
    expect((await nativeSend(second, 'demo-api-key-rotated', 'a3@example.com')).status).toBe(201);
  });

  it('a warm registry stops answering for a removed key or a disabled tenant once its cache time is over', async () => {
    const { tableName, db } = await freshTable();
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const pepper = randomBytes(32);
    await syncTenants(db, tableName, tenants, { pepper });
    let now = 0;
    const registry = new TenantRegistry(db, tableName, 60_000, () => now);
    expect((await registry.findByApiKey('other-api-key'))?.id).toBe('other');
    expect((await registry.find('userDomain', 'C.DM.5903.1'))?.disabled).toBe(false);

    const [demo, other] = tenants;
    if (!demo || !other) throw new Error('demo tenants missing');
    await syncTenants(
      db,
      tableName,
      [
        { ...demo, disabled: true },
        { ...other, apiKeySha256: [] },
      ],
      { pepper },
    );
    now = 59_000;
    expect((await registry.findByApiKey('other-api-key'))?.id).toBe('other');
    now = 60_001;
    expect(await registry.findByApiKey('other-api-key')).toBeUndefined();
    expect((await registry.find('userDomain', 'C.DM.5903.1'))?.disabled).toBe(true);
  });
});
