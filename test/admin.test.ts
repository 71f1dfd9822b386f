// The admin command makes a table's tenants match a file; the registry then finds tenants by every alias.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadTenants, UsageError } from '../infra/admin/load-tenants.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import { TenantRegistry } from '../lib/tenants/registry.ts';
import { freshTable, scalars, scanAll } from './helpers/table.ts';

const tempFile = async (content: unknown) => {
  const path = join(tmpdir(), `tenants-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify(content));
  return path;
};

const PEPPER = 'admin-test-pepper-0123456789abcdef012345';
let outerPepper: string | undefined;
beforeAll(() => {
  // As an operator would: `PEPPER=… npm run tenants:load` (or --pepper-secret <arn>).
  outerPepper = process.env.PEPPER;
  process.env.PEPPER = PEPPER;
});
afterAll(() => {
  if (outerPepper === undefined) delete process.env.PEPPER;
  else process.env.PEPPER = outerPepper;
});

describe('tenants:load', () => {
  it('writes every alias of every tenant, so each dialect finds its tenant', async () => {
    const { tableName, db } = await freshTable();
    const endpoint = inject('dynamodbEndpoint');
    const summary = await loadTenants([
      '--file',
      DEMO_TENANTS_FILE,
      '--table',
      tableName,
      '--endpoint',
      endpoint,
      '--link-base-url',
      'https://verify.example.com',
    ]);
    expect(summary).toMatch(/^synced 2 tenant\(s\)/);
    const registry = new TenantRegistry(db, tableName);
    expect((await registry.find('userDomain', 'C.DM.5903.1'))?.id).toBe('demo');
    expect((await registry.find('clientId', 'otherClient00000000000000000000000'))?.id).toBe('other');
    expect((await registry.findByHost('other.localhost:3000'))?.id).toBe('other');
    expect((await registry.findByHost('unknown.example'))?.id).toBe('demo');
    expect((await registry.findByApiKey('demo-api-key'))?.id).toBe('demo');
    expect(await registry.findByApiKey('wrong-key')).toBeUndefined();
    const items = await scanAll(db, tableName);
    // API keys are stored only as hashes, and only the config item holds secrets and the directory.
    expect(items.flatMap(scalars).some((value) => value.includes('demo-api-key'))).toBe(false);
    // The signing secret is sealed in the config item: no item holds it in clear, the registry opens it.
    const holding = items.filter((item) => JSON.stringify(item).includes('57Fk69oYgbs2aWWN362N'));
    expect(holding).toEqual([]);
    const opened = await registry.opening(Buffer.from(PEPPER, 'utf8')).find('id', 'demo');
    expect(opened?.userDomainSecret).toBe('57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33');
    const tenantItems = items.filter((item) => String(item.pk).startsWith('TENANT#'));
    expect(
      tenantItems.filter((item) => item.pk !== 'TENANT#id#demo' && item.pk !== 'TENANT#id#other'),
    ).toSatisfy((aliases: Record<string, unknown>[]) =>
      aliases.every((item) => Object.keys(item).sort().join(',') === 'pk,sk,tenantId'),
    );
  });

  it('a dry run prints the diff against the table and writes nothing', async () => {
    const { tableName, db } = await freshTable();
    const endpoint = inject('dynamodbEndpoint');
    const link = ['--link-base-url', 'https://verify.example.com'];
    await loadTenants(['--file', DEMO_TENANTS_FILE, '--table', tableName, '--endpoint', endpoint, ...link]);
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const [demo] = tenants;
    const rotated = await tempFile({
      tenants: [
        { ...demo, apiKeySha256: ['a'.repeat(64)], aliases: { ...demo?.aliases, hosts: ['localhost'] } },
      ],
    });
    const before = await scanAll(db, tableName);
    const diff = await loadTenants([
      '--file',
      rotated,
      '--table',
      tableName,
      '--endpoint',
      endpoint,
      '--dry-run',
      ...link,
    ]);
    expect(diff).toContain('would change 1 tenant(s)');
    expect(diff).toContain('+ apiKey sha256:aaaaaaaa…');
    expect(diff).toContain('- apiKey sha256:ca6f2e39…');
    expect(diff).toContain('- host *');
    expect(diff).toContain('- config other');
    expect(diff).toContain('- userDomain C.DM.0002.1');
    expect(diff).not.toContain('host localhost');
    expect(await scanAll(db, tableName)).toHaveLength(before.length);
  });

  it('--help prints the usage; a missing option names itself; an unknown key in the file is named', async () => {
    expect(await loadTenants(['--help'])).toMatch(/^usage: npm run tenants:load/);
    await expect(loadTenants(['--table', 'codegate-x'])).rejects.toThrow('missing required option --file');
    await expect(loadTenants(['--file', DEMO_TENANTS_FILE])).rejects.toThrow(
      'missing required option --table',
    );
    await expect(loadTenants(['--bogus'])).rejects.toBeInstanceOf(UsageError);
    delete process.env.PEPPER;
    const link = ['--link-base-url', 'https://verify.example.com'];
    const noPepper = loadTenants(['--file', DEMO_TENANTS_FILE, '--table', 'codegate-x', ...link]);
    await expect(noPepper).rejects.toThrow('--table needs the pepper: --pepper-secret <arn> (or PEPPER)');
    process.env.PEPPER = PEPPER;
    const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
    const [demo] = tenants;
    const typo = await tempFile({ tenants: [{ ...demo, alias: { hosts: ['x.example'] } }] });
    await expect(loadTenants(['--file', typo, '--dry-run'])).rejects.toThrow(/Unrecognized key.*"alias"/);
    const nested = await tempFile({ tenants: [{ ...demo, mail: { ...demo?.mail, form: 'x' } }] });
    await expect(loadTenants(['--file', nested, '--dry-run'])).rejects.toThrow(/"form"[\s\S]*mail/);
    // A tenant's own SES configuration set would be denied (not granted) and bypass the suppression loop.
    const ownSet = await tempFile({ tenants: [{ ...demo, mail: { ...demo?.mail, configurationSet: 'x' } }] });
    await expect(loadTenants(['--file', ownSet, '--dry-run'])).rejects.toThrow(
      /mail\.configurationSet is not supported[\s\S]*mail/,
    );
    const empty = await tempFile({ tenants: [] });
    await expect(loadTenants(['--file', empty, '--table', 'codegate-x'])).rejects.toThrow(/tenants/);
    expect(await loadTenants(['--file', DEMO_TENANTS_FILE, '--dry-run', ...link])).toBe(
      'valid: 2 tenant(s): demo, other',
    );
  });
});
