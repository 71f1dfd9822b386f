// Use case: issuing a code — admission under every limit in one conditional write, then delivery.
import { keyedHash, randomCode, randomHex, randomToken } from '../crypto.ts';
import { smsParts } from '../delivery/sms-parts.ts';
import { renderTemplate } from '../delivery/templates.ts';
import type { OutgoingMessage, SenderSettings } from '../delivery/types.ts';
import { DeliveryFailedError } from '../domain/errors.ts';
import type { Channel, Locale, Purpose } from '../domain/vocabulary.ts';
import { limitKeyOfIp } from '../ip.ts';
import { maskAddress } from '../mask.ts';
import type { AdmitSendInput, CounterSpec } from '../store/verification-store.ts';
import { suppressionKey } from '../suppression/key.ts';
import type { Tenant } from '../tenants/schema.ts';
import { deliverCallOrChat, isCallOrChat, refuseUnoffered, renderCallOrChat } from './call-or-chat.ts';
import { budgetCounter } from './channels.ts';
import { boundCode } from './check.ts';
import { type ExternalSend, externalAdmission } from './external-admission.ts';
import { addressRef, codeHash, idOf, linkHash, normalize, retentionSeconds, spellingOf } from './keys.ts';
import type { EnginePorts } from './ports.ts';
import { admitGuarded, guardAdmission, phoneChargeMicros, smsMaxPrice } from './pumping-guard.ts';

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
  /** Send this code (4–10 digits) instead of drawing one: Twilio's CustomCode, which the caller chose. */
  code?: string;
  /** A dialect's own id for the verification (a Twilio sid), kept beside the code: see external.ts. */
  external?: ExternalSend;
  /** Bound to the code besides its digits (Twilio's Amount and Payee): a check must name the same. */
  binding?: string;
  /** SMS only: the app's 11-character SMS Retriever hash, put on the message's last line. */
  appHash?: string;
  /** The default message in a language the tenant's templates do not have (lib/delivery/locale-text.ts). */
  localeText?: { lang: string; subject: string; text: string };
  /** The mail's From, when the dialect lets the caller choose one the tenant may send as. */
  mailFrom?: string;
  /**
   * Caller-defined limits (Twilio Service Rate Limits): each bucket counts this send in its own fixed window
   * under the value's keyed hash, in the send's transaction; a full one refuses with its `name`.
   */
  buckets?: SendBucket[];
}

/** One caller-defined bucket a send counts against: `id` keeps buckets apart, `value` the metered key. */
export interface SendBucket {
  id: string;
  name: string;
  value: string;
  limit: number;
  windowSeconds: number;
}

export interface SendResult {
  id: string;
  channel: Channel;
  to: string;
  purpose: Purpose;
  expiresAt: number;
  /** When the code was issued: the clock reading the send's write stored (epoch ms). */
  issuedAt: number;
}

/** The tenant's per-client-IP send counter; keyed like device fingerprints, so a dump shows no IPs. */
function ipCounter(pepper: Buffer, tenant: Tenant, clientIp: string): CounterSpec {
  // An IPv6 client counts by its /64 (lib/ip.ts): one subscriber's prefix is one client.
  const ip = keyedHash(pepper, 'ip', tenant.id, limitKeyOfIp(clientIp));
  return { scope: 'ip', key: `ip#${tenant.id}#${ip}`, ...tenant.limits.perIp };
}

/** The fixed-window counters a send spends: per client IP, per device, and the tenant's SMS budget. */
function counters(pepper: Buffer, command: SendCommand): CounterSpec[] {
  const { tenant } = command;
  const specs: CounterSpec[] = [];
  if (command.clientIp) specs.push(ipCounter(pepper, tenant, command.clientIp));
  if (command.deviceId) {
    const device = keyedHash(pepper, 'device', tenant.id, command.deviceId);
    specs.push({ scope: 'device', key: `dev#${tenant.id}#${device}`, ...tenant.limits.perDevice });
  }
  for (const bucket of command.buckets ?? []) {
    const value = keyedHash(pepper, 'bucket', tenant.id, bucket.id, bucket.value);
    specs.push({
      scope: 'bucket',
      key: `rl#${tenant.id}#${bucket.id}#${value}`,
      limit: bucket.limit,
      windowSeconds: bucket.windowSeconds,
      name: bucket.name,
    });
  }
  // SMS, WhatsApp and voice each spend their own daily budget (lib/engine/channels.ts).
  const budget = budgetCounter(tenant, command.channel);
  if (budget) specs.push(budget);
  return specs;
}

function senderOf(tenant: Tenant, mailFrom?: string): SenderSettings {
  return {
    from: mailFrom ?? tenant.mail.from,
    smsSenderId: tenant.sms.senderId,
    smsOriginationNumber: tenant.sms.originationNumber,
  };
}

async function deliver(ports: EnginePorts, message: OutgoingMessage, tenant: Tenant, sender: SenderSettings) {
  if (message.channel === 'email') await ports.mailer.sendMail(message, sender);
  else if (message.channel === 'sms') await ports.texter.sendSms(message, sender);
  else await deliverCallOrChat(ports, message, tenant);
}

/**
 * Issues a new code: admits the send (limits, replay key, idempotency key and the code's keyed hash
 * in one conditional transaction), then delivers it. When delivery fails the code is withdrawn and
 * the send slot given back, so nothing usable remains and the recipient is not locked out.
 */
