// Use case: the SMS pumping guard. Every phone send (channel !== 'email') counts one unverified send on its number
// prefix and its price on the tenant's day, as two more conditional Updates in the admission transaction (store/
// prefix-guard.ts); every entered code takes one back. A prefix that reaches its floor of unverified sends is
// judged here — only then, so an ordinary send stays one round trip — and blocked when its entry rate is
// significantly below what the tenant's real users show. docs/architecture.md, "The pumping guard".
import { parsePhone } from '../address.ts';
import { keyedHash } from '../crypto.ts';
import { PumpingBlockedError, RateLimitedError, SpendCeilingError } from '../domain/errors.ts';
import type { Channel } from '../domain/vocabulary.ts';
import type { AddressRef } from '../store/address-item.ts';
import { type GuardAdmission, GuardRefusal, type PrefixRef } from '../store/prefix-guard-store.ts';
import type { AdmitSendInput, IdempotentReplay } from '../store/verification-store.ts';
import { guardSettings } from '../tenants/guard-settings.ts';
import type { Tenant } from '../tenants/schema.ts';
import type { GuardSettings } from '../tenants/schema-guard.ts';
import type { EnginePorts } from './ports.ts';
import { smsPriceUsd } from './sms-prices.ts';

/** Digits dropped from the E.164 number to name its prefix: a block of 1,000 numbers, as ranges are allocated. */
export const PREFIX_DROP = 3;
/** How long a prefix's unverified count runs before it starts afresh (lazily, when the floor is reached). */
export const WINDOW_MS = 3600_000;
/** Block lengths for a first, second and any later offence within OFFENCE_MEMORY_MS of the last. */
export const BLOCKS_MS = [15 * 60_000, 12 * 3600_000, 72 * 3600_000] as const;
export const OFFENCE_MEMORY_MS = 7 * 24 * 3600_000;
/** A number whose code was entered this recently is never blocked by the guard. */
export const VERIFIED_EXEMPTION_MS = 90 * 24 * 3600_000;
/** Block when a prefix's entries are this unlikely under the real users' entry rate (one-sided binomial test). */
export const ALPHA = 0.01;
/** Real users' entry rate before the tenant has 20 sends to the country today, and the bounds of the measured one. */
export const PRIOR_ENTRY_RATE = 0.7;
export const ENTRY_RATE_BOUNDS = [0.6, 0.95] as const;
/** The floor grows with the tenant's verified traffic to the country: one more per this many entered codes today. */
export const VERIFIED_PER_FLOOR_STEP = 1000;
/** How far the floor rises when a prefix at its floor is not (yet) significantly below the baseline. */
export const FLOOR_STEP = 2;
/** Rounds of the refusal loop before a still-refused send answers "retry in a second". */
const MAX_ROUNDS = 6;

const settingsOf = new WeakMap<Tenant, GuardSettings>();
/** The tenant's guard settings, defaults applied (cached per tenant object). */
export function guardOf(tenant: Tenant): GuardSettings {
  let settings = settingsOf.get(tenant);
  if (!settings) {
    settings = guardSettings(tenant.sms.guard);
    settingsOf.set(tenant, settings);
  }
  return settings;
}

/** The prefix of an E.164 number and how operators see it (its last two digits masked too). */
export function prefixOf(e164: string): { prefix: string; shown: string } {
  const prefix = e164.slice(0, -PREFIX_DROP);
  return { prefix, shown: `${prefix.slice(0, -2)}**${'x'.repeat(PREFIX_DROP)}` };
}

/** The prefix item of a tenant's prefix: keyed, so a table dump shows no prefix. */
export function prefixRef(pepper: Buffer, tenantId: string, country: string, prefix: string): PrefixRef {
  return { tenantId, country, key: keyedHash(pepper, 'guard', tenantId, prefix) };
}

/**
 * What a phone send costs, in micro-USD: the country's price per part (the tenant's `sms.guard.pricesUsd`, the cited
 * table, or the guess) times the text's `parts` (lib/delivery/sms-parts.ts; one for WhatsApp and calls). The guard
 * charges it to the day's spend and the `Spend` metric reports it, whether or not the guard is on.
 */
