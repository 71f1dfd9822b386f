// AnqiCMS dialect data (seed 004): envelope messages (zh-CN + en), state → purpose, domain-error mapping, page texts.
import type { DomainErrorKind } from '../../domain/errors.ts';
import type { Locale, Purpose } from '../../domain/vocabulary.ts';

/**
 * Every `{code, msg}` this dialect answers, by message id. AnqiCMS has two body codes that matter
 * here: 0 OK and -1 error with the reason in `msg` (1001 not logged in and 1002 unauthorized exist
 * in the family but no endpoint here requires a login, so they are never emitted).
 */
export const MESSAGES = {
  sent: { code: 0, 'zh-CN': '已发送邮件', en: 'Email sent' },
  verified: { code: 0, 'zh-CN': '验证成功', en: 'Verification Successful' },
  invalid_parameter: { code: -1, 'zh-CN': '参数错误', en: 'Invalid Parameter' },
  user_not_found: { code: -1, 'zh-CN': '用户不存在', en: 'User does not exist' },
  invalid_token: { code: -1, 'zh-CN': '无效的令牌', en: 'Invalid Token' },
  // Chosen by Codegate where AnqiCMS documents nothing (see docs/dialects/anqicms.md).
  site_not_found: { code: -1, 'zh-CN': '站点不存在', en: 'Site does not exist' },
  too_frequent: {
    code: -1,
    'zh-CN': '发送过于频繁，请稍后再试',
    en: 'Sending too frequently, please try again later',
  },
  send_failed: {
    code: -1,
    'zh-CN': '邮件发送失败，请稍后再试',
    en: 'Failed to send the email, please try again later',
  },
  busy: { code: -1, 'zh-CN': '系统繁忙，请稍后再试', en: 'System busy, please try again later' },
  origin_not_allowed: {
    code: -1,
    'zh-CN': '不允许来自该来源的请求',
    en: 'Requests from this origin are not allowed',
  },
} as const satisfies Record<string, { code: 0 | -1 } & Record<Locale, string>>;

export type MessageId = keyof typeof MESSAGES;

/** `state` → purpose. Any other state (including none) sends a plain verification mail: `general`. */
export const STATE_PURPOSES: Record<string, Purpose> = {
  verify: 'verify_identity',
  reset: 'reset_password',
};

/** States whose mail goes only to a registered account (`-1` "User does not exist" otherwise). */
export const ACCOUNT_STATES = new Set(['verify', 'reset']);

/** How engine refusals read in this dialect. Kinds that only SMS or the native API raise fall back sensibly. */
export const DOMAIN_MESSAGES: Record<DomainErrorKind, MessageId> = {
  rate_limited: 'too_frequent',
  budget_exhausted: 'too_frequent',
  replayed: 'too_frequent',
  country_not_allowed: 'invalid_parameter',
  invalid_address: 'invalid_parameter',
  delivery_failed: 'send_failed',
  suppressed: 'send_failed',
  pumping_blocked: 'send_failed',
  cross_site: 'origin_not_allowed',
  idempotency_conflict: 'invalid_parameter',
  not_found: 'invalid_token',
  busy: 'busy',
};

/** The texts of the confirmation page and its result pages. `{app}` and `{email}` are filled escaped. */
export const PAGE_TEXTS = {
  en: {
    confirmTitle: 'Confirm your email address',
    confirmBody: 'Press the button to confirm that {email} is your email address for {app}.',
    confirmButton: 'Confirm email address',
    resetTitle: 'Reset your password',
    resetBody: 'Press the button to continue and choose a new password for {email} at {app}.',
    resetButton: 'Continue to reset password',
    verifiedTitle: 'Email address verified',
    verifiedBody: '{email} is verified for {app}. You can close this page.',
    invalidTitle: 'Link invalid or expired',
    invalidBody: 'This link is invalid, has expired or was already used. Please request a new email.',
    busyTitle: 'Please try again',
    busyBody: 'The service is busy right now. Please open the link again in a moment.',
  },
  'zh-CN': {
    confirmTitle: '确认您的邮箱地址',
    confirmBody: '请点击下方按钮，确认 {email} 是您在 {app} 使用的邮箱地址。',
    confirmButton: '确认邮箱地址',
    resetTitle: '重置密码',
    resetBody: '请点击下方按钮，继续为 {app} 的账号 {email} 设置新密码。',
    resetButton: '继续重置密码',
    verifiedTitle: '邮箱验证成功',
    verifiedBody: '{email} 已在 {app} 完成验证，您可以关闭此页面。',
    invalidTitle: '链接无效或已过期',
    invalidBody: '此链接无效、已过期或已被使用，请重新获取验证邮件。',
    busyTitle: '请稍后再试',
    busyBody: '服务繁忙，请稍后重新打开此链接。',
  },
} as const satisfies Record<Locale, Record<string, string>>;
