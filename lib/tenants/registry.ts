// Secondary adapter: tenant lookup by each dialect's handle, with a short in-memory cache per container.
//
// Layout: one config item per tenant (`TENANT#id#{id}` / `TENANT`, the whole config) and one small alias
// item per handle (`TENANT#{kind}#{value}` / `TENANT`, only `tenantId`). The config item holds the signing
// secrets and the account directory sealed under the pepper (./sealed.ts), opened here on read; an alias
// never carries a copy of them, and removing a tenant's config item ends every alias at
// once. A lookup costs two GetItems on a cold cache (alias, then config; the config is then cached by
// id for every other alias of the tenant), none on a warm one.
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../crypto.ts';
import { dynamoFault } from '../store/client.ts';
import type { Tenant } from './schema.ts';
import { openTenant } from './sealed.ts';

/** The ways a dialect names its tenant. */
export type AliasKind = 'id' | 'userDomain' | 'clientId' | 'host' | 'apiKey' | 'twilioAccount';

/** The key of a tenant's config item (kind `id`) or of one of its alias items. */
export const tenantKey = (kind: AliasKind, value: string) => ({
  pk: `TENANT#${kind}#${value}`,
  sk: 'TENANT',
});

/** Every alias a tenant answers to, besides its id. Hosts are stored lower-cased. */
export function aliasesOf(tenant: Tenant): [AliasKind, string][] {
  return [
    ...tenant.aliases.userDomains.map((value): [AliasKind, string] => ['userDomain', value]),
    ...tenant.aliases.clientIds.map((value): [AliasKind, string] => ['clientId', value]),
    ...tenant.aliases.hosts.map((value): [AliasKind, string] => ['host', value.toLowerCase()]),
    ...tenant.apiKeySha256.map((value): [AliasKind, string] => ['apiKey', value]),
    ...(tenant.twilio?.accounts ?? []).map((a): [AliasKind, string] => ['twilioAccount', a.accountSid]),
  ];
}

interface CacheEntry<T> {
  value: Promise<T | undefined>;
  until: number;
}

/** Called with every tenant a lookup finds (e.g. the browser-origin guard of one request); may throw. */
export type TenantAdmission = (tenant: Tenant) => void;

/**
 * Looks tenants up by alias. A config item is read as stored: tenants are validated when they are written
 * (the sync takes tenants parsed with the full schema, defaults filled in and origins normalized), so no
 * function loads the schema library to parse them again on its first request. A warm container answers
 * from memory for `ttlMs` (about a minute), unknown aliases included, so a removed or disabled tenant
 * stops answering within that time.
 */
export class TenantRegistry {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly cache = new Map<string, CacheEntry<string | Tenant>>(),
    private readonly admit?: TenantAdmission,
    private readonly pepper?: Buffer,
  ) {}

  /**
   * A registry that opens each tenant's sealed secrets and accounts with `pepper` (its own cache). Every
   * function that signs, verifies sessions or asks for accounts uses one; a registry without the pepper
   * sees each tenant without secrets and accounts (the lifecycle-events enrichment needs limits only).
   */
  opening(pepper: Buffer): TenantRegistry {
    return new TenantRegistry(this.db, this.tableName, this.ttlMs, this.now, new Map(), this.admit, pepper);
  }

  /**
   * The same registry (and cache) for one request: every enabled tenant it finds is first passed to
   * `admit`, which may refuse the request by throwing. The HTTP layer uses it for the origin guard.
   */
  admitting(admit: TenantAdmission): TenantRegistry {
    return new TenantRegistry(this.db, this.tableName, this.ttlMs, this.now, this.cache, admit, this.pepper);
  }

  /** The tenant behind an alias; undefined for unknown aliases (cached too, so floods cost no reads). */
  async find(kind: AliasKind, value: string): Promise<Tenant | undefined> {
    if (value.length === 0 || value.length > 256) return undefined;
    const tenantId = kind === 'id' ? value : await this.cached(`${kind}#${value}`, (item) => item.tenantId);
    const tenant =
      typeof tenantId === 'string'
        ? await this.cached(`id#${tenantId}`, (item) => openTenant(item, this.pepper))
        : undefined;
    if (typeof tenant !== 'object') return undefined;
    if (!tenant.disabled) this.admit?.(tenant);
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

  /** Forgets every cached lookup (after this process rewrote the tenants). */
  forget(): void {
    this.cache.clear();
  }

  /**
   * One item read through the cache: `TENANT#{key}` mapped by `read`, or undefined when absent. The
   * cache holds the read itself, so concurrent cold requests for one key share a single GetItem.
   */
  private cached<T extends string | Tenant>(
    key: string,
    read: (item: Record<string, unknown>) => unknown,
  ): Promise<T | undefined> {
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.value as Promise<T | undefined>;
    const value = this.db
      .send(new GetCommand({ TableName: this.tableName, Key: { pk: `TENANT#${key}`, sk: 'TENANT' } }))
      .then(({ Item }) => (Item ? (read(Item) as T) : undefined))
      .catch((error: unknown) => {
        // A failed read is not remembered: the next request asks DynamoDB again.
        if (this.cache.get(key)?.value === value) this.cache.delete(key);
        throw dynamoFault(error);
      });
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(key, { value, until: this.now() + this.ttlMs });
    return value;
  }
}
