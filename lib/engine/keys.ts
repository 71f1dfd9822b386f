// Use case helpers: how the engine names things at rest — normalized addresses, keyed hashes, verification
// ids — and how long an address item must be kept.
import { canonicalMailbox, emailKey, parseEmail, parsePhone } from '../address.ts';
import { keyedHash } from '../crypto.ts';
import { CountryNotAllowedError, InvalidAddressError } from '../domain/errors.ts';
import { type Channel, PURPOSES, type Purpose } from '../domain/vocabulary.ts';
import type { AddressRef } from '../store/verification-store.ts';
import type { Tenant } from '../tenants/schema.ts';
import { allowedCountries } from './channels.ts';

/** `vf_` + channel initial (e, s, w, v) + purpose index + address key + `.` + the send's nonce. */
export const ID_PATTERN = /^vf_([esvw])(\d{2})([A-Za-z0-9_-]{43})\.([0-9a-f]{16})$/;

/** A verification id: channel, purpose, address key and the send's nonce — opaque, and nothing secret. */
export function idOf(channel: Channel, purpose: Purpose, addrKey: string, nonce: string): string {
  return `vf_${channel[0]}${String(PURPOSES.indexOf(purpose)).padStart(2, '0')}${addrKey}.${nonce}`;
}

/** An address three ways: as given, as its spelling (what codes bind to), as the mailbox (what limits count). */
export interface NormalizedAddress {
  /** Where the message goes: the address as the caller spelled it (trimmed), or E.164. */
  deliverTo: string;
  /** The spelling codes, links, grants and masks are bound to: the lower-cased email, or E.164. */
  key: string;
  /** The canonical mailbox (lib/address.ts): the address item, every limit and the suppression list. */
  mailbox: string;
}

/** The address to deliver to and its normalized forms, or InvalidAddressError / CountryNotAllowedError. */
export function normalize(tenant: Tenant, channel: Channel, to: string): NormalizedAddress {
  if (channel === 'email') {
    const email = parseEmail(to);
    if (!email) throw new InvalidAddressError('email');
    return { deliverTo: email, key: emailKey(email), mailbox: canonicalMailbox(email) };
  }
  const phone = parsePhone(to);
  if (!phone) throw new InvalidAddressError('sms');
  if (!phone.country || !allowedCountries(tenant, channel).includes(phone.country)) {
    throw new CountryNotAllowedError(phone.country);
  }
  return { deliverTo: phone.e164, key: phone.e164, mailbox: phone.e164 };
}

/**
 * The address item of (tenant, channel, canonical mailbox): keyed, so a table dump shows no address. Every
 * spelling of one mailbox shares it, and with it the send slots, failed-check slots and attempt counts.
 */
export function addressRef(pepper: Buffer, tenant: Tenant, channel: Channel, mailbox: string): AddressRef {
  return { tenantId: tenant.id, channel, addrKey: keyedHash(pepper, 'addr', tenant.id, channel, mailbox) };
}

/**
 * Which spelling of the mailbox a verification was sent to, as the address item keeps it: undefined when
 * the spelling is the mailbox itself (so items written before mailboxes were canonical read the same),
 * else a keyed hash. Lookups by address answer only for the spelling they name: a confirmation of
 * `x+1@` must not read as one of `x@`, which may be another mailbox at a provider without subaddressing.
 */
export function spellingOf(pepper: Buffer, tenant: Tenant, channel: Channel, address: NormalizedAddress) {
  if (address.key === address.mailbox) return undefined;
  return keyedHash(pepper, 'spelling', tenant.id, channel, address.key);
}

/** The only form in which a code is stored: bound to tenant, channel, address and purpose. */
export function codeHash(
  pepper: Buffer,
  tenant: Tenant,
  channel: Channel,
  key: string,
  purpose: Purpose,
  code: string,
) {
  return keyedHash(pepper, tenant.id, channel, key, purpose, code);
}

/** The stored form of a mailed link token. */
export function linkHash(
  pepper: Buffer,
  tenant: Tenant,
  channel: Channel,
  key: string,
  purpose: Purpose,
  token: string,
) {
  return keyedHash(pepper, 'link', tenant.id, channel, key, purpose, token);
}

/** The stored form of a one-time grant (e.g. a password-reset token). */
export function grantHash(pepper: Buffer, tenant: Tenant, key: string, purpose: Purpose, token: string) {
  return keyedHash(pepper, 'grant', tenant.id, 'email', key, purpose, token);
}

/** How long an address item must outlive a write: its longest window or validity, plus a minute. */
export function retentionSeconds(tenant: Tenant) {
  return (
    Math.max(
      tenant.limits.perAddress.windowSeconds,
      tenant.limits.cooldownSeconds,
      tenant.codes.failureCap.windowSeconds,
      tenant.codes.ttlSeconds.email,
      tenant.codes.ttlSeconds.sms,
      tenant.codes.ttlSeconds.whatsapp,
      tenant.codes.ttlSeconds.voice,
    ) + 60
  );
}
