// Use case: the one verification engine behind every front door (SPEC §3). Dialects build commands;
// the engine applies the rules and talks to its ports.
import { emailKey, parseEmail, parsePhone } from '../address.ts';
import { keyedHash, randomCode, randomHex, randomToken, safeEqual } from '../crypto.ts';
import { renderTemplate } from '../delivery/templates.ts';
import type { Mailer, OutgoingMessage, SenderSettings, Texter } from '../delivery/types.ts';
import {
  CountryNotAllowedError,
  DeliveryFailedError,
  DomainError,
  InvalidAddressError,
  NotFoundError,
} from '../domain/errors.ts';
import { type Channel, type Locale, PURPOSES, type Purpose } from '../domain/vocabulary.ts';
import { maskAddress } from '../mask.ts';
import type {
  AddressRef,
  AdmitSendInput,
  CounterSpec,
  VerificationStore,
} from '../store/verification-store.ts';
import type { Tenant } from '../tenants/schema.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** What the engine needs from the outside world, wired once per container. */
export interface EnginePorts {
  store: VerificationStore;
  mailer: Mailer;
  texter: Texter;
  clock: Clock;
  /** Deployment secret for the keyed hashes. */
  pepper: Buffer;
  /** Told what happened, with masked, code-free facts only (logs and metrics listen here). */
  observe?: (event: EngineEvent) => void;
}

/** What the engine reports. Addresses are masked; codes, tokens and secrets never appear. */
export type EngineEvent =
  | { type: 'code_sent'; tenant: string; channel: Channel; purpose: Purpose; to: string; id: string }
  | { type: 'delivery_failed'; tenant: string; channel: Channel; purpose: Purpose; to: string; cause: string }
  | {
      type: 'code_checked';
      tenant: string;
      channel: Channel;
      purpose: Purpose;
      to: string;
      outcome: 'approved' | 'wrong' | 'refused';
    }
  | { type: 'link_checked'; tenant: string; purpose: Purpose; to: string; confirmed: boolean }
  | { type: 'grant_redeemed'; tenant: string; purpose: Purpose; to: string; redeemed: boolean };

export interface SendCommand {
  tenant: Tenant;
  channel: Channel;
  /** Email as given, or E.164 for SMS. */
  to: string;
  purpose: Purpose;
  locale?: Locale;
  clientIp?: string;
  deviceId?: string;
  /** Accept this signed request once (e.g. seed 002's `random`); kept until `until` ms. */
  replayKey?: { key: string; until: number };
  idempotency?: { key: string; requestHash: string };
  /** Overrides the tenant's validity for this send (e.g. 30-minute verification links). */
  validitySeconds?: number;
  /**
   * Also mail a single-use link: the engine draws a 256-bit token, stores only its keyed hash beside the
   * code, and renders `url(token)` into the message.
   */
  link?: { url: (token: string) => string };
}

export interface SendResult {
  id: string;
  channel: Channel;
  to: string;
  purpose: Purpose;
  expiresAt: number;
}

export interface CheckCommand {
  tenant: Tenant;
  channel: Channel;
  to: string;
  purpose: Purpose;
  code: string;
}

export type CheckStatus = 'approved' | 'pending' | 'expired' | 'max_attempts' | 'not_found' | 'already_used';

export interface CheckResult {
  valid: boolean;
  status: CheckStatus;
}

export interface VerificationStatus {
  id: string;
  status: 'pending' | 'approved' | 'expired' | 'max_attempts' | 'failed';
  channel: Channel;
  to: string;
  purpose: Purpose;
  expiresAt: number;
}

const ID_PATTERN = /^vf_([es])(\d{2})([A-Za-z0-9_-]{43})\.([0-9a-f]{16})$/;

/** A verification id: channel, purpose, address key and the send's nonce — opaque, and nothing secret. */
function idOf(channel: Channel, purpose: Purpose, addrKey: string, nonce: string): string {
  return `vf_${channel[0]}${String(PURPOSES.indexOf(purpose)).padStart(2, '0')}${addrKey}.${nonce}`;
}

