// Secondary adapter: makes the table's tenant items match a tenants file (the admin command and `npm start`).
// Each config item holds the tenant's secrets and account directory sealed under the pepper (./sealed.ts).
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { maskEmail, maskPhone } from '../mask.ts';
import { recordPepperFingerprint } from './pepper-fingerprint.ts';
import { aliasesOf, tenantKey } from './registry.ts';
import type { Tenant } from './schema.ts';
import { openSecrets, sealSecrets, splitTenant } from './sealed.ts';

/** One difference between the file and the table: an item to write or to delete. */
export interface TenantChange {
  action: 'add' | 'update' | 'delete';
  /** `config demo`, `userDomain C.DM.5903.1`, `apiKey sha256:ca6f2e39…` — no secret, no full key hash. */
  what: string;
  pk: string;
  /**
   * A changed config: one line per changed field, `demo: mail.from "A" → "B"`. Secrets are never shown (`changed`),
   * key and token hashes by their first 8 hex, account addresses masked.
   */
  fields?: string[];
}

type Item = Record<string, NativeAttributeValue>;

/** The plaintext each wanted config item sealed: compared on sync, since every seal draws a new iv. */
const plaintexts = new WeakMap<Item, string>();

/**
 * The items a tenants file stands for: each tenant's config item (its secrets and accounts sealed under
 * `pepper`), then its alias items. A tenant with nothing to seal needs no pepper.
 *
 * @throws Error if a tenant has secrets or accounts and no pepper is given.
 */
export function desiredItems(tenants: Tenant[], pepper?: Buffer): Map<string, Item> {
  const items = new Map<string, Item>();
  for (const tenant of tenants) {
    const { config: text, secrets } = splitTenant(tenant);
    if (secrets !== undefined && !pepper)
      throw new Error(`tenant ${tenant.id} has secrets or accounts to seal: the pepper is needed`);
    const config: Item = { ...tenantKey('id', tenant.id), tenantId: tenant.id, config: text };
    if (secrets !== undefined && pepper) {
      config.sealed = sealSecrets(pepper, tenant.id, secrets);
      plaintexts.set(config, secrets);
    }
    items.set(String(config.pk), config);
    for (const [kind, value] of aliasesOf(tenant)) {
      const alias = { ...tenantKey(kind, value), tenantId: tenant.id };
      items.set(alias.pk, alias);
    }
  }
  return items;
}

/** Every tenant item in the table. A Scan: this runs only from the admin command and `npm start`. */
async function storedItems(db: DynamoDBDocumentClient, tableName: string): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  let start: Item | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :prefix) AND sk = :sk',
        ExpressionAttributeValues: { ':prefix': 'TENANT#', ':sk': 'TENANT' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) items.set(String(item.pk), item);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** `TENANT#apiKey#<64 hex>` → `apiKey sha256:<8 hex>…`; other keys read as `kind value`. */
function describe(pk: string): string {
  const [, kind = '', ...rest] = pk.split('#');
  const value = rest.join('#');
  if (kind === 'id') return `config ${value}`;
  if (kind === 'apiKey') return `apiKey sha256:${value.slice(0, 8)}…`;
  return `${kind} ${value}`;
}

/** The plaintext of a stored sealed value, or undefined when it does not open (another pepper, tampered). */
function opened(stored: Item, pepper: Buffer | undefined): string | undefined {
  if (!pepper || typeof stored.sealed !== 'string') return undefined;
  try {
    return openSecrets(pepper, String(stored.tenantId), stored.sealed);
  } catch {
    return undefined;
  }
}

/**
 * Whether a stored item already holds what the file wants (an alias item of the old layout, or a config
 * item with its secrets in clear, does not). Sealed parts are compared opened.
 */
function same(stored: Item, wanted: Item, pepper: Buffer | undefined): boolean {
  const keys = new Set([...Object.keys(stored), ...Object.keys(wanted)]);
  return [...keys].every((key) =>
    key === 'sealed' ? opened(stored, pepper) === plaintexts.get(wanted) : stored[key] === wanted[key],
  );
}

type Leaves = Map<string, unknown>;

/** Every leaf of a config by its path (`mail.from`, `accounts[0].email`); arrays of plain values are one leaf. */
function leaves(value: unknown, path = '', out: Leaves = new Map()): Leaves {
  if (Array.isArray(value) && value.some((entry) => typeof entry === 'object' && entry !== null)) {
    for (const [index, entry] of value.entries()) leaves(entry, `${path}[${index}]`, out);
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, path ? `${path}.${key}` : key, out);
  } else if (value !== undefined) {
    out.set(path, value);
  }
  return out;
}

const SECRET_FIELDS = /^(userDomainSecret|sessionTokenSecret)$/;
const hashPrefix = (hash: unknown) => `sha256:${String(hash).slice(0, 8)}…`;

/** A value as the dry run may print it: no secret, no full hash, no full address. */
function shown(path: string, value: unknown): string {
  if (value === undefined) return '(none)';
  if (path === 'apiKeySha256' && Array.isArray(value)) return `[${value.map(hashPrefix).join(', ')}]`;
  if (path.endsWith('.authTokenSha256')) return hashPrefix(value);
  if (/^accounts\[\d+\]\.email$/.test(path)) return JSON.stringify(maskEmail(String(value)));
  if (/^accounts\[\d+\]\.phone$/.test(path)) return JSON.stringify(maskPhone(String(value)));
  return JSON.stringify(value);
}

