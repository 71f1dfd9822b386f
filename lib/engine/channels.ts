// Use case helpers: what each phone channel (SMS, WhatsApp, voice) takes from the tenant — the countries it may
// reach and the daily budget its sends spend. Each channel has its own list and counter: prices differ.
import type { Channel } from '../domain/vocabulary.ts';
import type { CounterSpec } from '../store/verification-store.ts';
import type { Tenant } from '../tenants/schema.ts';

/** The countries a phone channel may reach for the tenant; none for a channel the tenant does not set up. */
export function allowedCountries(tenant: Tenant, channel: Channel): readonly string[] {
  if (channel === 'sms') return tenant.sms.allowedCountries;
  if (channel === 'whatsapp') return tenant.whatsapp?.allowedCountries ?? [];
  if (channel === 'voice') return tenant.voice?.allowedCountries ?? [];
  return [];
}

/** The daily budget counter a send on a phone channel spends (`sms#…`, `whatsapp#…`, `voice#…`); none for mail. */
export function budgetCounter(tenant: Tenant, channel: Channel): CounterSpec | undefined {
  const limit =
    channel === 'sms'
      ? tenant.sms.dailyBudget
      : channel === 'whatsapp'
        ? tenant.whatsapp?.dailyBudget
        : channel === 'voice'
          ? tenant.voice?.dailyBudget
          : undefined;
  if (limit === undefined) return undefined;
  return { scope: 'budget', key: `${channel}#${tenant.id}`, limit, windowSeconds: 86_400 };
}
