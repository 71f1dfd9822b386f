// Secondary adapter: makes the table's tenant items match a tenants file (the admin command and `npm start`).
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { aliasesOf, tenantKey } from './registry.ts';
import type { Tenant } from './schema.ts';

/** One difference between the file and the table: an item to write or to delete. */
export interface TenantChange {
  action: 'add' | 'update' | 'delete';
  /** `config demo`, `userDomain C.DM.5903.1`, `apiKey sha256:ca6f2e39…` — no secret, no full key hash. */
  what: string;
  pk: string;
}

type Item = Record<string, NativeAttributeValue>;

/** The items a tenants file stands for: each tenant's config item, then its alias items. */
export function desiredItems(tenants: Tenant[]): Map<string, Item> {
  const items = new Map<string, Item>();
  for (const tenant of tenants) {
    const config = { ...tenantKey('id', tenant.id), tenantId: tenant.id, config: JSON.stringify(tenant) };
    items.set(config.pk, config);
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

/** Whether a stored item already holds what the file wants (an alias item of the old layout does not). */
function same(stored: Item, wanted: Item): boolean {
  const keys = new Set([...Object.keys(stored), ...Object.keys(wanted)]);
  return [...keys].every((key) => stored[key] === wanted[key]);
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
 * Makes the table's tenant items match `tenants`: writes what is new or changed, deletes alias and config
 * items the file no longer has (a removed API key, host, userDomain or clientId, a removed tenant).
 * Returns the changes; with `dryRun` it only computes them. Order keeps lookups sound while it runs:
 * configs first, then aliases, then deleted aliases, then deleted configs (an alias never points at a
 * config that is not there yet).
 */
export async function syncTenants(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenants: Tenant[],
  options: { dryRun?: boolean } = {},
): Promise<TenantChange[]> {
  const wanted = desiredItems(tenants);
  const stored = await storedItems(db, tableName);
  const changes: TenantChange[] = [];
  const puts: Item[] = [];
  for (const [pk, item] of wanted) {
    const old = stored.get(pk);
    if (old && same(old, item)) continue;
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
