// Delivery data: the default verification message in every language Twilio Verify documents, for the
// dialects whose callers choose a locale (Twilio's `Locale`) beyond the tenant's own templates (en, zh-CN).
// Source of the tags: https://www.twilio.com/docs/verify/supported-languages (the Verify Default template's
// list, af … zh-HK). Placeholders as in templates.ts: {app}, {code}, {minutes}.

/** One language's default message: the mail subject and the text (SMS body and mail text). */
export interface LocaleText {
  subject: string;
  text: string;
}

/** Every locale Twilio Verify documents, by its tag as Twilio spells it. */
export const LOCALE_TEXTS: Readonly<Record<string, LocaleText>> = {
  af: { subject: '{app} verifikasiekode', text: 'Jou {app} verifikasiekode is: {code}' },
  ar: { subject: 'رمز التحقق من {app}', text: 'رمز التحقق الخاص بك في {app} هو: {code}' },
  ca: { subject: 'Codi de verificació de {app}', text: 'El teu codi de verificació de {app} és: {code}' },
  cs: { subject: 'Ověřovací kód {app}', text: 'Váš ověřovací kód {app} je: {code}' },
  da: { subject: '{app} bekræftelseskode', text: 'Din {app} bekræftelseskode er: {code}' },
  de: { subject: '{app} Verifizierungscode', text: 'Dein {app} Verifizierungscode lautet: {code}' },
  el: { subject: 'Κωδικός επαλήθευσης {app}', text: 'Ο κωδικός επαλήθευσης {app} είναι: {code}' },
  en: { subject: '{app} verification code', text: 'Your {app} verification code is: {code}' },
  'en-GB': { subject: '{app} verification code', text: 'Your {app} verification code is: {code}' },
  es: { subject: 'Código de verificación de {app}', text: 'Tu código de verificación de {app} es: {code}' },
  et: { subject: '{app} kinnituskood', text: 'Sinu {app} kinnituskood on: {code}' },
  fi: { subject: '{app} vahvistuskoodi', text: '{app} vahvistuskoodisi on: {code}' },
  fr: { subject: 'Code de vérification {app}', text: 'Votre code de vérification {app} est : {code}' },
  he: { subject: 'קוד האימות של {app}', text: 'קוד האימות שלך ב-{app} הוא: {code}' },
  hi: { subject: '{app} सत्यापन कोड', text: 'आपका {app} सत्यापन कोड है: {code}' },
  hr: { subject: '{app} kontrolni kôd', text: 'Vaš {app} kontrolni kôd je: {code}' },
  hu: { subject: '{app} ellenőrző kód', text: 'A(z) {app} ellenőrző kódod: {code}' },
  id: { subject: 'Kode verifikasi {app}', text: 'Kode verifikasi {app} Anda adalah: {code}' },
  it: { subject: 'Codice di verifica {app}', text: 'Il tuo codice di verifica {app} è: {code}' },
  ja: { subject: '{app} の認証コード', text: '{app} の認証コードは {code} です' },
  kn: { subject: '{app} ಪರಿಶೀಲನಾ ಕೋಡ್', text: 'ನಿಮ್ಮ {app} ಪರಿಶೀಲನಾ ಕೋಡ್: {code}' },
  ko: { subject: '{app} 인증 코드', text: '{app} 인증 코드는 {code}입니다' },
  lt: { subject: '{app} patvirtinimo kodas', text: 'Jūsų {app} patvirtinimo kodas: {code}' },
  mr: { subject: '{app} पडताळणी कोड', text: 'तुमचा {app} पडताळणी कोड आहे: {code}' },
  ms: { subject: 'Kod pengesahan {app}', text: 'Kod pengesahan {app} anda ialah: {code}' },
  nb: { subject: '{app} bekreftelseskode', text: 'Din {app} bekreftelseskode er: {code}' },
  nl: { subject: '{app} verificatiecode', text: 'Je {app} verificatiecode is: {code}' },
  pl: { subject: 'Kod weryfikacyjny {app}', text: 'Twój kod weryfikacyjny {app} to: {code}' },
  pt: { subject: 'Código de verificação {app}', text: 'O seu código de verificação {app} é: {code}' },
  'pt-BR': { subject: 'Código de verificação {app}', text: 'Seu código de verificação {app} é: {code}' },
  ro: { subject: 'Cod de verificare {app}', text: 'Codul tău de verificare {app} este: {code}' },
  ru: { subject: 'Код подтверждения {app}', text: 'Ваш код подтверждения {app}: {code}' },
  sk: { subject: 'Overovací kód {app}', text: 'Váš overovací kód {app} je: {code}' },
  sv: { subject: '{app} verifieringskod', text: 'Din {app} verifieringskod är: {code}' },
  te: { subject: '{app} ధృవీకరణ కోడ్', text: 'మీ {app} ధృవీకరణ కోడ్: {code}' },
  th: { subject: 'รหัสยืนยัน {app}', text: 'รหัสยืนยัน {app} ของคุณคือ {code}' },
  tl: { subject: '{app} verification code', text: 'Ang iyong {app} verification code ay: {code}' },
  tr: { subject: '{app} doğrulama kodu', text: '{app} doğrulama kodunuz: {code}' },
  uk: { subject: 'Код підтвердження {app}', text: 'Ваш код підтвердження {app}: {code}' },
  vi: { subject: 'Mã xác minh {app}', text: 'Mã xác minh {app} của bạn là: {code}' },
  zh: { subject: '{app} 验证码', text: '您的 {app} 验证码是：{code}' },
  'zh-CN': { subject: '{app} 验证码', text: '您的 {app} 验证码是：{code}' },
  'zh-HK': { subject: '{app} 驗證碼', text: '您的 {app} 驗證碼是：{code}' },
};

