// Twilio Verify v2 dialect data: every error code this API answers with, and the domain-error mapping.

/** HTTP status and message of each Twilio error code emitted (docs/dialects/twilio.md lists when). */
export const ERRORS = {
  20003: [401, 'Authenticate'],
  20403: [403, 'Forbidden'],
  20404: [404, 'The requested resource was not found'],
  20429: [429, 'Too Many Requests'],
  20503: [503, 'Service unavailable'],
  60200: [400, 'Invalid parameter'],
  60202: [429, 'Max check attempts reached'],
  60203: [429, 'Max send attempts reached'],
  60205: [400, 'SMS is not supported by landline phone number'],
  60410: [403, 'Verification delivery attempt blocked'],
  60605: [403, 'Verification delivery attempt blocked'],
} as const satisfies Record<number, readonly [number, string]>;

export type TwilioCode = keyof typeof ERRORS;

/**
 * Engine refusals → Twilio codes. Keyed by `DomainError.kind` as a string, so a kind added later (the
 * suppression list's `suppressed`) has its code here already and any unknown kind reads as 20503.
 */
export const KIND_CODES: Readonly<Record<string, TwilioCode>> = {
  rate_limited: 60203,
  budget_exhausted: 20429,
  country_not_allowed: 60605,
  suppressed: 60410,
  invalid_address: 60200,
  not_found: 20404,
  replayed: 60203,
  idempotency_conflict: 60200,
  delivery_failed: 20503,
  cross_site: 20403,
  busy: 20503,
};

/** Channels Twilio Verify offers that Codegate does not: refused with 60200 and a message saying so. */
export const UNOFFERED_CHANNELS = ['call', 'whatsapp', 'sna', 'auto', 'rcs', 'voice'] as const;

/** `VE` + 32 hex: a verification sid; `VA`: a service; `AC`: an account; `VL`: a send attempt. */
export const SID = {
  verification: /^VE[0-9a-f]{32}$/,
  service: /^VA[0-9a-f]{32}$/,
  account: /^AC[0-9a-f]{32}$/,
} as const;
