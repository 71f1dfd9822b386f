// Acceleronix end-user API data (seeds 000/002): body codes, messages, purpose enums, domain-error mapping.
import type { DomainErrorKind } from '../../engine/errors.ts';
import type { Purpose } from '../../engine/purposes.ts';

/** Every body `code` the Acceleronix endpoints emit, with its `msg`. HTTP is always 200. */
export const MESSAGES = {
  200: 'OK',
  5013: 'User domain format incorrect',
  5015: 'User domain does not exist',
  5019: 'Phone number format incorrect',
  5021: 'Please enter phone number',
  5023: 'Please enter user domain',
  5026: 'Please enter email',
  5040: 'Email format incorrect',
  5058: 'Sending exceeds frequency limit',
  5059: 'Sending exception',
  5104: 'User domain has been disabled',
  5116: 'Please enter international code',
  // Chosen by Codegate where the family documents nothing (see docs/dialects/acceleronix.md).
  50000: 'Service exception, please retry later',
  50005: 'Parameter check error',
} as const;

export type AcceleronixCode = keyof typeof MESSAGES;

/** emailType → purpose (seed 000). */
export const EMAIL_TYPES: Record<string, Purpose> = {
  '1': 'register',
  '2': 'reset_password',
  '3': 'bind',
  '4': 'unbind',
  '5': 'delete_account',
};

/** How engine refusals read in this dialect. */
export const DOMAIN_CODES: Record<DomainErrorKind, AcceleronixCode> = {
  rate_limited: 5058,
  budget_exhausted: 5058,
  replayed: 5058,
  country_not_allowed: 5019,
  invalid_address: 5040,
  delivery_failed: 5059,
  idempotency_conflict: 50005,
  not_found: 50005,
  busy: 50000,
};
