// Masking for logs and API responses: no full address ever leaves through either.

/** `alice@example.com` → `a***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** `+8613800138000` → `+86138****8000`: keeps the country and first digits, hides the middle four or more. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/^\+/, '');
  if (digits.length < 8) return `+${'*'.repeat(digits.length)}`;
  const tail = digits.slice(-4);
  const head = digits.slice(0, Math.max(0, digits.length - 8));
  return `+${head}${'*'.repeat(digits.length - head.length - 4)}${tail}`;
}

/** Masks an address of any channel: an email, or a phone number (SMS, WhatsApp, voice). */
export function maskAddress(channel: 'email' | 'sms' | 'whatsapp' | 'voice', address: string): string {
  return channel === 'email' ? maskEmail(address) : maskPhone(address);
}
