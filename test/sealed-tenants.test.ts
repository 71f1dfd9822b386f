// Issue 20 item 7: tenant secrets and the account directory are sealed at rest (AES-256-GCM under a
// pepper-derived key, lib/crypto.ts's seal) by the tenants sync and opened by the registry on read.
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal, unseal } from '../lib/crypto.ts';
import { getRuntime } from '../lib/runtime.ts';
import { createDocumentClient } from '../lib/store/client.ts';
import { findAccountByEmail, findAccountById, findAccountByPhone } from '../lib/tenants/accounts.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { TenantRegistry, tenantKey } from '../lib/tenants/registry.ts';
import type { Tenant } from '../lib/tenants/schema.ts';
import { desiredItems, syncTenants } from '../lib/tenants/sync.ts';
import { startService, type TestService } from './helpers/service.ts';
import { freshTable, scalars, scanAll } from './helpers/table.ts';

/** Everything of the demo tenants that must not appear in clear: secrets, raw keys and tokens, addresses. */
function secretStrings(tenants: Tenant[]): string[] {
  const strings = ['demo-api-key', 'other-api-key', 'demo-twilio-auth-token', 'other-twilio-auth-token'];
  for (const tenant of tenants) {
    if (tenant.userDomainSecret) strings.push(tenant.userDomainSecret);
    if (tenant.sessionTokenSecret) strings.push(tenant.sessionTokenSecret);
    for (const account of tenant.accounts) {
      if (account.email) strings.push(account.email);
      if (account.phone) strings.push(account.phone, account.phone.slice(1));
    }
  }
  return strings;
}

describe('a table after npm start with the demo tenants', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('holds none of the demo tenants’ secrets, account emails or phones in clear, in any attribute at any depth', async () => {
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const wanted = secretStrings(tenants);
    expect(wanted).toContain('alice@example.com');
    expect(wanted).toContain('+8613800138000');
    expect(wanted).toContain('57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33');
    const db = createDocumentClient(service.endpoint);
    const items = await scanAll(db, service.tableName);
    expect(items.some((item) => item.pk === 'TENANT#id#demo')).toBe(true);
    const values = items.flatMap((item) => [...Object.keys(item), ...scalars(item)]);
    const found = wanted.filter((secret) => values.some((value) => value.includes(secret)));
    expect(found).toEqual([]);
    db.destroy();
  });

  it('the running functions’ registry opens them with the pepper (the dialect suites exercise every use)', async () => {
    const demo = await (await getRuntime()).tenants.find('clientId', 'nTo1eRIub60vPb54WeE6aojPwYwImtl4');
    expect(demo?.userDomainSecret).toBe('57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33');
    expect(demo?.sessionTokenSecret).toBe('demo-session-secret');
    expect(demo?.accounts.map((account) => account.id)).toEqual(['1001', '1002']);
  });
});

describe('tenants sync and registry', () => {
  const pepper = randomBytes(32);

  it('the registry with the pepper opens exactly the file’s tenant; without it, no secrets and no accounts', async () => {
    const { db, tableName } = await freshTable();
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    await syncTenants(db, tableName, tenants, { pepper });
    const opened = await new TenantRegistry(db, tableName).opening(pepper).find('id', 'demo');
    expect(opened).toEqual(tenants[0]);
    if (!opened) throw new Error('demo tenant missing');
    expect(findAccountByEmail(opened, 'ALICE@example.com')?.id).toBe('1001');
    expect(findAccountByPhone(opened, '+8613800138000')?.id).toBe('1001');
    expect(findAccountById(opened, '1002')?.email).toBe('bob@example.com');
    expect(findAccountByEmail(opened, 'nobody@example.com')).toBeUndefined();

    const closed = await new TenantRegistry(db, tableName).find('id', 'demo');
    expect(closed?.userDomainSecret).toBeUndefined();
    expect(closed?.sessionTokenSecret).toBeUndefined();
    expect(closed?.accounts).toEqual([]);
    expect(closed?.codes.maxAttempts).toBe(tenants[0]?.codes.maxAttempts);
    db.destroy();
  });

  it('a second sync with the same pepper changes nothing; another pepper, or secrets in clear, are rewritten', async () => {
    const { db, tableName } = await freshTable();
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    await syncTenants(db, tableName, tenants, { pepper });
    expect(await syncTenants(db, tableName, tenants, { pepper, dryRun: true })).toEqual([]);
    const other = await syncTenants(db, tableName, tenants, { pepper: randomBytes(32), dryRun: true });
    expect(other.map((change) => change.what).sort()).toEqual(['config demo', 'config other']);

    // A config item of the layout before sealing (everything in `config`) still reads, and is resealed.
    const [demo] = tenants;
    if (!demo) throw new Error('demo tenant missing');
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...tenantKey('id', 'demo'), tenantId: 'demo', config: JSON.stringify(demo) },
      }),
    );
    expect(await new TenantRegistry(db, tableName).opening(pepper).find('id', 'demo')).toEqual(demo);
    const changes = await syncTenants(db, tableName, tenants, { pepper });
    expect(changes).toEqual([{ action: 'update', what: 'config demo', pk: 'TENANT#id#demo' }]);
    const items = await scanAll(db, tableName);
    expect(JSON.stringify(items)).not.toContain(demo.userDomainSecret);
    db.destroy();
  });

  it('a sealed part is bound to its tenant and its pepper: moved to another tenant or read with another pepper, it does not open', async () => {
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const items = desiredItems(tenants, pepper);
    const demo = items.get('TENANT#id#demo');
    const other = items.get('TENANT#id#other');
    if (!demo || !other) throw new Error('config items missing');
    const { db, tableName } = await freshTable();
    await syncTenants(db, tableName, tenants, { pepper });
    await db.send(new PutCommand({ TableName: tableName, Item: { ...other, sealed: demo.sealed } }));
    await expect(new TenantRegistry(db, tableName).opening(pepper).find('id', 'other')).rejects.toThrow();
    await expect(
      new TenantRegistry(db, tableName).opening(randomBytes(32)).find('id', 'demo'),
    ).rejects.toThrow();
    db.destroy();
  });

  it('a tenant with secrets needs the pepper; one without (the deployment verifier’s) does not', async () => {
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    expect(() => desiredItems(tenants)).toThrow(
      'tenant demo has secrets or accounts to seal: the pepper is needed',
    );
    const [demo] = tenants;
    if (!demo) throw new Error('demo tenant missing');
    const plain = { ...demo, userDomainSecret: undefined, sessionTokenSecret: undefined, accounts: [] };
    const config = desiredItems([plain]).get('TENANT#id#demo');
    expect(config?.sealed).toBeUndefined();
    expect(JSON.parse(String(config?.config)).id).toBe('demo');
  });
});

describe('seal (lib/crypto.ts)', () => {
  const pepper = Buffer.from('seal-test-pepper-0123456789abcdef0123', 'utf8');

  it('opens what it sealed for the same purpose and context only, and draws a new iv each time', () => {
    const sealed = seal(pepper, 'tenant-secrets', 'demo', 'top secret');
    expect(unseal(pepper, 'tenant-secrets', 'demo', sealed)).toBe('top secret');
    expect(seal(pepper, 'tenant-secrets', 'demo', 'top secret')).not.toBe(sealed);
    expect(() => unseal(pepper, 'tenant-secrets', 'other', sealed)).toThrow();
    expect(() => unseal(pepper, 'external-address', 'demo', sealed)).toThrow();
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => unseal(pepper, 'tenant-secrets', 'demo', raw.toString('base64url'))).toThrow();
    expect(raw.length).toBe(12 + 16 + 'top secret'.length);
  });
});