/** Builds the engine over its ports. */
export function createEngine(ports: EnginePorts) {
  const { store, clock, pepper } = ports;

  /** The normalized key form of an address, or InvalidAddressError. */
  function normalize(tenant: Tenant, channel: Channel, to: string) {
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

  function addressRef(tenant: Tenant, channel: Channel, key: string): AddressRef {
    return { tenantId: tenant.id, channel, addrKey: keyedHash(pepper, 'addr', tenant.id, channel, key) };
  }

  function codeHash(tenant: Tenant, channel: Channel, key: string, purpose: Purpose, code: string) {
    return keyedHash(pepper, tenant.id, channel, key, purpose, code);
  }

  function linkHash(tenant: Tenant, channel: Channel, key: string, purpose: Purpose, token: string) {
    return keyedHash(pepper, 'link', tenant.id, channel, key, purpose, token);
  }

  function grantHash(tenant: Tenant, key: string, purpose: Purpose, token: string) {
    return keyedHash(pepper, 'grant', tenant.id, 'email', key, purpose, token);
  }

  function retentionSeconds(tenant: Tenant) {
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

  function counters(command: SendCommand): CounterSpec[] {
    const { tenant } = command;
    const specs: CounterSpec[] = [];
    if (command.clientIp) {
      // Keyed like device fingerprints: a table dump shows no client addresses.
      const ip = keyedHash(pepper, 'ip', tenant.id, command.clientIp);
      specs.push({ scope: 'ip', key: `ip#${tenant.id}#${ip}`, ...tenant.limits.perIp });
    }
    if (command.deviceId) {
      const device = keyedHash(pepper, 'device', tenant.id, command.deviceId);
      specs.push({ scope: 'device', key: `dev#${tenant.id}#${device}`, ...tenant.limits.perDevice });
    }
    if (command.channel === 'sms') {
      specs.push({
        scope: 'budget',
        key: `sms#${tenant.id}`,
        limit: tenant.sms.dailyBudget,
        windowSeconds: 86_400,
      });
    }
    return specs;
  }

  function senderOf(tenant: Tenant): SenderSettings {
    return {
      from: tenant.mail.from,
      configurationSet: tenant.mail.configurationSet,
      smsSenderId: tenant.sms.senderId,
      smsOriginationNumber: tenant.sms.originationNumber,
      smsMaxPrice: tenant.sms.maxPrice,
    };
  }

  async function deliver(message: OutgoingMessage, tenant: Tenant) {
    if (message.channel === 'email') await ports.mailer.sendMail(message, senderOf(tenant));
    else await ports.texter.sendSms(message, senderOf(tenant));
  }

  /**
   * Issues a new code: admits the send (limits, replay key, idempotency key and the code's keyed hash
   * in one conditional transaction), then delivers it. When delivery fails the code is withdrawn and
   * the send slot given back, so nothing usable remains and the recipient is not locked out.
   */
  async function sendCode(command: SendCommand): Promise<SendResult> {
    const { tenant, channel, purpose } = command;
    const address = normalize(tenant, channel, command.to);
    const now = clock.now();
    const ttlSeconds = command.validitySeconds ?? tenant.codes.ttlSeconds[channel];
    const code = randomCode(tenant.codes.length);
    const linkToken = command.link ? randomToken(32) : undefined;
    const ref = addressRef(tenant, channel, address.key);
    const nonce = randomHex(8);
    const result: SendResult = {
      id: idOf(channel, purpose, ref.addrKey, nonce),
      channel,
      to: maskAddress(channel, address.deliverTo),
      purpose,
      expiresAt: now + ttlSeconds * 1000,
    };
    const admission: AdmitSendInput = {
      address: ref,
      purpose,
      masked: result.to,
      codeHash: codeHash(tenant, channel, address.key, purpose, code),
      linkHash: linkToken && linkHash(tenant, channel, address.key, purpose, linkToken),
      nonce,
      now,
      expiresAt: result.expiresAt,
      cooldownSeconds: tenant.limits.cooldownSeconds,
      perAddress: tenant.limits.perAddress,
      // A validity longer than the tenant's windows (30-minute links) must not outlive its item.
      retentionSeconds: Math.max(retentionSeconds(tenant), ttlSeconds + 60),
      counters: counters(command),
      replayKey: command.replayKey,
      idempotency: command.idempotency && {
        ...command.idempotency,
        key: keyedHash(pepper, 'idem', command.idempotency.key),
        response: JSON.stringify(result),
        until: now + 24 * 3600 * 1000,
      },
    };
    const replay = await store.admitSend(admission);
    if (replay) return JSON.parse(replay.response) as SendResult;

    const locale = command.locale ?? tenant.defaultLocale;
    const rendered = renderTemplate({
      appName: tenant.appName,
      channel,
      purpose,
      locale,
      code,
      minutes: Math.round(ttlSeconds / 60),
      link: linkToken && command.link?.url(linkToken),
      override: tenant.templates[locale]?.[purpose],
    });
    try {
      await deliver(
        { channel, to: address.deliverTo, tenantId: tenant.id, purpose, locale, ...rendered },
        tenant,
      );
    } catch (error) {
      const causeName = error instanceof Error ? error.name : 'unknown';
      ports.observe?.({
        type: 'delivery_failed',
        tenant: tenant.id,
        channel,
        purpose,
        to: result.to,
        cause: causeName,
      });
      await store.withdrawSend(admission);
      throw new DeliveryFailedError(causeName);
    }
    ports.observe?.({ type: 'code_sent', tenant: tenant.id, channel, purpose, to: result.to, id: result.id });
    return result;
  }

  /** Checks a code: one conditional write decides, so it verifies once and at most maxAttempts are evaluated. */
  async function checkCode(command: CheckCommand): Promise<CheckResult> {
    const { tenant, channel, purpose } = command;
    let key: string;
    try {
      key = normalize(tenant, channel, command.to).key;
    } catch (error) {
      if (error instanceof DomainError) return { valid: false, status: 'not_found' };
      throw error;
    }
    const code = command.code.trim();
    if (!/^\d{4,10}$/.test(code)) return { valid: false, status: 'pending' };
    const outcome = await store.consumeCode({
      address: addressRef(tenant, channel, key),
      purpose,
      codeHash: codeHash(tenant, channel, key, purpose, code),
      now: clock.now(),
      maxAttempts: tenant.codes.maxAttempts,
      failureCap: tenant.codes.failureCap,
      retentionSeconds: retentionSeconds(tenant),
      matches: safeEqual,
    });
    const masked = maskAddress(channel, key);
    ports.observe?.({
      type: 'code_checked',
      tenant: tenant.id,
      channel,
      purpose,
      to: masked,
      outcome: outcome.outcome,
    });
    if (outcome.outcome === 'approved') return { valid: true, status: 'approved' };
    if (outcome.outcome === 'wrong') {
      return { valid: false, status: outcome.attemptsLeft > 0 ? 'pending' : 'max_attempts' };
    }
    return { valid: false, status: outcome.status };
  }

  /**
   * Confirms a mailed link: the token's keyed hash must match the live one for (tenant, email, purpose).
   * Single use: the same write removes the link and the code and marks the address verified. With
   * `grant`, that write also stores the keyed hash of a fresh 256-bit one-time grant (e.g. a password
   * reset token) valid for `validitySeconds`; the token itself is returned once and never stored.
   */
  async function confirmLink(command: {
    tenant: Tenant;
    to: string;
    purpose: Purpose;
    token: string;
    grant?: { validitySeconds: number };
  }): Promise<{ confirmed: boolean; grant?: string }> {
    const { tenant, purpose } = command;
    const email = parseEmail(command.to);
    if (!email || !/^[A-Za-z0-9_-]{20,100}$/.test(command.token)) return { confirmed: false };
    const key = emailKey(email);
    const ref = addressRef(tenant, 'email', key);
    const now = clock.now();
    const grantToken = command.grant ? randomToken(32) : undefined;
    const grantSeconds = command.grant?.validitySeconds ?? 0;
    const confirmed = await store.consumeLink({
      address: ref,
      purpose,
      linkHash: linkHash(tenant, 'email', key, purpose, command.token),
      now,
      retentionSeconds: Math.max(retentionSeconds(tenant), grantSeconds + 60),
      grant: grantToken
        ? { hash: grantHash(tenant, key, purpose, grantToken), expiresAt: now + grantSeconds * 1000 }
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

  /**
   * Redeems a grant issued by `confirmLink` for (tenant, email, purpose): true exactly once, while it
   * is live. One conditional write decides, so concurrent redemptions cannot both succeed.
   */
  async function redeemGrant(command: {
    tenant: Tenant;
    to: string;
    purpose: Purpose;
    token: string;
  }): Promise<boolean> {
    const { tenant, purpose } = command;
    const email = parseEmail(command.to);
    if (!email || !/^[A-Za-z0-9_-]{20,100}$/.test(command.token)) return false;
    const key = emailKey(email);
    const redeemed = await store.redeemGrant({
      address: addressRef(tenant, 'email', key),
      purpose,
      grantHash: grantHash(tenant, key, purpose, command.token),
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

  /**
   * The latest verification for (tenant, channel, address, purpose) — for callers that never saw its id,
   * such as apps whose users confirm a mailed link — and when a link last confirmed that address for the
   * purpose (kept 90 days, whatever was sent since).
   */
  async function findVerification(
    tenant: Tenant,
    channel: Channel,
    to: string,
    purpose: Purpose,
  ): Promise<{ latest?: VerificationStatus; verifiedAt?: number; to: string }> {
    let key: string;
    try {
      key = normalize(tenant, channel, to).key;
    } catch (error) {
      if (error instanceof DomainError) throw new NotFoundError();
      throw error;
    }
    const ref = addressRef(tenant, channel, key);
    const found = await store.findVerification(ref, purpose, clock.now(), tenant.codes.maxAttempts);
    if (!found) throw new NotFoundError();
    const latest = found.latest && {
      id: idOf(channel, purpose, ref.addrKey, found.latest.nonce),
      status: found.latest.state,
      channel,
      to: found.latest.masked,
      purpose,
      expiresAt: found.latest.expiresAt,
    };
    return { latest, verifiedAt: found.verifiedAt, to: maskAddress(channel, key) };
  }

  /** The current status of one verification, by the id its send returned. */
  async function getVerification(tenant: Tenant, id: string): Promise<VerificationStatus> {
    const match = ID_PATTERN.exec(id);
    const purpose = match ? PURPOSES[Number(match[2])] : undefined;
    if (!match || !purpose) throw new NotFoundError();
    const channel: Channel = match[1] === 'e' ? 'email' : 'sms';
    const ref: AddressRef = { tenantId: tenant.id, channel, addrKey: match[3] ?? '' };
    const view = await store.getVerification(
      ref,
      purpose,
      match[4] ?? '',
      clock.now(),
      tenant.codes.maxAttempts,
    );
    if (!view) throw new NotFoundError();
    return { id, status: view.state, channel, to: view.masked, purpose, expiresAt: view.expiresAt };
  }

  return { sendCode, checkCode, confirmLink, redeemGrant, findVerification, getVerification };
}

export type Engine = ReturnType<typeof createEngine>;
