// Use case: the attempt log of verifications sent under an external id (Twilio's Verification Attempts). A send
// writes its attempt in its own transaction (external-admission.ts); an approval marks the verification's
// attempts converted; readers list, fetch and count them for one owner scope, with the address opened.
import { keyedHash, seal, unseal } from '../crypto.ts';
import type { AttemptFilter, AttemptRecord } from '../store/attempt-log.ts';
import type { Tenant } from '../tenants/schema.ts';
import type { FullEnginePorts } from './ports.ts';

const SEAL_PURPOSE = 'attempt-address';

/** What an attempt stores of its address: sealed (bound to the attempt), and a keyed hash to filter by. */
export function attemptAddress(pepper: Buffer, tenantId: string, attemptId: string, to: string) {
  return { sealed: seal(pepper, SEAL_PURPOSE, attemptId, to), toHash: addressHash(pepper, tenantId, to) };
}

/** The filterable stand-in for an address: an email in lower case, a number as E.164. */
const addressHash = (pepper: Buffer, tenantId: string, to: string) =>
  keyedHash(pepper, 'attempt-to', tenantId, to.includes('@') ? to.toLowerCase() : to);

/** An attempt with its address opened (undefined when it no longer opens: a changed pepper). */
export type Attempt = Omit<AttemptRecord, 'sealed' | 'toHash'> & { to: string | undefined };

function opened(pepper: Buffer, record: AttemptRecord): Attempt {
  const { sealed, toHash: _hash, ...rest } = record;
  let to: string | undefined;
  try {
    to = unseal(pepper, SEAL_PURPOSE, record.id, sealed);
  } catch {
    to = undefined;
  }
  return { ...rest, to };
}

/** A reader's filter: the address in clear (`to`) becomes its keyed hash. */
export type AttemptQuery = Omit<AttemptFilter, 'toHash'> & { to?: string };

const filterOf = (ports: FullEnginePorts, tenant: Tenant, query: AttemptQuery): AttemptFilter => {
  const { to, ...rest } = query;
  return to === undefined ? rest : { ...rest, toHash: addressHash(ports.pepper, tenant.id, to) };
};

export async function listAttempts(
  ports: FullEnginePorts,
  tenant: Tenant,
  scope: string,
  query: AttemptQuery,
  page: { size: number; after?: string },
) {
  const { records, next } = await ports.store.listAttempts(
    tenant.id,
    scope,
    filterOf(ports, tenant, query),
    page.size,
    page.after,
  );
  return { attempts: records.map((record) => opened(ports.pepper, record)), next };
}

export async function getAttempt(ports: FullEnginePorts, tenant: Tenant, scope: string, id: string) {
  const record = await ports.store.getAttempt(tenant.id, scope, id);
  return record && opened(ports.pepper, record);
}

export const countAttempts = (ports: FullEnginePorts, tenant: Tenant, scope: string, query: AttemptQuery) =>
  ports.store.countAttempts(tenant.id, scope, filterOf(ports, tenant, query));

/** The verification was approved: its attempts count as converted. */
export const markConverted = (ports: FullEnginePorts, tenant: Tenant, scope: string, attemptIds: string[]) =>
  ports.store.markConverted(tenant.id, scope, attemptIds, ports.clock.now());
