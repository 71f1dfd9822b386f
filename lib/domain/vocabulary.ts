// Shared vocabulary (below the engine, store, delivery and tenants): channels, purposes and locales.

/** Every purpose the native check API understands; the index is part of verification ids, so only append. */
export const PURPOSES = [
  'register',
  'login',
  'reset_password',
  'change_password',
  'bind',
  'unbind',
  'update_contact',
  'delete_account',
  'mfa',
  'add_push_recipient',
  'edit_profile',
  'reset_wallet_password',
  'verify_identity',
  'general',
] as const;

export type Purpose = (typeof PURPOSES)[number];

/** Append only: a channel's name is part of address keys and its initial part of verification ids. */
export const CHANNELS = ['email', 'sms', 'whatsapp', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Picks a supported locale from a hint such as `zh`, `en-US,en;q=0.9` or `zh-CN`; undefined when none fits. */
export function matchLocale(hint: string | undefined): Locale | undefined {
  if (!hint) return undefined;
  for (const part of hint.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return undefined;
}
