// Use case: mailed links (seed 004) and the one-time grants a confirmed link issues.
import { canonicalMailbox, emailKey, parseEmail } from '../address.ts';
import { randomToken } from '../crypto.ts';
import type { Purpose } from '../domain/vocabulary.ts';
import { maskAddress } from '../mask.ts';
import type { Tenant } from '../tenants/schema.ts';
import { addressRef, grantHash, linkHash, retentionSeconds, spellingOf } from './keys.ts';
import type { FullEnginePorts } from './ports.ts';

/** Link and grant tokens are 256-bit base64url; anything else is refused before any write. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{20,100}$/;

export interface ConfirmLinkCommand {
  tenant: Tenant;
  to: string;
  purpose: Purpose;
  token: string;
  grant?: { validitySeconds: number };
}

/**
 * Confirms a mailed link: the token's keyed hash must match the live one for (tenant, email, purpose).
 * Single use: the same write removes the link and the code and marks the address verified. With
 * `grant`, that write also stores the keyed hash of a fresh 256-bit one-time grant (e.g. a password
 * reset token) valid for `validitySeconds`; the token itself is returned once and never stored.
 */
export async function confirmLink(
  ports: FullEnginePorts,
  command: ConfirmLinkCommand,
): Promise<{ confirmed: boolean; grant?: string }> {
  const { store, clock, pepper } = ports;
  const { tenant, purpose } = command;
  const email = parseEmail(command.to);
  if (!email || !TOKEN_FORMAT.test(command.token)) return { confirmed: false };
  const key = emailKey(email);
  const address = { deliverTo: email, key, mailbox: canonicalMailbox(email) };
  const now = clock.now();
  const grantToken = command.grant ? randomToken(32) : undefined;
  const grantSeconds = command.grant?.validitySeconds ?? 0;
  const confirmed = await store.consumeLink({
    address: addressRef(pepper, tenant, 'email', address.mailbox),
    spelling: spellingOf(pepper, tenant, 'email', address),
    purpose,
    linkHash: linkHash(pepper, tenant, 'email', key, purpose, command.token),
    now,
    retentionSeconds: Math.max(retentionSeconds(tenant), grantSeconds + 60),
    grant: grantToken
      ? { hash: grantHash(pepper, tenant, key, purpose, grantToken), expiresAt: now + grantSeconds * 1000 }
      : undefined,
  });
  ports.observe?.({
    type: 'link_checked',
    tenant: tenant.id,
    purpose,
    to: maskAddress('email', key),
    confirmed,
  });
  if (!confirmed) return { confirmed: false };
  return { confirmed: true, ...(grantToken ? { grant: grantToken } : {}) };
}

export interface RedeemGrantCommand {
  tenant: Tenant;
  to: string;
  purpose: Purpose;
  token: string;
}

/**
 * Redeems a grant issued by `confirmLink` for (tenant, email, purpose): true exactly once, while it
 * is live. One conditional write decides, so concurrent redemptions cannot both succeed.
 */
export async function redeemGrant(ports: FullEnginePorts, command: RedeemGrantCommand): Promise<boolean> {
  const { store, clock, pepper } = ports;
  const { tenant, purpose } = command;
  const email = parseEmail(command.to);
  if (!email || !TOKEN_FORMAT.test(command.token)) return false;
  const key = emailKey(email);
  const redeemed = await store.redeemGrant({
    address: addressRef(pepper, tenant, 'email', canonicalMailbox(email)),
    purpose,
    grantHash: grantHash(pepper, tenant, key, purpose, command.token),
    now: clock.now(),
  });
  ports.observe?.({
    type: 'grant_redeemed',
    tenant: tenant.id,
    purpose,
    to: maskAddress('email', key),
    redeemed,
  });
  return redeemed;
}
