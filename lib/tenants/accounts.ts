// The accounts directory: per tenant, who exists (id, email, phone), for dialects that ask (Fresns, AnqiCMS).
// At rest it is sealed inside the tenant's config item (./sealed.ts); here it is the opened tenant's list,
// indexed once per tenant object so a lookup is a map read, not a walk over every account.
import { emailKey } from '../address.ts';
import type { Account, Tenant } from './schema.ts';

interface AccountIndex {
  byEmail: Map<string, Account>;
  byPhone: Map<string, Account>;
  byId: Map<string, Account>;
}

/** One index per opened tenant (the registry caches the tenant object, so it is built once per cache fill). */
const indexes = new WeakMap<Tenant, AccountIndex>();

function indexOf(tenant: Tenant): AccountIndex {
  let index = indexes.get(tenant);
  if (!index) {
    index = { byEmail: new Map(), byPhone: new Map(), byId: new Map() };
    // The first account listed wins a duplicate, as the list walk it replaces did.
    for (const account of tenant.accounts) {
      if (account.email !== undefined && !index.byEmail.has(emailKey(account.email)))
        index.byEmail.set(emailKey(account.email), account);
      if (account.phone !== undefined && !index.byPhone.has(account.phone))
        index.byPhone.set(account.phone, account);
      if (!index.byId.has(account.id)) index.byId.set(account.id, account);
    }
    indexes.set(tenant, index);
  }
  return index;
}

/** The account with this email (compared in key form), if any. */
export function findAccountByEmail(tenant: Tenant, email: string): Account | undefined {
  return indexOf(tenant).byEmail.get(emailKey(email));
}

/** The account with this E.164 phone number, if any. */
export function findAccountByPhone(tenant: Tenant, e164: string): Account | undefined {
  return indexOf(tenant).byPhone.get(e164);
}

/** The account with this id, if any. */
export function findAccountById(tenant: Tenant, id: string): Account | undefined {
  return indexOf(tenant).byId.get(id);
}
