// tenants:load refuses, naming the field, every tenant a request would fail on; its dry run shows field-level
// changes without a secret, a full hash or a full address.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadTenants } from '../infra/admin/load-tenants.ts';
import { tenantProblems } from '../lib/tenants/checks.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile, parseTenants } from '../lib/tenants/load.ts';
import { comparePepperFingerprint, FINGERPRINT_KEY } from '../lib/tenants/pepper-fingerprint.ts';
import { tenantSchema } from '../lib/tenants/schema.ts';
import { freshTable, scanAll } from './helpers/table.ts';

const PEPPER = 'checks-test-pepper-0123456789abcdef0123456';
let outerPepper: string | undefined;
beforeAll(() => {
  outerPepper = process.env.PEPPER;
  process.env.PEPPER = PEPPER;
});
afterAll(() => {
  if (outerPepper === undefined) delete process.env.PEPPER;
  else process.env.PEPPER = outerPepper;
});

const tempFile = async (content: unknown) => {
  const path = join(tmpdir(), `tenants-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const demoRaw = () => JSON.parse(readFileSync(DEMO_TENANTS_FILE, 'utf8')).tenants[0] as Record<string, any>;
const LINK = ['--link-base-url', 'https://verify.example.com'];

/** The fields a raw tenant is refused for, as a deployment would load it. */
const fieldsOf = (raw: Record<string, unknown>) =>
  tenantProblems(tenantSchema.parse(raw), raw, { target: 'deployment' }).map((problem) => problem.field);

const minimal = { id: 'shop', appName: 'Shop', mail: { from: 'no-reply@shop.example' } };

describe('the checks: a valid config that would fail at run time is refused naming the field', () => {
  it('a host-reachable tenant without mail.linkBaseUrl (AnqiCMS links), unless the local runtime fills it', () => {
    const raw = { ...minimal, aliases: { hosts: ['shop.example'] }, sms: { allowedCountries: [] } };
    expect(fieldsOf(raw)).toEqual(['mail.linkBaseUrl']);
    expect(tenantProblems(tenantSchema.parse(raw), raw, { target: 'local' })).toEqual([]);
    expect(fieldsOf({ ...raw, mail: { ...raw.mail, linkBaseUrl: 'https://verify.shop.example' } })).toEqual(
      [],
    );
  });

  it('a tenant with aliases that never says which countries it texts; [] states email-only', () => {
    const raw = { ...minimal, apiKeySha256: ['a'.repeat(64)] };
    const [problem] = tenantProblems(tenantSchema.parse(raw), raw);
    expect(problem?.field).toBe('sms.allowedCountries');
    expect(problem?.message).toMatch(
      /country_not_allowed[\s\S]*apiKeySha256[\s\S]*\[\] to make it email-only/,
    );
    expect(fieldsOf({ ...raw, sms: { allowedCountries: [] } })).toEqual([]);
    expect(fieldsOf({ ...raw, sms: { allowedCountries: ['US'] } })).toEqual([]);
  });

  it('SMS sender settings with no allowed country, and a country code no number parses into', () => {
    expect(fieldsOf({ ...minimal, sms: { allowedCountries: [], senderId: 'Shop' } })).toEqual([
      'sms.allowedCountries',
    ]);
    expect(fieldsOf({ ...minimal, sms: { allowedCountries: ['US', 'us', 'XX'] } })).toEqual([
      'sms.allowedCountries[1]',
      'sms.allowedCountries[2]',
    ]);
  });

  it('a WhatsApp or call country no number parses into ("UK" for GB): every number would be refused', () => {
    const whatsapp = {
      originationPhoneNumberId: `phone-number-id-${'0'.repeat(32)}`,
      templates: { en: { name: 'codegate_code', language: 'en_US' } },
    };
    const voice = { originationIdentity: '+12065550100' };
    const raw = {
      ...minimal,
      sms: { allowedCountries: [] },
      whatsapp: { ...whatsapp, allowedCountries: ['GB', 'UK'] },
      voice: { ...voice, allowedCountries: ['ZZ', 'US'] },
    };
    expect(fieldsOf(raw)).toEqual(['whatsapp.allowedCountries[1]', 'voice.allowedCountries[0]']);
    expect(tenantProblems(tenantSchema.parse(raw), raw)[0]?.message).toMatch(
      /^"UK" is not a country phone numbers/,
    );
    expect(
      fieldsOf({
        ...raw,
        whatsapp: { ...whatsapp, allowedCountries: ['GB'] },
        voice: { ...voice, allowedCountries: ['US'] },
      }),
    ).toEqual([]);
  });

  it('a price ceiling of zero, for texts or calls: every one would be refused as too dear', () => {
    const voice = { originationIdentity: '+12065550100', allowedCountries: ['US'] };
    expect(
      fieldsOf({
        ...minimal,
        sms: { allowedCountries: ['US'], maxPrice: '0.00' },
        voice: { ...voice, maxPricePerMinute: '0.0' },
      }),
    ).toEqual(['sms.maxPrice', 'voice.maxPricePerMinute']);
    expect(
      fieldsOf({
        ...minimal,
        sms: { allowedCountries: ['US'], maxPrice: '0.005' },
        voice: { ...voice, maxPricePerMinute: '0.00001' },
      }),
    ).toEqual([]);
  });

  it('a pumping-guard price under a key no number parses into (it would never be charged)', () => {
    const guard = { pricesUsd: { GB: 0.04, gb: 0.04, XX: 0.2 } };
    expect(fieldsOf({ ...minimal, sms: { allowedCountries: ['GB'], guard } })).toEqual([
      'sms.guard.pricesUsd.gb',
      'sms.guard.pricesUsd.XX',
    ]);
    expect(
      fieldsOf({ ...minimal, sms: { allowedCountries: ['GB'], guard: { pricesUsd: { GB: 0.04 } } } }),
    ).toEqual([]);
  });

  it('SMS by Acceleronix (userDomains and countries) without userDomainSecret', () => {
    const raw = { ...minimal, aliases: { userDomains: ['C.X.1'] }, sms: { allowedCountries: ['US'] } };
    expect(fieldsOf(raw)).toEqual(['userDomainSecret']);
    expect(fieldsOf({ ...raw, userDomainSecret: 's'.repeat(16) })).toEqual([]);
    expect(fieldsOf({ ...raw, sms: { allowedCountries: [] } })).toEqual([]);
  });

  it('SNS refuses a bad sender ID, origination number or max price: refused here instead', () => {
    const sms = {
      allowedCountries: ['US'],
      senderId: 'My Shop',
      originationNumber: '2065550100',
      maxPrice: '$1',
    };
    expect(fieldsOf({ ...minimal, sms })).toEqual(['sms.senderId', 'sms.originationNumber', 'sms.maxPrice']);
    const good = {
      allowedCountries: ['US'],
      senderId: 'MyShop',
      originationNumber: '+12065550100',
      maxPrice: '0.50',
    };
    expect(fieldsOf({ ...minimal, sms: good })).toEqual([]);
  });

  it('Twilio accounts without a service, or services without an account', () => {
    const account = { accountSid: `AC${'0'.repeat(32)}`, authTokenSha256: 'b'.repeat(64) };
    const service = { sid: `VA${'0'.repeat(32)}`, friendlyName: 'Shop' };
    const sms = { allowedCountries: ['US'] };
    expect(fieldsOf({ ...minimal, sms, twilio: { accounts: [account] } })).toEqual(['twilio.services']);
    expect(fieldsOf({ ...minimal, sms, twilio: { services: [service] } })).toEqual(['twilio.accounts']);
    expect(fieldsOf({ ...minimal, sms, twilio: { accounts: [account], services: [service] } })).toEqual([]);
  });

  it('a template with an unknown placeholder, or with neither {code} nor {link}', () => {
    const templates = { en: { login: { subject: '{app} {cdoe}', text: 'Welcome to {app}' } } };
    const raw = { ...minimal, templates };
    expect(fieldsOf(raw)).toEqual(['templates.en.login.subject', 'templates.en.login.text']);
    const fixed = {
      en: { login: { subject: '{app} code', text: '{code} is your {app} code ({minutes} min)' } },
    };
    expect(fieldsOf({ ...minimal, templates: fixed })).toEqual([]);
  });

  it('the demo file loads for npm start, and tenants:load refuses it for a deployment naming mail.linkBaseUrl', async () => {
    expect((await loadTenantsFile(DEMO_TENANTS_FILE)).tenants.map((tenant) => tenant.id)).toEqual([
      'demo',
      'other',
    ]);
    const refused = loadTenants(['--file', DEMO_TENANTS_FILE, '--dry-run']);
    await expect(refused).rejects.toThrow(/✖ tenant demo: mail\.linkBaseUrl is required/);
    await expect(loadTenants(['--file', DEMO_TENANTS_FILE, '--dry-run', ...LINK])).resolves.toBe(
      'valid: 2 tenant(s): demo, other',
    );
  });
});

describe('clear messages', () => {
  it('a duplicate tenant id names the id, the file and both positions', async () => {
    const demo = demoRaw();
    const twice = await tempFile({ tenants: [demo, { ...demo, aliases: {} }] });
    await expect(loadTenants(['--file', twice, '--dry-run'])).rejects.toThrow(
      new Error(`tenant id demo appears twice in ${twice} (tenants[0] and tenants[1])`),
    );
  });

  it('a missing file is one line naming the path', async () => {
    const missing = join(tmpdir(), 'no-such-tenants.json');
    const refused = loadTenants(['--file', missing, '--dry-run']).catch((error: Error) => error);
    const error = (await refused) as Error;
    expect(error.message).toBe(`tenants file not found: ${missing}`);
    expect(error.message).not.toContain('ENOENT');
  });

  it('parseTenants lists every problem of every tenant, each with its field', () => {
    const text = JSON.stringify({ tenants: [{ ...minimal, apiKeySha256: ['a'.repeat(64)] }] });
    expect(() => parseTenants(text, 'shop.json')).toThrow(
      /^shop\.json: these tenants would fail at run time:\n✖ tenant shop: sms\.allowedCountries is not set/,
    );
  });
});

describe('tenants:load --dry-run against a table', () => {
  it('prints field-level changes and never a secret, a full key hash or a full address', async () => {
    const { tableName, db } = await freshTable();
    const endpoint = inject('dynamodbEndpoint');
    const table = ['--table', tableName, '--endpoint', endpoint, ...LINK];
    const synced = await loadTenants(['--file', DEMO_TENANTS_FILE, ...table]);
    expect(synced).toMatch(/^synced 2 tenant\(s\)/);
    expect(await comparePepperFingerprint(db, tableName, Buffer.from(PEPPER))).toBe('match');

    const demo = demoRaw();
    const other = JSON.parse(readFileSync(DEMO_TENANTS_FILE, 'utf8')).tenants[1];
    const newHash = 'f'.repeat(64);
    const changed = {
      ...demo,
      mail: { from: 'Codegate <new@demo.codegate.local>' },
      userDomainSecret: 'a-brand-new-signing-secret-0123',
      apiKeySha256: [newHash],
      accounts: [{ id: '1001', email: 'alice.new@example.com', phone: '+8613800138001' }],
    };
    const file = await tempFile({ tenants: [changed, other] });
    const diff = await loadTenants(['--file', file, ...table, '--dry-run']);
    expect(diff).toContain(
      '~ demo: mail.from "Codegate Demo <no-reply@demo.codegate.local>" → "Codegate <new@demo.codegate.local>"',
    );
    expect(diff).toContain('~ demo: userDomainSecret changed (secret, not shown)');
    expect(diff).toContain('~ demo: apiKeySha256 [sha256:ca6f2e39…] → [sha256:ffffffff…]');
    expect(diff).toContain('~ demo: accounts[0].email "a***@example.com" → "a***@example.com"');
    expect(diff).toContain('~ demo: accounts[0].phone "+86138****8000" → "+86138****8001"');
    expect(diff).toContain('~ demo: accounts[1].email "b***@example.com" → (none)');
    for (const secret of [
      'a-brand-new-signing-secret',
      '57Fk69oYgbs2aWWN362N',
      newHash,
      'ca6f2e39b2ff141859b18bb5283aadd5093c8ede2869f3656231a054e54bfc22',
      'alice',
      'bob@',
      '+8613800138001',
      '+8613800138000',
    ]) {
      expect(diff).not.toContain(secret);
    }
    expect(diff).not.toContain('other:');
  });

  it('the sync records the pepper fingerprint; another pepper does not match it', async () => {
    const { tableName, db } = await freshTable();
    const endpoint = inject('dynamodbEndpoint');
    await loadTenants(['--file', DEMO_TENANTS_FILE, '--table', tableName, '--endpoint', endpoint, ...LINK]);
    const items = await scanAll(db, tableName);
    const fingerprint = items.find((item) => item.pk === FINGERPRINT_KEY.pk);
    expect(fingerprint?.fp).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(fingerprint)).not.toContain(PEPPER);
    expect(
      await comparePepperFingerprint(db, tableName, Buffer.from('another-pepper-0123456789abcdef01234')),
    ).toBe('mismatch');
  });
});
