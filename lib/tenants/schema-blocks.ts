// The tenant schema's parts: shared field shapes and the mail, SMS, codes and limits blocks that
// lib/tenants/schema.ts composes into a tenant (the optional per-dialect blocks: schema-dialects.ts).
import * as z from 'zod';
import { guardSchema } from './schema-guard.ts';

export const window = (limit: number, seconds: number) =>
  z
    .strictObject({
      limit: z.number().int().positive().describe('The most allowed within one window.'),
      windowSeconds: z.number().int().positive().describe('The window, in seconds.'),
    })
    .default({ limit, windowSeconds: seconds });

export const templateOverride = z.strictObject({
  subject: z.string().min(1).optional().describe('The mail subject.'),
  text: z.string().min(1).optional().describe('The text (the whole SMS; the plain-text part of a mail).'),
  html: z.string().min(1).optional().describe("The mail's HTML part (placeholders filled HTML-escaped)."),
});

/** An http(s) URL without query or fragment: links are built by appending to it. */
export const webUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must not carry a query or fragment');

/**
 * A browser origin (`https://app.example.com`, a port allowed): scheme and host only, lower-cased, so
 * it compares equal to what browsers send in `Origin`.
 */
export const webOrigin = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i, 'must be an origin like https://app.example.com (no path)')
  .transform((value) => new URL(value).origin);

/** A user account known to the tenant (for the dialects that ask whether an account exists). */
export const accountSchema = z.strictObject({
  id: z.string().min(1).describe("The account's id in the app (what the dialects that return one answer)."),
  email: z.string().email().optional().describe("The account's email address."),
  /** E.164, e.g. +8613800138000 */
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/)
    .optional()
    .describe("The account's phone number, E.164 (+8613800138000)."),
});

/** Kinds of enterprise SMS signatures and templates; a signature and its template must be of one kind (5216). */
export const ENTERPRISE_SMS_TYPES = ['verification', 'notification', 'marketing'] as const;

/** An enterprise SMS account, signature or template: who owns it and whether it is switched on. */
const enterpriseItem = {
  id: z.string().min(1).max(64).describe('Its id.'),
  /** The tenant id allowed to use it; any other tenant gets the "no permission" code. */
  owner: z
    .string()
    .min(1)
    .describe('The tenant id allowed to use it; any other gets the "no permission" code.'),
  enabled: z.boolean().default(true).describe('Switched on (off: the seed\'s "disabled" code).'),
};

/**
 * Enterprise SMS settings (seed 002): the SMS account, its signatures and templates, and which signature
 * and template this tenant's codes go out under. Only the shape is checked here; references, owners and
 * switches are judged per request so that each problem answers with the seed's own code.
 */
export const enterpriseSmsSchema = z.strictObject({
  signatureId: z.string().min(1).optional().describe('The signature (of `signatures`) codes go out under.'),
  templateId: z.string().min(1).optional().describe('The template (of `templates`) codes go out under.'),
  accounts: z.array(z.strictObject(enterpriseItem)).default([]).describe('Enterprise SMS accounts.'),
  signatures: z
    .array(
      z.strictObject({
        ...enterpriseItem,
        accountId: z.string().min(1).describe('The account (of `accounts`) it belongs to.'),
        type: z.enum(ENTERPRISE_SMS_TYPES).describe('Its kind; a signature and its template must agree.'),
        /** Shown as the SMS sender (SNS SenderID) instead of `sms.senderId`. */
        senderId: z
          .string()
          .min(1)
          .max(11)
          .optional()
          .describe('Shown as the SMS sender instead of `sms.senderId`.'),
      }),
    )
    .default([])
    .describe('Signatures: each of an account, a type, and optionally the sender ID it shows.'),
  templates: z
    .array(
      z.strictObject({
        ...enterpriseItem,
        accountId: z.string().min(1).describe('The account (of `accounts`) it belongs to.'),
        type: z.enum(ENTERPRISE_SMS_TYPES).describe('Its kind; a signature and its template must agree.'),
      }),
    )
    .default([])
    .describe("Templates: each of an account and a type (the same as its signature's)."),
});

export type EnterpriseSms = z.infer<typeof enterpriseSmsSchema>;

