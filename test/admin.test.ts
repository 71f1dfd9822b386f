// The admin command loads a tenants file into a table; the registry then finds tenants by every alias.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadTenants } from '../infra/admin/load-tenants.ts';
import { DEMO_TENANTS_FILE } from '../lib/tenants/load.ts';
import { TenantRegistry } from '../lib/tenants/registry.ts';
import { freshTable, scalars, scanAll } from './helpers/table.ts';

describe('tenants:load', () => {
  it('writes every alias of every tenant, so each dialect finds its tenant in one read', async () => {
    const { tableName, db } = await freshTable();
    const summary = await loadTenants([
      '--file',
      DEMO_TENANTS_FILE,
      '--table',
      tableName,
      '--endpoint',
      inject('dynamodbEndpoint'),
    ]);
    expect(summary).toMatch(/loaded 2 tenant\(s\)/);
    const registry = new TenantRegistry(db, tableName);
    expect((await registry.find('userDomain', 'C.DM.5903.1'))?.id).toBe('demo');
    expect((await registry.find('clientId', 'otherClient00000000000000000000000'))?.id).toBe('other');
    expect((await registry.findByHost('other.localhost:3000'))?.id).toBe('other');
    expect((await registry.findByHost('unknown.example'))?.id).toBe('demo');
    expect((await registry.findByApiKey('demo-api-key'))?.id).toBe('demo');
    expect(await registry.findByApiKey('wrong-key')).toBeUndefined();
    // API keys are stored only as hashes.
    const values = (await scanAll(db, tableName)).flatMap(scalars);
    expect(values.some((value) => value.includes('demo-api-key'))).toBe(false);
  });

  it('refuses an invalid file without writing, and explains usage', async () => {
    const path = join(tmpdir(), `tenants-${Date.now()}.json`);
    await writeFile(path, JSON.stringify({ tenants: [] }));
    await expect(loadTenants(['--file', path, '--table', 'codegate-x'])).rejects.toThrow(/tenants/);
    await expect(loadTenants(['--table', 'codegate-x'])).rejects.toThrow(/usage/);
    expect(await loadTenants(['--file', DEMO_TENANTS_FILE, '--dry-run'])).toBe(
      'valid: 2 tenant(s): demo, other',
    );
  });
});
