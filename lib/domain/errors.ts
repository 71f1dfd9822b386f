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
  | 'busy';

/** Which limit refused a send; dialects that distinguish them can. */
export type LimitScope = 'address' | 'ip' | 'device' | 'account';

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

/** A send was refused by a rate limit (cooldown, rolling window, per-IP, per-device). */
export class RateLimitedError extends DomainError {
  constructor(
    readonly scope: LimitScope,
    override readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', `send refused by the ${scope} limit`);
  }
}

/** The tenant's daily SMS budget is spent. */
export class BudgetExhaustedError extends DomainError {
  constructor(override readonly retryAfterSeconds: number) {
    super('budget_exhausted', 'daily SMS budget exhausted');
  }
}

/** SMS to a country the tenant does not allow. */
export class CountryNotAllowedError extends DomainError {
  constructor(readonly country: string | undefined) {
    super('country_not_allowed', 'destination country not allowed');
  }
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
  constructor() {
    super('suppressed', 'address is suppressed');
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