export const mailSchema = z
  .strictObject({
    from: z
      .string()
      .min(3)
      .describe('The sender, `Name <address>` or an address of a verified SES identity.'),
    /**
     * Refused: every send names the stack's configuration set, the only one the functions are granted and whose
     * bounces and complaints reach the suppression list; a tenant's own set would be denied or bypass suppression.
     */
    configurationSet: z
      .undefined({
        error:
          "mail.configurationSet is not supported: every send uses the stack's SES configuration set (the one the functions may send with, whose bounces and complaints feed the suppression list); remove the field",
      })
      .optional(),
    /** Base URL for verification links (seed 004); the local runtime fills its own address when absent. */
    linkBaseUrl: webUrl
      .optional()
      .describe(
        "This API's base URL, no trailing slash (https://verify.example.com): AnqiCMS links are `{linkBaseUrl}/api/verify/email?token=…`. Required with a host alias; npm start fills its own address.",
      ),
    /** Where password-reset confirmations redirect (seed 004). */
    resetUrl: webUrl
      .optional()
      .describe(
        'Where a confirmed AnqiCMS `state=reset` link redirects (with `?email=…&token=…`); default `{linkBaseUrl}/account/password/reset`.',
      ),
    /** How long a mailed verification link (and the reset grant it yields) stays valid (seed 004). */
    linkValiditySeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(1800)
      .describe(
        'How long a mailed verification link, and the reset grant it yields, stays valid (seed 004).',
      ),
  })
  .describe('Mail: the sender, and the links AnqiCMS (seed 004) mails.');

export const smsSchema = z
  .strictObject({
    senderId: z
      .string()
      .min(1)
      .max(11)
      .optional()
      .describe(
        'The SMS sender ID (SNS `SenderID`): 1–11 letters and digits, at least one letter, where countries allow one.',
      ),
    originationNumber: z
      .string()
      .optional()
      .describe('The number SMS are sent from (SNS `OriginationNumber`), E.164.'),
    allowedCountries: z
      .array(z.string().length(2))
      .default([])
      .describe(
        'The countries the tenant may text (ISO 3166 codes, upper case: "US"); any other number is refused as country_not_allowed. Empty means email-only: a tenant with aliases must state it.',
      ),
    dailyBudget: z
      .number()
      .int()
      .nonnegative()
      .default(100)
      .describe('SMS the tenant may send per UTC day; then sends answer budget_exhausted.'),
    maxPrice: z
      .string()
      .optional()
      .describe('The most one SMS may cost, in USD ("0.50"; SNS `MaxPrice`); SNS drops pricier messages.'),
    guard: guardSchema.optional(),
    /** Seed 002's enterprise SMS settings; absent means the tenant's own sender settings apply. */
    enterprise: enterpriseSmsSchema
      .optional()
      .describe(
        "Acceleronix SMS (seed 002) enterprise settings: account, signatures, templates; absent, the tenant's own sender.",
      ),
  })
  .default({ allowedCountries: [], dailyBudget: 100 })
  .describe('Texting: which countries, from what sender, how many a day.');

export const codesSchema = z
  .strictObject({
    length: z.number().int().min(4).max(10).default(6).describe('Digits in a code.'),
    ttlSeconds: z
      .strictObject({
        email: z.number().int().positive().default(600).describe('Seconds an emailed code stays valid.'),
        sms: z.number().int().positive().default(300).describe('Seconds a texted code stays valid.'),
        whatsapp: z.number().int().positive().default(600).describe('Seconds a WhatsApp code stays valid.'),
        voice: z
          .number()
          .int()
          .positive()
          .default(600)
          .describe('Seconds a code read by a call stays valid.'),
      })
      .default({ email: 600, sms: 300, whatsapp: 600, voice: 600 })
      .describe('How long a code stays valid, per channel.'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(5)
      .describe('Wrong guesses one code allows before it is spent.'),
    /** Failed checks per (tenant, address) over a rolling window; re-sending does not reset it. */
    failureCap: window(20, 3600).describe(
      'Failed checks per (tenant, address) over a rolling window; re-sending does not reset it.',
    ),
  })
  .default({
    length: 6,
    ttlSeconds: { email: 600, sms: 300, whatsapp: 600, voice: 600 },
    maxAttempts: 5,
    failureCap: { limit: 20, windowSeconds: 3600 },
  })
  .describe('How codes look, how long they live, how many guesses they allow.');

export const limitsSchema = z
  .strictObject({
    cooldownSeconds: z
      .number()
      .int()
      .nonnegative()
      .default(60)
      .describe('Seconds before the same address may get another code.'),
    /** Rolling window per (tenant, address) across purposes. */
    perAddress: window(5, 600).describe(
      'Sends per (tenant, address) over a rolling window, across purposes.',
    ),
    perIp: window(30, 3600).describe('Sends per client IP over a rolling window.'),
    perDevice: window(10, 3600).describe(
      'Sends per device id (dialects that carry one) over a rolling window.',
    ),
  })
  .default({
    cooldownSeconds: 60,
    perAddress: { limit: 5, windowSeconds: 600 },
    perIp: { limit: 30, windowSeconds: 3600 },
    perDevice: { limit: 10, windowSeconds: 3600 },
  })
  .describe("Send limits; a refused send answers the dialect's rate-limit code.");
