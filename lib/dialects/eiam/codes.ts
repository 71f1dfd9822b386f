// EIAM / OneAccess SDK API data (seed 003): error codes with their HTTP status and zh/en messages, the
// type → purpose tables, and how engine refusals read in this dialect.
import type { DomainErrorKind } from '../../domain/errors.ts';
import type { Purpose } from '../../domain/vocabulary.ts';

/** The two languages of `error_msg`, chosen by the `X-L` header. */
export type EiamLanguage = 'en' | 'zh';

interface ErrorEntry {
  status: 400 | 500;
  en: string;
  zh: string;
}

/**
 * Every `error_code` the EIAM endpoints emit. `{0}` is filled with a parameter (a field or header name,
 * or seconds). SDK.COMMON.* are EIAM's documented codes; SDK.CAPTCHA.* and SDK.SMS.1001-1004 are chosen by
 * Codegate where the family publishes none (see docs/dialects/eiam.md).
 */
export const ERRORS = {
  'SDK.COMMON.1001': { status: 400, en: 'Parameter {0} cannot be left blank.', zh: '参数{0}不能为空。' },
  'SDK.COMMON.1002': { status: 400, en: '{0} format incorrect.', zh: '{0}格式不正确。' },
  'SDK.COMMON.1003': { status: 400, en: 'Device information incomplete.', zh: '设备信息不完整。' },
  'SDK.COMMON.1005': { status: 400, en: '{0} has expired.', zh: '{0}已过期。' },
  'SDK.COMMON.1007': { status: 400, en: 'Type error.', zh: '类型错误。' },
  'SDK.COMMON.1008': {
    status: 500,
    en: 'System busy, please try again later.',
    zh: '系统繁忙，请稍后重试。',
  },
  'SDK.COMMON.1012': { status: 400, en: 'X-client-id incorrect.', zh: 'X-client-id不正确。' },
  'SDK.CAPTCHA.1001': {
    status: 400,
    en: 'Graphic verification code verification failed.',
    zh: '图形验证码校验失败。',
  },
  'SDK.CAPTCHA.1002': {
    status: 400,
    en: 'The graphic verification code is invalid or has been used; please get a new one.',
    zh: '图形验证码已失效，请重新获取。',
  },
  'SDK.CAPTCHA.1003': {
    status: 400,
    en: 'The captcha token is invalid or has been used.',
    zh: '人机验证凭证无效或已使用。',
  },
  'SDK.CAPTCHA.1004': {
    status: 400,
    en: 'Graphic verification codes are requested too frequently; please try again in {0} seconds.',
    zh: '获取图形验证码过于频繁，请{0}秒后重试。',
  },
  'SDK.SMS.1001': {
    status: 400,
    en: 'Verification codes are sent too frequently ({1}); please try again in {0} seconds.',
    zh: '验证码发送过于频繁（{1}），请{0}秒后重试。',
  },
  'SDK.SMS.1002': {
    status: 400,
    en: 'The sending limit for today has been reached.',
    zh: '今日发送量已达上限。',
  },
  'SDK.SMS.1003': {
    status: 400,
    en: 'Failed to send the verification code; please try again later.',
    zh: '验证码发送失败，请稍后重试。',
  },
  'SDK.SMS.1004': {
    status: 400,
    en: 'Sending to this country or region is not supported ({0}).',
    zh: '不支持向该国家或地区发送（{0}）。',
  },
} as const satisfies Record<string, ErrorEntry>;

export type EiamCode = keyof typeof ERRORS;

/** True for the codes of {@link ERRORS} (own keys only, so `constructor` and friends are not codes). */
export function isEiamCode(code: unknown): code is EiamCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** Email `type` → purpose (docs/dialects/eiam.md). */
export const EMAIL_TYPES: ReadonlyMap<string, Purpose> = new Map([
  ['LOGIN_EMS', 'login'],
  ['REGISTER_EMS', 'register'],
  ['MFA_AUTH_EMS', 'mfa'],
  ['FORGET_PWD_EMS', 'reset_password'],
  ['CHANGE_PWD_EMS', 'change_password'],
  ['BIND_EMAIL_EMS', 'bind'],
  ['UPDATE_EMAIL_EMS', 'update_contact'],
]);

/** SMS `type` → purpose (docs/dialects/eiam.md). */
export const SMS_TYPES: ReadonlyMap<string, Purpose> = new Map([
  ['LOGIN_SMS', 'login'],
  ['REGISTER_SMS', 'register'],
  ['MFA_AUTH_SMS', 'mfa'],
  ['FORGET_PWD_SMS', 'reset_password'],
  ['CHANGE_PWD_SMS', 'change_password'],
  ['BIND_MOBILE_SMS', 'bind'],
  ['UPDATE_MOBILE_SMS', 'update_contact'],
]);

/**
 * How engine refusals read. `replayed`, `idempotency_conflict` and `not_found` cannot arise from these
 * endpoints (they send no nonce, no idempotency key, and look nothing up by id); they map to busy.
 */
export const DOMAIN_CODES: Record<DomainErrorKind, EiamCode> = {
  rate_limited: 'SDK.SMS.1001',
  budget_exhausted: 'SDK.SMS.1002',
  delivery_failed: 'SDK.SMS.1003',
  suppressed: 'SDK.SMS.1003',
  pumping_blocked: 'SDK.SMS.1003',
  cross_site: 'SDK.COMMON.1012',
  country_not_allowed: 'SDK.SMS.1004',
  invalid_address: 'SDK.COMMON.1002',
  replayed: 'SDK.COMMON.1008',
  idempotency_conflict: 'SDK.COMMON.1008',
  not_found: 'SDK.COMMON.1008',
  busy: 'SDK.COMMON.1008',
};
