// Use case: what became of a verification — by the id its send returned, or by address for callers that
// never saw the id (apps whose users confirm a mailed link).
import { DomainError, NotFoundError } from '../domain/errors.ts';
import { CHANNELS, type Channel, PURPOSES, type Purpose } from '../domain/vocabulary.ts';
import { maskAddress } from '../mask.ts';
import type { AddressRef } from '../store/verification-store.ts';
import type { Tenant } from '../tenants/schema.ts';
import { addressRef, ID_PATTERN, idOf, type NormalizedAddress, normalize, spellingOf } from './keys.ts';
import type { FullEnginePorts } from './ports.ts';

export interface VerificationStatus {
  id: string;
  status: 'pending' | 'approved' | 'expired' | 'max_attempts' | 'failed';
  channel: Channel;
  to: string;
  purpose: Purpose;
  expiresAt: number;
}

/**
 * The latest verification for (tenant, channel, address, purpose), and when a link last confirmed that
 * address for the purpose (kept 90 days, whatever was sent since).
 */
export async function findVerification(
  ports: FullEnginePorts,
  tenant: Tenant,
  channel: Channel,
  to: string,
  purpose: Purpose,
): Promise<{ latest?: VerificationStatus; verifiedAt?: number; to: string }> {
  let address: NormalizedAddress;
  try {
    address = normalize(tenant, channel, to);
  } catch (error) {
    if (error instanceof DomainError) throw new NotFoundError();
    throw error;
  }
  const ref = addressRef(ports.pepper, tenant, channel, address.mailbox);
  const found = await ports.store.findVerification(
    ref,
    purpose,
    ports.clock.now(),
    tenant.codes.maxAttempts,
    spellingOf(ports.pepper, tenant, channel, address),
  );
  if (!found) throw new NotFoundError();
  const latest = found.latest && {
    id: idOf(channel, purpose, ref.addrKey, found.latest.nonce),
    status: found.latest.state,
    channel,
    to: found.latest.masked,
    purpose,
    expiresAt: found.latest.expiresAt,
  };
  return { latest, verifiedAt: found.verifiedAt, to: maskAddress(channel, address.key) };
}

/** The current status of one verification, by the id its send returned. */
export async function getVerification(
  ports: FullEnginePorts,
  tenant: Tenant,
  id: string,
): Promise<VerificationStatus> {
  const match = ID_PATTERN.exec(id);
  const purpose = match ? PURPOSES[Number(match[2])] : undefined;
  if (!match || !purpose) throw new NotFoundError();
  const channel: Channel = CHANNELS.find((name) => name[0] === match[1]) ?? 'email';
  const ref: AddressRef = { tenantId: tenant.id, channel, addrKey: match[3] ?? '' };
  const view = await ports.store.getVerification(
    ref,
    purpose,
    match[4] ?? '',
    ports.clock.now(),
    tenant.codes.maxAttempts,
  );
  if (!view) throw new NotFoundError();
  return { id, status: view.state, channel, to: view.masked, purpose, expiresAt: view.expiresAt };
}
