// Tenant config at rest: the secrets and the account directory sealed (AES-256-GCM under a pepper-derived key,
// lib/crypto.ts's seal), the rest in clear so an operator can still read a tenant's settings in the table.
import { seal, unseal } from '../crypto.ts';
import type { Tenant } from './schema.ts';

/** The seal purpose of tenant secrets (the key is HMAC(pepper, "seal|tenant-secrets")); the tenant id is bound to it. */
const PURPOSE = 'tenant-secrets';

/**
 * What is sealed: the two signing secrets and the account directory (ids, emails, phones). API key and
 * Twilio auth token SHA-256s stay in clear: they are digests of random keys (32 bytes for API keys, 128
 * bits for Twilio tokens), nothing can be recovered from them, and the API key hash is the alias key itself.
 */
type Secrets = Pick<Tenant, 'userDomainSecret' | 'sessionTokenSecret' | 'accounts'>;

/** A tenant split for storage: `config` without its secrets, and the secrets as plaintext JSON (undefined: none). */
export function splitTenant(tenant: Tenant): { config: string; secrets?: string } {
  const { userDomainSecret, sessionTokenSecret, accounts, ...rest } = tenant;
  const secrets: Secrets = { userDomainSecret, sessionTokenSecret, accounts };
  const none = userDomainSecret === undefined && sessionTokenSecret === undefined && accounts.length === 0;
  return { config: JSON.stringify(rest), ...(none ? {} : { secrets: JSON.stringify(secrets) }) };
}

/** Seals a tenant's secrets (from {@link splitTenant}) for its config item. */
export function sealSecrets(pepper: Buffer, tenantId: string, secrets: string): string {
  return seal(pepper, PURPOSE, tenantId, secrets);
}

/** Opens the `sealed` attribute of a tenant's config item; throws for another pepper or a tampered value. */
export function openSecrets(pepper: Buffer, tenantId: string, sealed: string): string {
  return unseal(pepper, PURPOSE, tenantId, sealed);
}

/**
 * The tenant a config item stands for. Without `pepper`, the sealed part stays closed: the tenant comes back
 * with no signing secrets and no accounts (enough for readers of limits only). Items written before sealing
 * (secrets inside `config`) read as they were written.
 */
export function openTenant(item: Record<string, unknown>, pepper: Buffer | undefined): Tenant {
  const stored = JSON.parse(String(item.config)) as Tenant;
  const tenant: Tenant = { ...stored, accounts: stored.accounts ?? [] };
  if (typeof item.sealed !== 'string' || !pepper) return tenant;
  const secrets = JSON.parse(openSecrets(pepper, tenant.id, item.sealed)) as Partial<Secrets>;
  return { ...tenant, ...secrets, accounts: secrets.accounts ?? [] };
}
