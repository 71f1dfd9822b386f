// Use case helpers: how the engine names things at rest — normalized addresses, keyed hashes, verification
// ids — and how long an address item must be kept.
import { emailKey, parseEmail, parsePhone } from '../address.ts';
import { keyedHash } from '../crypto.ts';
import { CountryNotAllowedError, InvalidAddressError } from '../domain/errors.ts';
import { type Channel, PURPOSES, type Purpose } from '../domain/vocabulary.ts';
import type { AddressRef } from '../store/verification-store.ts';
import type { Tenant } from '../tenants/schema.ts';

/** `vf_` + channel initial + purpose index + address key + `.` + the send's nonce. */
export const ID_PATTERN = /^vf_([es])(\d{2})([A-Za-z0-9_-]{43})\.([0-9a-f]{16})$/;

/** A verification id: channel, purpose, address key and the send's nonce — opaque, and nothing secret. */
export function idOf(channel: Channel, purpose: Purpose, addrKey: string, nonce: string): string {
  return `vf_${channel[0]}${String(PURPOSES.indexOf(purpose)).padStart(2, '0')}${addrKey}.${nonce}`;
}

/** The address to deliver to and its normalized key form, or InvalidAddressError / CountryNotAllowedError. */
export function normalize(tenant: Tenant, channel: Channel, to: string) {
  if (channel === 'email') {
    const email = parseEmail(to);
    if (!email) throw new InvalidAddressError('email');
    return { deliverTo: email, key: emailKey(email) };
  }
  const phone = parsePhone(to);
  if (!phone) throw new InvalidAddressError('sms');
  if (!phone.country || !tenant.sms.allowedCountries.includes(phone.country)) {
    throw new CountryNotAllowedError(phone.country);
  }
  return { deliverTo: phone.e164, key: phone.e164 };
}

/** The address item of (tenant, channel, normalized address): keyed, so a table dump shows no address. */
export function addressRef(pepper: Buffer, tenant: Tenant, channel: Channel, key: string): AddressRef {
  return { tenantId: tenant.id, channel, addrKey: keyedHash(pepper, 'addr', tenant.id, channel, key) };
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
    ) + 60
  );
}
