// Secondary adapter: makes the table's tenant items match a tenants file (the admin command and `npm start`).
// Each config item holds the tenant's secrets and account directory sealed under the pepper (./sealed.ts).
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { aliasesOf, tenantKey } from './registry.ts';
import type { Tenant } from './schema.ts';
import { openSecrets, sealSecrets, splitTenant } from './sealed.ts';

/** One difference between the file and the table: an item to write or to delete. */
export interface TenantChange {
  action: 'add' | 'update' | 'delete';
  /** `config demo`, `userDomain C.DM.5903.1`, `apiKey sha256:ca6f2e39…` — no secret, no full key hash. */
  what: string;
  pk: string;
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
  const stored = await storedItems(db, tableName);
  const changes: TenantChange[] = [];
  const puts: Item[] = [];
  for (const [pk, item] of wanted) {
    const old = stored.get(pk);
    if (old && same(old, item, options.pepper)) continue;
    changes.push({ action: old ? 'update' : 'add', what: describe(pk), pk });
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
  return changes;
}

/** One line per change, for the admin command's output. */
export function formatChanges(changes: TenantChange[]): string {
  const sign = { add: '+', update: '~', delete: '-' } as const;
  return changes.map((change) => `${sign[change.action]} ${change.what}`).join('\n');
}
