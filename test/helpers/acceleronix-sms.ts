// Test helper for seed 002: signed requests, fresh nonces and numbers, and small test tenants.
import { randomBytes } from 'node:crypto';
import { parsePhone } from '../../lib/address.ts';
import { concatSha256Hex } from '../../lib/signature.ts';
import type { TenantInput } from '../../lib/tenants/schema.ts';

export const PATH = '/v2/sms/enduserapi/v2/sendPhoneSmsCode';
export const DEMO_DOMAIN = 'C.DM.5903.1';
export const DEMO_SECRET = '57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export type Fields = Record<string, string>;

/** A fresh 16-char [A-Za-z0-9] nonce. */
export function freshRandom(): string {
  return [...randomBytes(16)].map((byte) => ALNUM[byte % ALNUM.length]).join('');
}

/** A correctly signed request for the demo tenant (or `secret`), with overrides applied before signing. */
export function signed(overrides: Fields = {}, secret = DEMO_SECRET): Fields {
  const fields: Fields = {
    codeType: '3',
    internationalCode: '86',
    phone: '13800138000',
    random: freshRandom(),
    ts: String(Date.now()),
    userDomain: DEMO_DOMAIN,
    ...overrides,
  };
  const parts = [fields.phone, fields.codeType, fields.random, fields.ts, secret].map(String);
  return { ...fields, signature: concatSha256Hex(parts) };
}

/** Distinct valid Chinese mobile numbers (national digits) starting with `prefix` (4 digits). */
export function cnNumbers(prefix: string): () => string {
  let sequence = 0;
  return () => {
    sequence += 1;
    const phone = `${prefix}${String(sequence).padStart(7, '0')}`;
    if (!parsePhone(phone, '86')) throw new Error(`test number ${phone} is not valid`);
    return phone;
  };
}

/** Distinct client IPs under `10.{block}.x.y`, so per-IP counters never couple tests. */
export function freshIps(block: number): () => string {
  let sequence = 0;
  return () => {
    sequence += 1;
    return `10.${block}.${Math.floor(sequence / 250)}.${sequence % 250}`;
  };
}

/** The signing secret of a test tenant. */
export const secretOf = (id: string) => `${id}-secret-0123456789abcdef`;

/** A small test tenant with its own userDomain and secret; CN SMS allowed unless `sms` says otherwise. */
export function testTenant(
  id: string,
  options: { domain?: string; sms?: TenantInput['sms']; limits?: TenantInput['limits'] } = {},
): TenantInput {
  return {
    id,
    appName: `Tenant ${id}`,
    aliases: { userDomains: [options.domain ?? `C.TEST.${id.toUpperCase()}.1`] },
    userDomainSecret: secretOf(id),
    mail: { from: `no-reply@${id}.example` },
    sms: options.sms ?? { allowedCountries: ['CN'], dailyBudget: 1000 },
    limits: options.limits ?? { perIp: { limit: 1000, windowSeconds: 3600 } },
  };
}
