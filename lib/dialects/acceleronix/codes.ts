// Acceleronix end-user API data (seeds 000/002): body codes, messages, purpose enums, domain-error mapping.
import type { DomainErrorKind } from '../../domain/errors.ts';
import type { Purpose } from '../../domain/vocabulary.ts';

/** Every body `code` the Acceleronix endpoints emit, with its `msg`. HTTP is always 200. */
export const MESSAGES = {
  200: 'OK',
  // Acceleronix's SaaS-level "Forbidden": SMS to a country the tenant does not allow, or a browser request
  // from an origin it does not allow (chosen by Codegate); `extMsg` says which.
  403: 'Forbidden',
  5013: 'User domain format incorrect',
  5015: 'User domain does not exist',
  5019: 'Phone number format incorrect',
  5021: 'Please enter phone number',
  5023: 'Please enter user domain',
  5026: 'Please enter email',
  // Chosen by Codegate: the family's "verification failed" code, for signature, timestamp and replay failures.
  5032: 'Signature verification failed',
  5040: 'Email format incorrect',
  5058: 'Sending exceeds frequency limit',
  5059: 'Sending exception',
  5104: 'User domain has been disabled',
  5116: 'Please enter international code',
  5117: 'Please enter enterprise SMS signature ID',
  5118: 'Please enter enterprise SMS template ID',
  5122: 'No permission to use this enterprise SMS signature ID',
  5123: 'Enterprise SMS signature ID has been disabled',
  5124: 'No permission to use this enterprise SMS template ID',
  5125: 'Enterprise SMS template ID has been disabled',
  5126: 'SMS signature and template not under the same SMS account',
  5128: 'Enterprise SMS account has been disabled',
  5188: 'Enterprise SMS account does not exist',
  5202: 'Enterprise SMS signature does not exist',
  5209: 'Enterprise SMS template does not exist',
  5216: 'Signature ID and template ID types must be consistent',
  // Chosen by Codegate where the family documents nothing (see docs/dialects/acceleronix.md).
  50000: 'Service exception, please retry later',
  50005: 'Parameter check error',
} as const;

export type AcceleronixCode = keyof typeof MESSAGES;

/** Every code `POST /v2/mail/enduserapi/v2/sendEmail` (seed 000) can answer with. */
export const SEND_EMAIL_CODES: readonly AcceleronixCode[] = [
  200, 5026, 5040, 50005, 5023, 5013, 5015, 5104, 403, 5058, 5059, 50000,
];

/** Every code `POST /v2/sms/enduserapi/v2/sendPhoneSmsCode` (seed 002) can answer with. */
export const SEND_SMS_CODES: readonly AcceleronixCode[] = [
  200, 50005, 5021, 5019, 5116, 5023, 5013, 5015, 5104, 5032, 5117, 5118, 5202, 5209, 5122, 5123, 5124, 5125,
  5126, 5188, 5128, 5216, 403, 5058, 5059, 50000,
];

/** A lookup table without a prototype, so `constructor` or `__proto__` are not enum values. */
function enumTable(entries: Record<string, Purpose>): Readonly<Record<string, Purpose>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, Purpose>, entries));
}

/** emailType → purpose (seed 000). */
export const EMAIL_TYPES = enumTable({
  '1': 'register',
  '2': 'reset_password',
  '3': 'bind',
  '4': 'unbind',
  '5': 'delete_account',
});

/** codeType → purpose (seed 002). Numbered differently from emailType on purpose: do not share them. */
export const CODE_TYPES = enumTable({
  '1': 'reset_password',
  '2': 'login',
  '3': 'register',
  '4': 'delete_account',
  '5': 'add_push_recipient',
});

/** How engine refusals read in this dialect. */
export const DOMAIN_CODES: Record<DomainErrorKind, AcceleronixCode> = {
  rate_limited: 5058,
  // The tenant's daily SMS budget is a sending limit too; `extMsg` says which limit it was.
  budget_exhausted: 5058,
  replayed: 5032,
  country_not_allowed: 403,
  invalid_address: 5040,
  delivery_failed: 5059,
  // A suppressed address is one SES will not deliver to: the family's "sending exception".
  suppressed: 5059,
  // The pumping guard blocked the number's prefix: nothing is sent, the family's "sending exception" too.
  pumping_blocked: 5059,
  // A browser request from an origin the tenant does not allow: the SaaS-level "Forbidden".
  cross_site: 403,
  idempotency_conflict: 50005,
  not_found: 50005,
  busy: 50000,
};