export function chargeMicros(tenant: Tenant, country: string, parts: number): number {
  return Math.round(smsPriceUsd(country, guardOf(tenant).pricesUsd) * 1e6) * parts;
}

/** A phone send's charge (`chargeMicros` for its number's country) without a guard admission; undefined for mail. */
export function phoneChargeMicros(tenant: Tenant, channel: Channel, e164: string, parts: number) {
  const country = channel === 'email' ? undefined : parsePhone(e164)?.country;
  return country === undefined ? undefined : chargeMicros(tenant, country, parts);
}

/** What a phone send adds to the admission (its charge: `chargeMicros`), or undefined (mail, a guard that is off). */
export function guardAdmission(
  ports: EnginePorts,
  tenant: Tenant,
  channel: Channel,
  e164: string,
  now: number,
  parts = 1,
): GuardAdmission | undefined {
  if (channel === 'email') return undefined;
  const settings = guardOf(tenant);
  const country = parsePhone(e164)?.country;
  if (settings.mode === 'off' || !country) return undefined;
  const { prefix, shown } = prefixOf(e164);
  return {
    prefix: prefixRef(ports.pepper, tenant.id, country, prefix),
    shown,
    channel,
    minFloor: settings.floor,
    mode: settings.mode,
    exempt: settings.safeList.some((entry) => e164.startsWith(entry)),
    spend: {
      micros: chargeMicros(tenant, country, parts),
      day: Math.floor(now / 86_400_000),
      baseMicros: Math.round(settings.unverifiedSpend.baseUsd * 1e6),
    },
  };
}

/**
 * The SNS `MaxPrice` of a text: with the guard enforcing, no more than the text was charged to the day's spend, so
 * SNS does not deliver a text dearer than the ceiling counted it (the ceiling is a bound in dollars, not only in
 * texts, whatever the country's real price); the tenant's own `sms.maxPrice` when that is lower, or with no guard.
 */