export async function sendCode(ports: EnginePorts, command: SendCommand): Promise<SendResult> {
  const { store, clock, pepper } = ports;
  const { tenant, channel, purpose } = command;
  const address = normalize(tenant, channel, command.to);
  refuseUnoffered(ports, channel, address.deliverTo);
  const now = clock.now();
  const ttlSeconds = command.validitySeconds ?? tenant.codes.ttlSeconds[channel];
  const code = command.code ?? randomCode(tenant.codes.length);
  const linkToken = command.link ? randomToken(32) : undefined;
  // Limits count the mailbox; the code, link and message stay with the spelling the caller gave.
  const ref = addressRef(pepper, tenant, channel, address.mailbox);
  const nonce = randomHex(8);
  const result: SendResult = {
    id: idOf(channel, purpose, ref.addrKey, nonce),
    channel,
    to: maskAddress(channel, address.deliverTo),
    purpose,
    expiresAt: now + ttlSeconds * 1000,
    issuedAt: now,
  };
  // Rendered before admission: a text's parts are what the pumping guard charges (and SNS's MaxPrice caps).
  const locale = command.locale ?? tenant.defaultLocale;
  const { localeText } = command;
  const rendered = isCallOrChat(channel)
    ? renderCallOrChat(tenant, channel, code, locale, Math.round(ttlSeconds / 60))
    : renderTemplate({
        appName: tenant.appName,
        channel,
        purpose,
        locale,
        code,
        minutes: Math.round(ttlSeconds / 60),
        link: linkToken && command.link?.url(linkToken),
        override: localeText ?? tenant.templates[locale]?.[purpose],
        lang: localeText?.lang,
        branding: tenant.branding,
      });
  // SMS Retriever: the app's hash ends the message, on a line of its own.
  if (channel === 'sms' && command.appHash) rendered.text = `${rendered.text}\n${command.appHash}`;
  const parts = channel === 'sms' ? smsParts(rendered.text) : 1;
  const admission: AdmitSendInput = {
    address: ref,
    purpose,
    masked: result.to,
    spelling: spellingOf(pepper, tenant, channel, address),
    codeHash: codeHash(pepper, tenant, channel, address.key, purpose, boundCode(code, command.binding)),
    linkHash: linkToken && linkHash(pepper, tenant, channel, address.key, purpose, linkToken),
    nonce,
    now,
    expiresAt: result.expiresAt,
    cooldownSeconds: tenant.limits.cooldownSeconds,
    perAddress: tenant.limits.perAddress,
    // A validity longer than the tenant's windows (30-minute links) must not outlive its item.
    retentionSeconds: Math.max(retentionSeconds(tenant), ttlSeconds + 60),
    counters: counters(pepper, command),
    replayKey: command.replayKey,
    suppressionKey: suppressionKey(pepper, channel, address.mailbox),
    idempotency: command.idempotency && {
      ...command.idempotency,
      key: keyedHash(pepper, 'idem', command.idempotency.key),
      response: JSON.stringify(result),
      until: now + 24 * 3600 * 1000,
    },
    external:
      command.external &&
      externalAdmission(command.external, {
        pepper,
        channel,
        purpose,
        maxAttempts: tenant.codes.maxAttempts,
        ref,
        deliverTo: address.deliverTo,
        code,
        now,
        expiresAt: result.expiresAt,
      }),
    // Every phone channel: the number prefix's unverified sends and the day's spend (engine/pumping-guard.ts).
    guard: guardAdmission(ports, tenant, channel, address.mailbox, now, parts),
  };
  const replay = await admitGuarded(ports, admission, ref);
  if (replay) return JSON.parse(replay.response) as SendResult;

  try {
    await deliver(
      ports,
      { channel, to: address.deliverTo, tenantId: tenant.id, purpose, locale, ...rendered },
      tenant,
      {
        ...senderOf(tenant, command.mailFrom),
        smsMaxPrice: smsMaxPrice(tenant.sms.maxPrice, admission.guard),
      },
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
  // The send's cost for the Spend metric: the guard's charge, computed alike when the guard is off.
  const spendMicros =
    admission.guard?.spend.micros ?? phoneChargeMicros(tenant, channel, address.mailbox, parts);
  ports.observe?.({
    type: 'code_sent',
    tenant: tenant.id,
    channel,
    purpose,
    to: result.to,
    id: result.id,
    ...(spendMicros === undefined ? {} : { spendUsd: spendMicros / 1e6 }),
  });
  // Only now may a replay of this idempotency key answer with this response. If marking fails, the
  // record counts as sent once its in-flight time is over: the code was delivered either way.
  if (admission.idempotency) await store.settleSend(admission).catch(() => undefined);
  return result;
}

/**
 * Charges an answer that tells whether an account exists (Fresns 34301, AnqiCMS "User does not exist")
 * to the client IP's send limit, in one conditional write: enumerating accounts costs what sending
 * does, and once the limit is spent the answer is the dialect's "too frequent" whether or not the
 * account exists. Throws the limit's RateLimitedError.
 */
export async function chargeAccountAnswer(ports: EnginePorts, tenant: Tenant, clientIp: string | undefined) {
  if (!clientIp) return;
  await ports.store.spendCounter(ipCounter(ports.pepper, tenant, clientIp), ports.clock.now());
}

/**
 * Uses up a signed request's nonce outside a send, for requests refused after their signature was
 * found correct: a captured request cannot be replayed later, to another country or once a limit
 * has passed. A nonce already taken (by the send itself, or a replay) is simply used up.
 */
export async function spendReplayKey(ports: EnginePorts, replayKey: { key: string; until: number }) {
  await ports.store.spendReplayKey(replayKey, ports.clock.now());
}
