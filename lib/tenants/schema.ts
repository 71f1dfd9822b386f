// Tenant configuration: the zod schema every tenants file and every stored tenant item is parsed with.
import * as z from 'zod';
import { LOCALES, PURPOSES } from '../domain/vocabulary.ts';

const window = (limit: number, seconds: number) =>
  z
    .strictObject({
      limit: z.number().int().positive().describe('The most allowed within one window.'),
      windowSeconds: z.number().int().positive().describe('The window, in seconds.'),
    })
    .default({ limit, windowSeconds: seconds });

const templateOverride = z.strictObject({
  subject: z.string().min(1).optional().describe('The mail subject.'),
  text: z.string().min(1).optional().describe('The text (the whole SMS; the plain-text part of a mail).'),
  html: z.string().min(1).optional().describe("The mail's HTML part (placeholders filled HTML-escaped)."),
});

/** An http(s) URL without query or fragment: links are built by appending to it. */
const webUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must not carry a query or fragment');

/**
 * A browser origin (`https://app.example.com`, a port allowed): scheme and host only, lower-cased, so
 * it compares equal to what browsers send in `Origin`.
 */
const webOrigin = z
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

/** One tenant (app). Defaults are the service's defaults (docs/architecture.md). */
export const tenantSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .describe(
      'The tenant id: lower-case letters, digits and hyphens, unique in the file; logs and events name it.',
    ),
  appName: z.string().min(1).describe('The app name messages show (`{app}` in templates).'),
  disabled: z
    .boolean()
    .default(false)
    .describe("Switched off: every alias answers the dialect's disabled or unknown-tenant code."),
  defaultLocale: z
    .enum(LOCALES)
    .default('en')
    .describe('The message language when a request names none the tenant has.'),
  aliases: z
    .strictObject({
      /** Acceleronix userDomain values (seeds 000/002). */
      userDomains: z
        .array(z.string().min(1))
        .default([])
        .describe('Acceleronix `userDomain` values (seeds 000 email and 002 SMS).'),
      /** EIAM X-client-id values (seed 003). */
      clientIds: z.array(z.string().min(1)).default([]).describe('EIAM `X-client-id` values (seed 003).'),
      /** Host names (seeds 001/004); the port is ignored. `*` makes this the fallback tenant. */
      hosts: z
        .array(z.string().min(1))
        .default([])
        .describe(
          'Host names (Fresns, seed 001; AnqiCMS, seed 004), the port ignored; `*` makes this the fallback tenant. A host alias needs `mail.linkBaseUrl`.',
        ),
    })
    .default({ userDomains: [], clientIds: [], hosts: [] })
    .describe('How each dialect finds the tenant; every value is unique across tenants.'),
  /**
   * Browser origins whose pages may call this tenant's send and confirm endpoints. Empty (the default):
   * browser requests carrying any other `Origin`, or `Sec-Fetch-Site: cross-site`, are refused.
   */
  allowedOrigins: z
    .array(webOrigin)
    .default([])
    .describe(
      "Browser origins (https://app.example.com) whose pages may call the tenant's send and confirm endpoints; empty refuses every cross-site browser request.",
    ),
  /** Native API keys, stored only as SHA-256 hex. */
  apiKeySha256: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .default([])
    .describe('Native API keys, each as the SHA-256 (lowercase hex) of the key; never the key itself.'),
  /** Seed 002 signature secret. */
  userDomainSecret: z
    .string()
    .min(16)
    .optional()
    .describe(
      'Signing secret of Acceleronix SMS (seed 002) requests; without it every signed request is refused. Secret, stored sealed.',
    ),
  /** HS256 secret for Fresns session tokens (seed 001). */
  sessionTokenSecret: z
    .string()
    .min(8)
    .optional()
    .describe('HS256 secret of Fresns session tokens (seed 001 logged-in sends). Secret, stored sealed.'),
  mail: z
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
    .describe('Mail: the sender, and the links AnqiCMS (seed 004) mails.'),
  sms: z
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
      /** Seed 002's enterprise SMS settings; absent means the tenant's own sender settings apply. */
      enterprise: enterpriseSmsSchema
        .optional()
        .describe(
          "Acceleronix SMS (seed 002) enterprise settings: account, signatures, templates; absent, the tenant's own sender.",
        ),
    })
    .default({ allowedCountries: [], dailyBudget: 100 })
    .describe('Texting: which countries, from what sender, how many a day.'),
  codes: z
    .strictObject({
      length: z.number().int().min(4).max(10).default(6).describe('Digits in a code.'),
      ttlSeconds: z
        .strictObject({
          email: z.number().int().positive().default(600).describe('Seconds an emailed code stays valid.'),
          sms: z.number().int().positive().default(300).describe('Seconds a texted code stays valid.'),
        })
        .default({ email: 600, sms: 300 })
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
      ttlSeconds: { email: 600, sms: 300 },
      maxAttempts: 5,
      failureCap: { limit: 20, windowSeconds: 3600 },
    })
    .describe('How codes look, how long they live, how many guesses they allow.'),
  limits: z
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
    .describe("Send limits; a refused send answers the dialect's rate-limit code."),
  /** How the tenant's mail looks (lib/delivery/mail-layout.ts): every field optional, the words stay the templates'. */
  branding: z
    .strictObject({
      name: z
        .string()
        .trim()
        .min(1)
        .max(80)
        .optional()
        .describe(
          "The name at the top of the tenant's mail, beside or instead of the logo; defaults to appName.",
        ),
      logoUrl: z
        .url({ protocol: /^https$/, error: 'must be an https URL' })
        .max(2048)
        .optional()
        .describe(
          'An https URL of the logo image shown at the top of the mail (about 40 px high); its alt text is the name. Mail clients fetch it when the mail is opened.',
        ),
      accentColor: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1a73e8')
        .optional()
        .describe(
          "The accent colour (#rrggbb) of the mail's top bar and the code's frame; the text on it is black or white, whichever contrasts more.",
        ),
    })
    .optional()
    .describe(
      "The tenant's mail branding: name, logo and accent colour. Absent: the app name on a neutral layout.",
    ),
  /** Template overrides: locale → purpose → parts with `{app}`, `{code}`, `{minutes}`, `{link}` placeholders. */
  templates: z
    .partialRecord(z.enum(LOCALES), z.partialRecord(z.enum(PURPOSES), templateOverride))
    .default({})
    .describe(
      'Message overrides: locale → purpose → `subject`, `text`, `html`, with the placeholders `{app}`, `{action}`, `{code}`, `{minutes}`, `{link}`.',
    ),
  accounts: z
    .array(accountSchema)
    .default([])
    .describe('Accounts the app has, for the dialects that ask whether one exists. Stored sealed.'),
  /** EIAM slider captcha (seed 003): challenges one client IP may get per fixed window. */
  captcha: z
    .strictObject({ perIp: window(60, 600).describe('Captcha challenges per client IP per fixed window.') })
    .default({ perIp: { limit: 60, windowSeconds: 600 } })
    .describe('EIAM slider captcha (seed 003).'),
  /** Fresns (seed 001): the templateIds (1–8) enabled per channel; a channel left out has all of them. */
  fresns: z
    .strictObject({
      templates: z
        .strictObject({
          email: z
            .array(z.number().int().min(1).max(8))
            .optional()
            .describe('templateIds enabled for email (all when absent).'),
          sms: z
            .array(z.number().int().min(1).max(8))
            .optional()
            .describe('templateIds enabled for SMS (all when absent).'),
        })
        .optional()
        .describe('The templateIds (1–8) enabled per channel; a channel left out has all of them.'),
    })
    .optional()
    .describe('Fresns (seed 001) settings.'),
  /** Twilio Verify v2 dialect: the accounts that may call it and the Verify services they address. */
  twilio: z
    .strictObject({
      accounts: z
        .array(
          z.strictObject({
            accountSid: z
              .string()
              .regex(/^AC[0-9a-f]{32}$/)
              .describe('The account SID callers authenticate as (AC + 32 hex).'),
            /** The auth token, stored only as SHA-256 hex (like API keys). */
            authTokenSha256: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .describe("SHA-256 (lowercase hex) of the account's auth token."),
          }),
        )
        .default([])
        .describe('Accounts that may call the Twilio Verify v2 API (Basic auth).'),
      services: z
        .array(
          z.strictObject({
            sid: z
              .string()
              .regex(/^VA[0-9a-f]{32}$/)
              .describe('The Verify service SID in request paths (VA + 32 hex).'),
            /** Shown in the message as the app's name, unless a request sets CustomFriendlyName. */
            friendlyName: z
              .string()
              .min(1)
              .max(30)
              .describe('Shown in the message as the app name, unless a request sets CustomFriendlyName.'),
            codeLength: z
              .number()
              .int()
              .min(4)
              .max(10)
              .default(6)
              .describe('Digits in a code of this service.'),
            customCodeEnabled: z
              .boolean()
              .default(false)
              .describe('Whether a request may bring its own code (CustomCode).'),
            defaultLocale: z.enum(LOCALES).optional().describe("The message language (else the tenant's)."),
          }),
        )
        .default([])
        .describe('Verify services of the tenant (any account of the tenant may address any of them).'),
      /** How long a Twilio verification stays valid (Twilio's default: 10 minutes, both channels). */
      validitySeconds: z
        .number()
        .int()
        .min(60)
        .max(86_400)
        .default(600)
        .describe('How long a Twilio verification stays valid.'),
    })
    .optional()
    .describe('Twilio Verify v2 dialect: the accounts that may call it and the services they address.'),
});

export type Tenant = z.infer<typeof tenantSchema>;
export type TenantInput = z.input<typeof tenantSchema>;
export type Account = z.infer<typeof accountSchema>;

export const tenantsFileSchema = z
  .strictObject({ tenants: z.array(tenantSchema).min(1) })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    for (const tenant of file.tenants) {
      const keys = [
        `id:${tenant.id}`,
        ...tenant.aliases.userDomains.map((a) => `userDomain:${a}`),
        ...tenant.aliases.clientIds.map((a) => `clientId:${a}`),
        ...tenant.aliases.hosts.map((a) => `host:${a.toLowerCase()}`),
        ...tenant.apiKeySha256.map((a) => `apiKey:${a}`),
        ...(tenant.twilio?.accounts ?? []).map((a) => `twilioAccount:${a.accountSid}`),
        ...(tenant.twilio?.services ?? []).map((a) => `twilioService:${a.sid}`),
      ];
      for (const key of keys) {
        const owner = seen.get(key);
        if (owner)
          ctx.addIssue({ code: 'custom', message: `${key} belongs to both ${owner} and ${tenant.id}` });
        seen.set(key, tenant.id);
      }
    }
  });

export type TenantsFile = z.infer<typeof tenantsFileSchema>;
