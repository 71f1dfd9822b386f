// Secondary adapter: tenant lookup by each dialect's handle, with a short in-memory cache per container.
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../crypto.ts';
import { dynamoFault } from '../store/client.ts';
import { type Tenant, tenantSchema } from './schema.ts';

/** The ways a dialect names its tenant (SPEC §4). */
export type AliasKind = 'id' | 'userDomain' | 'clientId' | 'host' | 'apiKey';

const aliasKey = (kind: AliasKind, value: string) => ({ pk: `TENANT#${kind}#${value}`, sk: 'TENANT' });

/** Every alias item a tenant is stored under; each holds the whole config, so a lookup is one GetItem. */
function aliasesOf(tenant: Tenant): [AliasKind, string][] {
  return [
    ['id', tenant.id],
    ...tenant.aliases.userDomains.map((value): [AliasKind, string] => ['userDomain', value]),
    ...tenant.aliases.clientIds.map((value): [AliasKind, string] => ['clientId', value]),
    ...tenant.aliases.hosts.map((value): [AliasKind, string] => ['host', value.toLowerCase()]),
    ...tenant.apiKeySha256.map((value): [AliasKind, string] => ['apiKey', value]),
  ];
}

interface CacheEntry {
  tenant: Tenant | undefined;
  until: number;
}

/** Looks tenants up by alias. A warm container answers from memory for `ttlMs` (SPEC §4: about a minute). */
export class TenantRegistry {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The tenant behind an alias; undefined for unknown aliases (cached too, so floods cost no reads). */
  async find(kind: AliasKind, value: string): Promise<Tenant | undefined> {
    if (value.length === 0 || value.length > 256) return undefined;
    const cacheKey = `${kind}#${value}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > this.now()) return hit.tenant;
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: aliasKey(kind, value) }),
      ));
    } catch (error) {
      throw dynamoFault(error);
    }
    const tenant = item ? tenantSchema.parse(JSON.parse(String(item.config))) : undefined;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(cacheKey, { tenant, until: this.now() + this.ttlMs });
    return tenant;
  }

  /** By `Host` header: the port is ignored, and `*` is the fallback tenant. */
  async findByHost(host: string | undefined): Promise<Tenant | undefined> {
    const name = (host ?? '').trim().toLowerCase().replace(/:\d+$/, '');
    return (name ? await this.find('host', name) : undefined) ?? (await this.find('host', '*'));
  }

  /** By native API key (looked up by its SHA-256; the key itself is never stored). */
  async findByApiKey(apiKey: string): Promise<Tenant | undefined> {
    return this.find('apiKey', sha256Hex(apiKey));
  }

  /** Writes every alias item of the given tenants (the admin command and the local runtime use this). */
  async put(tenants: Tenant[]): Promise<number> {
    const requests = tenants.flatMap((tenant) =>
      aliasesOf(tenant).map(([kind, value]) => ({
        PutRequest: {
          Item: { ...aliasKey(kind, value), tenantId: tenant.id, config: JSON.stringify(tenant) },
        },
      })),
    );
    for (let start = 0; start < requests.length; start += 25) {
      let pending: typeof requests | undefined = requests.slice(start, start + 25);
      for (let round = 0; pending && pending.length > 0 && round < 8; round++) {
        const result = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.tableName] as typeof requests | undefined;
      }
      if (pending && pending.length > 0) throw new Error('DynamoDB left tenant items unprocessed; try again');
    }
    this.cache.clear();
    return requests.length;
  }
}
