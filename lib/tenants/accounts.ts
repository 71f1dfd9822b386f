// The accounts directory: per tenant, who exists (id, email, phone), for dialects that ask (Fresns, AnqiCMS).
import { emailKey } from '../address.ts';
import type { Account, Tenant } from './schema.ts';

/** The account with this email (compared in key form), if any. */
export function findAccountByEmail(tenant: Tenant, email: string): Account | undefined {
  const key = emailKey(email);
  return tenant.accounts.find((account) => account.email !== undefined && emailKey(account.email) === key);
}

/** The account with this E.164 phone number, if any. */
export function findAccountByPhone(tenant: Tenant, e164: string): Account | undefined {
  return tenant.accounts.find((account) => account.phone === e164);
}

/** The account with this id, if any. */
export function findAccountById(tenant: Tenant, id: string): Account | undefined {
  return tenant.accounts.find((account) => account.id === id);
}