export function smsMaxPrice(
  tenantMax: string | undefined,
  guard: GuardAdmission | undefined,
): string | undefined {
  if (guard?.mode !== 'enforce') return tenantMax;
  const charged = guard.spend.micros / 1e6;
  if (tenantMax !== undefined && Number(tenantMax) <= charged) return tenantMax;
  return String(Number(charged.toFixed(6)));
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  let term = (1 - p) ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

/**
 * Real users' entry rate to the country, from the tenant's day (sends and approvals per country) without the
 * judged prefix's own window (`own`), so an attack does not lower the bar it is judged by. Bounded below at 60%:
 * other attacked prefixes of the same day drag the measured rate down too.
 */
export function baselineRate(
  spend: Record<string, unknown> | undefined,
  country: string,
  own: { sends: number; entered: number } = { sends: 0, entered: 0 },
): number {
  const sends = Number(spend?.[`s_${country}`] ?? 0) - own.sends;
  const entered = Number(spend?.[`v_${country}`] ?? 0) - own.entered;
  if (sends < 20) return PRIOR_ENTRY_RATE;
  return Math.min(ENTRY_RATE_BOUNDS[1], Math.max(ENTRY_RATE_BOUNDS[0], entered / sends));
}

/** The floor of unverified sends before judging: the tenant's own, raised with its verified traffic to the country. */
export function adaptiveFloor(minFloor: number, spend: Record<string, unknown> | undefined, country: string) {
  return Math.max(minFloor, Math.ceil(Number(spend?.[`v_${country}`] ?? 0) / VERIFIED_PER_FLOOR_STEP));
}

/** Whether `unverified` of `sends` is significantly fewer entries than the baseline rate predicts. */
export function looksPumped(sends: number, unverified: number, rate: number): boolean {
  const entered = Math.max(0, sends - Math.max(0, unverified));
  return binomialCdf(entered, Math.max(sends, unverified), rate) < ALPHA;
}

/**
 * Admits a send that carries the guard's items: on a refusal by the guard, decides (exempt number, block, new
 * window, higher floor) and tries again. Throws PumpingBlockedError for a blocked prefix (enforce), a
 * SpendCeilingError at the day's ceiling; in monitor mode records the block and admits.
 */
export async function admitGuarded(
  ports: EnginePorts,
  admission: AdmitSendInput,
  address: AddressRef,
): Promise<IdempotentReplay | undefined> {
  const { store, clock } = ports;
  for (let round = 0; ; round++) {
    try {
      return await store.admitSend(admission);
    } catch (error) {
      const { guard } = admission;
      if (!(error instanceof GuardRefusal) || !guard) throw error;
      if (round >= MAX_ROUNDS) throw new RateLimitedError('address', 1);
      const now = clock.now();
      const context = await store.guard.context(guard.prefix.tenantId, address, now);
      const verified = context.verifiedAt !== undefined && now - context.verifiedAt < VERIFIED_EXEMPTION_MS;
      if (verified || context.safe) {
        admission.guard = { ...guard, exempt: true };
        continue;
      }
      if (error.which === 'spend') {
        throw new SpendCeilingError(
          Math.max(1, Math.ceil(((guard.spend.day + 1) * 86_400_000 - now) / 1000)),
        );
      }
      await judge(ports, guard, error.item ?? {}, context.spend, now);
    }
  }
}

/** One decision on a prefix that refused a send; returns to retry the admission, or throws the block. */
async function judge(
  ports: EnginePorts,
  guard: GuardAdmission,
  item: Record<string, unknown>,
  spend: Record<string, unknown> | undefined,
  now: number,
): Promise<void> {
  const store = ports.store.guard;
  const monitor = guard.mode === 'monitor';
  const blockedUntil = Number(item.bu ?? 0);
  if (!monitor && blockedUntil > now) {
    throw new PumpingBlockedError(blockedUntil, Math.ceil((blockedUntil - now) / 1000));
  }
  const window = Number(item.w ?? now);
  if (now - window > WINDOW_MS) {
    await store.restartWindow(guard.prefix, window, now);
    return;
  }
  const { country } = guard.prefix;
  const unverified = Number(item.u ?? 0);
  const sends = Number(item.s ?? 0);
  const floor = adaptiveFloor(guard.minFloor, spend, country);
  if (unverified < floor) {
    await store.raiseFloor(guard.prefix, floor);
    return;
  }
  const entered = Math.max(0, sends - unverified);
  if (!looksPumped(sends, unverified, baselineRate(spend, country, { sends, entered }))) {
    await store.raiseFloor(guard.prefix, unverified + FLOOR_STEP);
    return;
  }
  const lastBlock = Number(item.lb ?? 0);
  const offences = now - lastBlock > OFFENCE_MEMORY_MS ? 0 : Number((monitor ? item.moff : item.off) ?? 0);
  const until = now + (BLOCKS_MS[Math.min(offences, BLOCKS_MS.length - 1)] ?? BLOCKS_MS[0]);
  const blocked = await store.block(guard.prefix, { until, now, channel: guard.channel, monitor });
  if (blocked !== false) {
    ports.observe?.({
      type: 'pumping_blocked',
      tenant: guard.prefix.tenantId,
      channel: guard.channel as Channel,
      country,
      prefix: guard.shown,
      mode: guard.mode,
      until,
      sends,
      unverified,
    });
  }
  if (!monitor) throw new PumpingBlockedError(until, Math.ceil((until - now) / 1000));
}

/**
 * An entered code on a phone channel: one transaction after the approving check (store/prefix-guard.ts
 * recordApproval). Mail and a guard that is off record nothing. `charged` is what the send charged the day's spend
 * (the code's item keeps it), so a text of several parts moves its whole price from unverified to verified.
 */
export async function recordEntered(
  ports: EnginePorts,
  tenant: Tenant,
  channel: Channel,
  e164: string,
  address: AddressRef,
  charged?: number,
): Promise<void> {
  const now = ports.clock.now();
  const guard = guardAdmission(ports, tenant, channel, e164, now);
  if (!guard) return;
  const settings = guardOf(tenant);
  await ports.store.guard.recordApproval({
    prefix: guard.prefix,
    address,
    now,
    micros: charged ?? guard.spend.micros,
    share: settings.unverifiedSpend.share,
    baseMicros: guard.spend.baseMicros,
  });
}
