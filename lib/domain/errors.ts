// Domain errors: the engine and stores throw these; each dialect maps `kind` to its own code in one table.

export type DomainErrorKind =
  | 'rate_limited'
  | 'budget_exhausted'
  | 'country_not_allowed'
  | 'replayed'
  | 'delivery_failed'
  | 'invalid_address'
  | 'idempotency_conflict'
  | 'not_found'
  | 'suppressed'
  | 'cross_site'
  | 'pumping_blocked'
  | 'busy';

/** Which limit refused a send; dialects that distinguish them can. */
/** `bucket`: a caller-defined limit (a Twilio Service Rate Limit's bucket), named by `limitName`. */
export type LimitScope = 'address' | 'ip' | 'device' | 'account' | 'bucket';

/** Base class: `kind` is what dialects switch on; the message is for logs, never shown for `busy`. */
export class DomainError extends Error {
  /** Seconds until the same request may succeed, for the refusals that know it (limits, budget). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Which of the per-address limits refused: the cooldown between two sends, or the rolling window's count. */
export type AddressRule = 'cooldown' | 'window';

/** A send was refused by a rate limit (cooldown, rolling window, per-IP, per-device). */
export class RateLimitedError extends DomainError {
  constructor(
    readonly scope: LimitScope,
    override readonly retryAfterSeconds: number,
    /** For the address scope, when the store knows it: which per-address limit refused. */
    readonly rule?: AddressRule,
    /** For the bucket scope: the name of the caller-defined limit that refused (a Twilio rate limit). */
    readonly limitName?: string,
  ) {
    super('rate_limited', `send refused by the ${rule ?? scope} limit`);
  }
}

/** The limit a refusal names: the address's cooldown or window when known, else the scope. */
export type LimitName = AddressRule | LimitScope;

/** Which limit refused, for messages that may say so (every dialect but the ones whose texts are fixed). */
export function limitOf(error: RateLimitedError): LimitName {
  return error.scope === 'address' ? (error.rule ?? 'address') : error.scope;
}

/** How each limit reads in a message ("… refused by {text}"), in the two message languages. */
export const LIMIT_TEXTS: Record<LimitName, { en: string; 'zh-CN': string }> = {
  cooldown: { en: 'the cooldown between two codes to one address', 'zh-CN': '同一地址两次发送的最短间隔' },
  window: {
    en: 'the limit of codes to one address per time window',
    'zh-CN': '同一地址在时间窗口内的发送次数上限',
  },
  address: { en: 'the limit of sends to one address', 'zh-CN': '同一地址的发送频率限制' },
  ip: { en: 'the limit of sends from one client IP address', 'zh-CN': '同一客户端 IP 的发送次数上限' },
  device: { en: 'the limit of sends from one device', 'zh-CN': '同一设备的发送次数上限' },
  account: { en: 'the limit of sends for one account', 'zh-CN': '同一账号的发送次数上限' },
  bucket: { en: 'a rate limit the caller defined', 'zh-CN': '调用方定义的发送频率限制' },
};

/** The tenant's daily SMS budget is spent. */
export class BudgetExhaustedError extends DomainError {
  constructor(override readonly retryAfterSeconds: number) {
    super('budget_exhausted', 'daily SMS budget exhausted');
  }
}

/** SMS to a country the tenant does not allow. `country`: the ISO 3166 code the number was read as. */
export class CountryNotAllowedError extends DomainError {
  constructor(readonly country: string | undefined) {
    super('country_not_allowed', 'destination country not allowed');
  }
}

/**
 * How a refused number reads, for messages that may say so: the country it was read as (`+447911123456` is
 * Guernsey's, GG, not GB's), or that it belongs to no single country (international services such as +800).
 */
export function countryText(country: string | undefined): string {
  return country ? `the number reads as ${country}` : 'the number belongs to no single country';
}

/** A signed request (nonce) seen before. */
export class ReplayedError extends DomainError {
  constructor() {
    super('replayed', 'request nonce already used');
  }
}

/** SES or SNS refused or failed; the code was withdrawn. */
export class DeliveryFailedError extends DomainError {
  constructor(readonly causeName: string) {
    super('delivery_failed', `delivery failed: ${causeName}`);
  }
}

/** The address cannot be normalized for its channel. */
export class InvalidAddressError extends DomainError {
  constructor(readonly channel: 'email' | 'sms') {
    super('invalid_address', `invalid ${channel} address`);
  }
}

/** The same idempotency key was used with a different request. */
export class IdempotencyConflictError extends DomainError {
  constructor() {
    super('idempotency_conflict', 'idempotency key reused with another request');
  }
}

/**
 * The address bounced or complained and is on the suppression list (or an operator put it there):
 * nothing is sent, whatever the limits say, until the suppression is removed or expires.
 */
export class AddressSuppressedError extends DomainError {
  /** Why it is suppressed, as the suppression item records it (`bounce`, `complaint`, `operator`, …). */
  readonly reason: string | undefined;
  constructor(reason?: string) {
    super('suppressed', 'address is suppressed');
    this.reason = reason === 'manual' ? 'operator' : reason;
  }
}

/**
 * A browser request from an origin the tenant does not allow (or marked `Sec-Fetch-Site: cross-site`):
 * nothing is sent, so no web page can make its visitors' browsers send codes.
 */
export class CrossSiteRequestError extends DomainError {
  constructor() {
    super('cross_site', 'browser request from an origin the tenant does not allow');
  }
}

/**
 * The pumping guard (engine/pumping-guard.ts) blocks the number's prefix: codes sent to it are not being
 * entered. Nothing is sent until `until` (epoch ms) or an operator unblocks it (`npm run sms-guard`).
 */
export class PumpingBlockedError extends DomainError {
  constructor(
    readonly until: number,
    override readonly retryAfterSeconds: number,
  ) {
    super('pumping_blocked', 'number prefix blocked by the pumping guard: its codes are not being entered');
  }
}

/** The tenant's daily ceiling on unverified SMS spend (engine/pumping-guard.ts) is reached. */
export class SpendCeilingError extends BudgetExhaustedError {
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds);
    this.message = 'daily ceiling on unverified SMS spend reached';
  }
}

/** A verification id that does not exist (or not for this tenant). */
export class NotFoundError extends DomainError {
  constructor() {
    super('not_found', 'not found');
  }
}

/** A dependency failed in a way the caller can retry (throttling, timeouts). */
export class BusyError extends DomainError {
  constructor(message = 'a dependency is unavailable') {
    super('busy', message);
  }
}

/**
 * Bad input, detected by a dialect's parser, carrying that dialect's own code. `params` fill the
 * dialect's message template (e.g. EIAM's "Parameter {0} cannot be left blank.").
 */
export class InputError extends Error {
  constructor(
    readonly code: string | number,
    readonly params: readonly string[] = [],
  ) {
    super(`input error ${code}`);
    this.name = 'InputError';
  }
}