/**
 * The field-level difference between a stored config (`before`, its sealed part opened when the pepper could) and
 * the wanted tenant, one line per field. `sealedOpened` false: the stored secrets could not be read (another pepper).
 */
export function fieldChanges(
  before: Record<string, unknown>,
  after: Tenant,
  sealedOpened: boolean,
): string[] {
  const old = leaves(before);
  const next = leaves(after);
  const lines: string[] = [];
  for (const path of new Set([...old.keys(), ...next.keys()])) {
    const a = old.get(path);
    const b = next.get(path);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    // Unopened, the stored secrets and accounts are unknown: the line below says they are sealed again.
    if (!sealedOpened && (SECRET_FIELDS.test(path) || path.startsWith('accounts'))) continue;
    if (SECRET_FIELDS.test(path)) {
      const change = a === undefined ? 'set' : b === undefined ? 'removed' : 'changed';
      lines.push(`${after.id}: ${path} ${change} (secret, not shown)`);
    } else {
      lines.push(`${after.id}: ${path} ${shown(path, a)} → ${shown(path, b)}`);
    }
  }
  if (!sealedOpened) lines.push(`${after.id}: secrets and accounts sealed again under this pepper`);
  return lines;
}

/** The stored config item as a tenant-shaped object, its sealed part opened if the pepper can. */
function storedConfig(
  stored: Item,
  pepper: Buffer | undefined,
): { config: Record<string, unknown>; opened: boolean } {
  const config = { accounts: [], ...(JSON.parse(String(stored.config)) as Record<string, unknown>) };
  if (typeof stored.sealed !== 'string') return { config, opened: true };
  const secrets = opened(stored, pepper);
  if (secrets === undefined) return { config, opened: false };
  return { config: { ...config, ...(JSON.parse(secrets) as Record<string, unknown>) }, opened: true };
}

async function batchWrite(db: DynamoDBDocumentClient, tableName: string, requests: Item[]) {
  for (let start = 0; start < requests.length; start += 25) {
    let pending: Item[] | undefined = requests.slice(start, start + 25);
    for (let round = 0; pending && pending.length > 0 && round < 8; round++) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName] as Item[] | undefined;
    }
    if (pending && pending.length > 0) throw new Error('DynamoDB left tenant items unprocessed; try again');
  }
}

/**
 * Makes the table's tenant items match `tenants`, sealing secrets and accounts under `options.pepper` (the
 * deployment's pepper: the functions open them with it): writes what is new or changed, deletes alias and config
 * items the file no longer has (a removed API key, host, userDomain or clientId, a removed tenant).
 * Returns the changes; with `dryRun` it only computes them. Order keeps lookups sound while it runs:
 * configs first, then aliases, then deleted aliases, then deleted configs (an alias never points at a
 * config that is not there yet).
 */
export async function syncTenants(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenants: Tenant[],
  options: { pepper?: Buffer; dryRun?: boolean } = {},
): Promise<TenantChange[]> {
  const wanted = desiredItems(tenants, options.pepper);
  const byId = new Map(tenants.map((tenant) => [tenant.id, tenant]));
  const stored = await storedItems(db, tableName);
  const changes: TenantChange[] = [];
  const puts: Item[] = [];
  for (const [pk, item] of wanted) {
    const old = stored.get(pk);
    if (old && same(old, item, options.pepper)) continue;
    const tenant = pk.startsWith('TENANT#id#') ? byId.get(String(item.tenantId)) : undefined;
    if (old && tenant && typeof old.config === 'string') {
      const before = storedConfig(old, options.pepper);
      const fields = fieldChanges(before.config, tenant, before.opened);
      changes.push({ action: 'update', what: describe(pk), pk, ...(fields.length > 0 ? { fields } : {}) });
    } else {
      changes.push({ action: old ? 'update' : 'add', what: describe(pk), pk });
    }
    puts.push(item);
  }
  const deletes = [...stored.keys()].filter((pk) => !wanted.has(pk));
  for (const pk of deletes) changes.push({ action: 'delete', what: describe(pk), pk });
  if (options.dryRun) return changes;

  const isConfig = (pk: string) => pk.startsWith('TENANT#id#');
  const put = (items: Item[]) => items.map((Item) => ({ PutRequest: { Item } }));
  const del = (pks: string[]) => pks.map((pk) => ({ DeleteRequest: { Key: { pk, sk: 'TENANT' } } }));
  await batchWrite(db, tableName, put(puts.filter((item) => isConfig(String(item.pk)))));
  await batchWrite(db, tableName, put(puts.filter((item) => !isConfig(String(item.pk)))));
  await batchWrite(db, tableName, del(deletes.filter((pk) => !isConfig(pk))));
  await batchWrite(db, tableName, del(deletes.filter(isConfig)));
  // The pepper the tenants are sealed under, recorded so that the admin commands can refuse a wrong one.
  if (options.pepper) await recordPepperFingerprint(db, tableName, options.pepper);
  return changes;
}

/** One line per change (per changed field for a config), for the admin command's output. */
export function formatChanges(changes: TenantChange[]): string {
  const sign = { add: '+', update: '~', delete: '-' } as const;
  return changes
    .flatMap((change) => (change.fields ?? [change.what]).map((line) => `${sign[change.action]} ${line}`))
    .join('\n');
}