/** The documented tag a caller's locale names, matched without regard to case (`pt-br` → `pt-BR`). */
export function localeTag(value: string): string | undefined {
  const wanted = value.toLowerCase();
  return Object.keys(LOCALE_TEXTS).find((tag) => tag.toLowerCase() === wanted);
}

/**
 * The language a phone number's country reads, among the tags above: Twilio picks the message's language
 * this way when no locale is given. Countries absent here fall back to the service's default.
 */
const COUNTRY_LOCALES: Readonly<Record<string, string>> = {
  ZA: 'af',
  AE: 'ar',
  SA: 'ar',
  EG: 'ar',
  JO: 'ar',
  KW: 'ar',
  QA: 'ar',
  BH: 'ar',
  OM: 'ar',
  MA: 'ar',
  DZ: 'ar',
  TN: 'ar',
  AD: 'ca',
  CZ: 'cs',
  DK: 'da',
  DE: 'de',
  AT: 'de',
  LI: 'de',
  GR: 'el',
  CY: 'el',
  GB: 'en-GB',
  IE: 'en-GB',
  ES: 'es',
  MX: 'es',
  AR: 'es',
  CO: 'es',
  CL: 'es',
  PE: 'es',
  VE: 'es',
  EC: 'es',
  GT: 'es',
  CU: 'es',
  BO: 'es',
  DO: 'es',
  HN: 'es',
  PY: 'es',
  SV: 'es',
  NI: 'es',
  CR: 'es',
  PA: 'es',
  UY: 'es',
  EE: 'et',
  FI: 'fi',
  FR: 'fr',
  BE: 'fr',
  MC: 'fr',
  LU: 'fr',
  SN: 'fr',
  CI: 'fr',
  IL: 'he',
  IN: 'hi',
  HR: 'hr',
  HU: 'hu',
  ID: 'id',
  IT: 'it',
  SM: 'it',
  JP: 'ja',
  KR: 'ko',
  LT: 'lt',
  MY: 'ms',
  NO: 'nb',
  NL: 'nl',
  PL: 'pl',
  PT: 'pt',
  AO: 'pt',
  MZ: 'pt',
  BR: 'pt-BR',
  RO: 'ro',
  MD: 'ro',
  RU: 'ru',
  BY: 'ru',
  KZ: 'ru',
  SK: 'sk',
  SE: 'sv',
  TH: 'th',
  PH: 'tl',
  TR: 'tr',
  UA: 'uk',
  VN: 'vi',
  CN: 'zh-CN',
  HK: 'zh-HK',
  MO: 'zh-HK',
};

/** The locale tag of a country (ISO 3166-1 alpha-2), if Twilio's list has its language. */
export function countryLocale(country: string | undefined): string | undefined {
  return country ? COUNTRY_LOCALES[country] : undefined;
}
