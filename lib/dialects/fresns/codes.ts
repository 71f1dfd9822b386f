// Fresns dialect data (seed 001): body codes and messages, templateId → purpose, domain-error mapping.
import type { DomainErrorKind } from '../../domain/errors.ts';
import type { Purpose } from '../../domain/vocabulary.ts';

/**
 * Every body `code` send-verify-code emits, with its `message` in English and in Simplified Chinese
 * (Fresns's own texts from its error-code tables). HTTP is always 200.
 */
export const MESSAGES = {
  0: ['ok', 'ok'],
  30000: ['Parameter error', '参数格式错误'],
  30001: ['Parameter missing error', '参数缺失错误'],
  31501: ['Account not logged in, Unable to use', '账号未登录，无权操作'],
  32100: ['No service provider configured', '未配置服务商'],
  32301: ['No response from the service provider', '服务商未响应'],
  32302: ['Service provider processing failed', '服务商处理失败'],
  33200: ['Verify code template unavailable or not exist', '验证码模板关闭或者不存在'],
  33201: ['Send the Verify code too often, please try again later', '发送验证码太频繁，请稍后再试'],
  34101: ['Email format incorrect', '邮箱格式不正确'],
  34102: ['Phone number format incorrect', '手机号格式不正确'],
  34103: ['Country calling code error', '国际区号错误'],
  34205: ['Email has been used', '邮箱已被使用'],
  34206: ['Phone number has been used', '手机号已被使用'],
  34301: ['Account not exist', '该账号不存在'],
  34302: ['Email not exist', '邮箱不存在'],
  34303: ['Phone number not exist', '手机号不存在'],
  34401: ['Email bound', '已绑定邮箱'],
  34402: ['Phone bound', '已绑定手机'],
} as const satisfies Record<number, readonly [string, string]>;

export type FresnsCode = keyof typeof MESSAGES;

/** The templateIds Fresns defines (`verifycode1`…`verifycode8`). */
export const TEMPLATE_IDS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

/** templateId → purpose (docs/dialects/fresns.md); a code verifies only for its template's purpose. */
export const TEMPLATE_PURPOSES: Record<number, Purpose> = {
  1: 'general',
  2: 'register',
  3: 'edit_profile',
  4: 'update_contact',
  5: 'reset_password',
  6: 'reset_wallet_password',
  7: 'login',
  8: 'delete_account',
};

/** The five `useType` values: who may ask, and where the code goes. */
export const USE_TYPES = {
  newAccount: 1,
  existingAccount: 2,
  fillIn: 3,
  identity: 4,
  direct: 5,
} as const;

/**
 * How engine refusals read in this dialect. Fresns core has no code for a failed or unanswered
 * provider in this endpoint; we use its extension codes 32302 / 32301 (see docs/dialects/fresns.md).
 * `replayed`, `idempotency_conflict` and `not_found` cannot arise here (this endpoint sends neither a
 * nonce nor an idempotency key); they read as a parameter error should that ever change.
 */
export const DOMAIN_CODES: Record<DomainErrorKind, FresnsCode> = {
  rate_limited: 33201,
  budget_exhausted: 33201,
  country_not_allowed: 34103,
  invalid_address: 30000,
  delivery_failed: 32302,
  suppressed: 32302,
  pumping_blocked: 32302,
  // A browser request from an origin the tenant does not allow, or a non-JSON body (chosen; see fresns.md).
  cross_site: 30000,
  busy: 32301,
  replayed: 30000,
  idempotency_conflict: 30000,
  not_found: 30000,
};
