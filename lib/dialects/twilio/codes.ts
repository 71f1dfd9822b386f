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
  60205: [403, 'SMS is not supported by landline phone number'],
  60221: [400, 'No target verification specified: either a `To` or a `VerificationSid` must be specified'],
  60223: [400, 'Delivery channel disabled'],
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
  // Twilio's own Fraud Guard code: the destination prefix is blocked (docs/dialects/twilio.md).
  pumping_blocked: 60410,
  invalid_address: 60200,
  not_found: 20404,
  replayed: 60203,
  idempotency_conflict: 60200,
  delivery_failed: 20503,
  cross_site: 20403,
  busy: 20503,
};

/**
 * Rate-limit answers: the code, message and `Twilio-Reached-Rate-Limit` value of each limit. Only the
 * per-`To` send window is Twilio's 60203 ("more than 5 sends in 10 minutes"); Codegate's own limits (per
 * device IP, per device, the SMS budget) are told apart with 20429 and a message naming them.
 */
export const RATE_LIMITS: Readonly<Record<string, { code: TwilioCode; message: string; name: string }>> = {
  address: { code: 60203, message: 'Max send attempts reached', name: 'send-attempts-per-to' },
  ip: {
    code: 20429,
    message: 'Too Many Requests: the send limit per device IP is reached',
    name: 'device-ip',
  },
  device: { code: 20429, message: 'Too Many Requests: the send limit per device is reached', name: 'device' },
  account: { code: 20429, message: 'Too Many Requests: the limit per client is reached', name: 'client' },
};

/** Channels Twilio Verify offers that Codegate does not: refused with 60223 (delivery channel disabled). */
export const UNOFFERED_CHANNELS = ['sna', 'auto', 'rcs', 'voice'] as const;

/** `VE` + 32 hex: a verification sid; `VA`: a service; `AC`: an account; `VL`: a send attempt. */
export const SID = {
  verification: /^VE[0-9a-fA-F]{32}$/,
  service: /^VA[0-9a-fA-F]{32}$/,
  account: /^AC[0-9a-fA-F]{32}$/,
} as const;

/** A sid as stored: its prefix, then its hex in lower case (Twilio reads the hex in either case). */
export const canonicalSid = (sid: string) => `${sid.slice(0, 2)}${sid.slice(2).toLowerCase()}`;

/** The purpose every Twilio verification is stored under (what a native check must name). */
export const TWILIO_PURPOSE = 'general';
