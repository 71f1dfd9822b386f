// Message templates per purpose and locale, with tenant overrides as data.
import type { Channel, Locale, Purpose } from '../domain/vocabulary.ts';
import { renderMailLayout } from './mail-layout.ts';

/** What the code is for, as the message says it. */
const ACTIONS: Record<Purpose, Record<Locale, string>> = {
  register: { en: 'create your account', 'zh-CN': '注册账号' },
  login: { en: 'sign in', 'zh-CN': '登录' },
  reset_password: { en: 'reset your password', 'zh-CN': '重置密码' },
  change_password: { en: 'change your password', 'zh-CN': '修改密码' },
  bind: { en: 'link this address to your account', 'zh-CN': '绑定此联系方式' },
  unbind: { en: 'unlink this address from your account', 'zh-CN': '解除绑定' },
  update_contact: { en: 'update your contact details', 'zh-CN': '更新联系方式' },
  delete_account: { en: 'delete your account', 'zh-CN': '注销账号' },
  mfa: { en: 'confirm your sign-in', 'zh-CN': '完成二次验证' },
  add_push_recipient: { en: 'add a notification recipient', 'zh-CN': '添加消息接收人' },
  edit_profile: { en: 'change your profile', 'zh-CN': '修改资料' },
  reset_wallet_password: { en: 'reset your payment password', 'zh-CN': '重置支付密码' },
  verify_identity: { en: 'confirm it is you', 'zh-CN': '验证身份' },
  general: { en: 'verify this address', 'zh-CN': '验证此联系方式' },
};

const DEFAULTS: Record<Locale, { subject: string; text: string; link: string }> = {
  en: {
    subject: '{app} verification code',
    text: 'Your {app} code to {action} is {code}. It expires in {minutes} minutes. If you did not ask for it, ignore this message.',
    link: 'Or open this link: {link}',
  },
  'zh-CN': {
    subject: '{app} 验证码',
    text: '您正在{action}，{app} 验证码为 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本消息。',
    link: '或打开此链接：{link}',
  },
};

export interface TemplateOverride {
  subject?: string;
  text?: string;
  html?: string;
}

export interface TemplateInput {
  appName: string;
  channel: Channel;
  purpose: Purpose;
  locale: Locale;
  code: string;
  minutes: number;
  link?: string;
  override?: TemplateOverride;
  /** The HTML `lang` when the text is in a language other than `locale` (lib/delivery/locale-text.ts). */
  lang?: string;
  /** The tenant's `branding` (lib/delivery/mail-layout.ts); the name defaults to `appName`. */
  branding?: { name?: string; logoUrl?: string; accentColor?: string };
}

export interface RenderedTemplate {
  subject?: string;
  text: string;
  html?: string;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Renders the message for one send; SMS gets text only, mail gets a subject, text and HTML. */
export function renderTemplate(input: TemplateInput): RenderedTemplate {
  const base = DEFAULTS[input.locale];
  const values = {
    app: input.appName,
    action: ACTIONS[input.purpose][input.locale],
    code: input.code,
    minutes: String(input.minutes),
    link: input.link ?? '',
  };
  const linkLine = input.link ? `\n\n${fill(base.link, values)}` : '';
  const text = fill(input.override?.text ?? base.text, values) + (input.override?.text ? '' : linkLine);
  if (input.channel === 'sms') return { text };
  const htmlValues = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, escapeHtml(value)]),
  );
  const subject = fill(input.override?.subject ?? base.subject, values);
  const html = input.override?.html
    ? fill(input.override.html, htmlValues)
    : renderMailLayout({
        locale: input.lang ?? input.locale,
        title: subject,
        text,
        code: input.code,
        link: input.link,
        branding: { ...input.branding, name: input.branding?.name ?? input.appName },
      });
  return { subject, text, html };
}
