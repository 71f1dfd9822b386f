// The tenant schema's WhatsApp and voice blocks (AWS End User Messaging Social, and SMS and Voice v2): each
// optional; a tenant without one does not offer the channel (every number answers country_not_allowed).
import * as z from 'zod';
import type { Locale } from '../domain/vocabulary.ts';

const countries = z
  .array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 code in upper case ("US")'))
  .min(1)
  .describe(
    'The countries the channel may reach (ISO 3166, upper case); any other number is refused as country_not_allowed. Its own list: WhatsApp and calls are priced apart from SMS.',
  );

const budget = (what: string) =>
  z
    .number()
    .int()
    .nonnegative()
    .default(100)
    .describe(
      `${what} the tenant may send per UTC day (its own counter); then sends answer budget_exhausted.`,
    );

/**
 * The language of each message locale as Meta codes it: a locale's template must be in that language (`en`, `en_US`,
 * `en_GB`, …; `zh-CN` is Simplified Chinese, `zh_CN`: not `zh_HK` or `zh_TW`, Traditional Chinese), or a user who
 * asked for one language would get another.
 */
const TEMPLATE_LANGUAGE = {
  en: { codes: /^en(_[A-Z]{2})?$/, name: 'an English', example: 'en, en_US, en_GB, …' },
  'zh-CN': { codes: /^zh_CN$/, name: 'a Simplified Chinese', example: 'zh_CN' },
} as const satisfies Record<Locale, { codes: RegExp; name: string; example: string }>;

/** A Meta-approved authentication template with a copy-code button, in the language of `locale`. */
const whatsappTemplate = (locale: Locale) =>
  z
    .strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9_]{1,512}$/, 'must be a WhatsApp template name: lower-case letters, digits and _')
        .describe('The authentication template\'s name, as approved by Meta (e.g. "codegate_code").'),
      language: z
        .string()
        .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a WhatsApp language code such as en_US or zh_CN')
        .refine(
          (code) => TEMPLATE_LANGUAGE[locale].codes.test(code),
          `must be ${TEMPLATE_LANGUAGE[locale].name} language code (${TEMPLATE_LANGUAGE[locale].example}), as ${locale} messages are sent in that language`,
        )
        .describe(`The template's language code at Meta, ${TEMPLATE_LANGUAGE[locale].name} one.`),
    })
    .optional()
    .describe(`The authentication template of ${locale} messages.`);

export const whatsappSchema = z
  .strictObject({
    originationPhoneNumberId: z
      .string()
      .regex(
        /^(phone-number-id-[0-9a-f]{32}|arn:aws:social-messaging:[a-z0-9-]+:\d{12}:phone-number-id\/[0-9a-f]{32})$/,
        'must be a phone number id (phone-number-id-…) or its ARN, as GetLinkedWhatsAppBusinessAccount lists it',
      )
      .describe(
        'The WhatsApp business phone number codes are sent from: its id in AWS End User Messaging Social (`phone-number-id-…`) or ARN.',
      ),
    metaApiVersion: z
      .string()
      .regex(/^v\d{1,3}\.\d$/, 'must be a Meta Graph API version such as v20.0')
      .default('v20.0')
      .describe('The Meta Graph API version `SendWhatsAppMessage` names (`metaApiVersion`).'),
    templates: z
      .strictObject({
        en: whatsappTemplate('en'),
        'zh-CN': whatsappTemplate('zh-CN'),
      } satisfies Record<Locale, unknown>)
      .refine((value) => Object.values(value).some(Boolean), 'must name at least one template')
      .describe(
        "Per message locale, the authentication template (copy-code button) and its language; a locale without one uses the tenant's default locale's, else the first listed.",
      ),
    allowedCountries: countries,
    dailyBudget: budget('WhatsApp messages'),
  })
  .describe(
    'WhatsApp (AWS End User Messaging Social): the business number, the templates, where and how many.',
  );

/**
 * The Amazon Polly voices a call may use, per message locale: each speaks its locale's language (Polly's voice
 * list: Joanna, Matthew, Salli, Joey and Kendra US English; Amy, Brian and Emma British English; Zhiyu Mandarin
 * Chinese). A voice of another language would read the script wrongly, so a tenant naming one is refused at load.
 */
export const VOICES_BY_LOCALE = {
  en: ['JOANNA', 'MATTHEW', 'SALLI', 'JOEY', 'KENDRA', 'AMY', 'BRIAN', 'EMMA'],
  'zh-CN': ['ZHIYU'],
} as const satisfies Record<Locale, readonly string[]>;

const voiceOf = (locale: Locale, language: string) =>
  z
    .enum(VOICES_BY_LOCALE[locale], {
      error: `must be ${language} voice, as ${locale} calls are read in that language: ${VOICES_BY_LOCALE[locale].join(', ')}`,
    })
    .optional()
    .describe(`The voice of calls in ${locale}: ${language} one.`);

export const voiceSchema = z
  .strictObject({
    originationIdentity: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[A-Za-z0-9_:/+-]+$/, 'must be a phone number (E.164), a phone number or pool id, or an ARN')
      .describe(
        'Where calls come from (SMS and Voice v2 `OriginationIdentity`): a voice-enabled phone number (E.164), its id, a pool id, or an ARN.',
      ),
    voices: z
      .strictObject({
        en: voiceOf('en', 'an English'),
        'zh-CN': voiceOf('zh-CN', 'a Mandarin Chinese'),
      } satisfies Record<Locale, unknown>)
      .default({ en: 'JOANNA', 'zh-CN': 'ZHIYU' })
      .describe(
        'The Amazon Polly voice per message locale (`VoiceId`), one that speaks its language; default JOANNA (en) and ZHIYU (zh-CN).',
      ),
    configurationSetName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .describe(
        'An SMS and Voice v2 configuration set for the calls (event destinations for call outcomes).',
      ),
    maxPricePerMinute: z
      .string()
      .regex(/^\d{1,2}\.\d{1,5}$/)
      .optional()
      .describe('The most a call may cost per minute, in USD ("0.10"; `MaxPricePerMinute`).'),
    allowedCountries: countries,
    dailyBudget: budget('Calls'),
  })
  .describe(
    'Voice calls (AWS End User Messaging SMS and Voice v2): the caller id, the voices, where and how many.',
  );

export type WhatsAppSettings = z.infer<typeof whatsappSchema>;
export type VoiceSettings = z.infer<typeof voiceSchema>;
